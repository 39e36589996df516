/**
 * Every `@example` in the shipped declaration files compiles in a consumer project: the code blocks
 * are read out of `dist/*.d.ts` (what an editor shows on hover), written as modules of a project that
 * imports the package by its name (resolved through the package's `exports` to `dist/`, as an
 * installed copy would be), and type-checked in one program under strict options, including
 * `exactOptionalPropertyTypes`. `npm test` builds before running vitest.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DECLARATIONS = ["dist/index.d.ts", "dist/testing.d.ts", "dist/diagnostics.d.ts"];

/** An example as the editor shows it: the declaration it documents and its code. */
interface Example {
  readonly where: string;
  readonly code: string;
}

/** The fenced code blocks of every `@example` tag in one declaration file, with the comment's `*` gutter removed. */
function examplesOf(declarations: string, file: string): Example[] {
  const found: Example[] = [];
  for (const match of declarations.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const comment = match[0];
    const lines = comment
      .replace(/^\/\*\*|\*\/$/g, "")
      .split("\n")
      .map((line) => line.replace(/^\s*\* ?/, ""));
    const text = lines.join("\n");
    const at = text.indexOf("@example");
    if (at < 0) continue;
    // The declaration the comment documents: a top-level one, or a member (method or property).
    const after = declarations.slice(match.index + comment.length, match.index + comment.length + 200);
    const name =
      /^\s*(?:export\s+)?(?:declare\s+)?(?:function|const|class|interface|type|let)\s+([A-Za-z0-9_$]+)/.exec(
        after,
      )?.[1] ??
      /^\s*(?:readonly\s+)?([A-Za-z0-9_$]+)/.exec(after)?.[1] ??
      "?";
    for (const block of text.slice(at).matchAll(/```(?:ts|typescript)\n([\s\S]*?)```/g)) {
      found.push({ where: `${file} ${name}`, code: block[1] ?? "" });
    }
  }
  return found;
}

let dir: string;
const examples: Example[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(ROOT, "test", ".dts-examples-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const file of DECLARATIONS) {
  if (existsSync(join(ROOT, file)))
    examples.push(...examplesOf(readFileSync(join(ROOT, file), "utf8"), file));
}
/** The same snippet documented on several declarations is compiled once. */
const unique = [...new Map(examples.map((e) => [e.code, e])).values()];

let diagnostics: Map<string, string[]> | undefined;

/** Compiles every example as one module each, in one program, and keeps each file's diagnostics. */
function compile(): Map<string, string[]> {
  if (diagnostics !== undefined) return diagnostics;
  const files = unique.map((example, i) => {
    const path = join(dir, `example-${i}.ts`);
    writeFileSync(path, `${example.code}\nexport {};\n`);
    return path;
  });
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ["node"],
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    noEmit: true,
  });
  diagnostics = new Map(files.map((f) => [f, [] as string[]]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const list = d.file === undefined ? undefined : diagnostics.get(d.file.fileName);
    const line =
      d.file === undefined || d.start === undefined
        ? 0
        : d.file.getLineAndCharacterOfPosition(d.start).line + 1;
    list?.push(`line ${line}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
  }
  return diagnostics;
}

describe("the @example blocks of the shipped declarations", () => {
  it("are found in every entry (run `npm run build` first when this fails)", () => {
    for (const file of DECLARATIONS)
      expect(examples.filter((e) => e.where.startsWith(file)).length).toBeGreaterThan(5);
  });

  it("each compile in a consumer project that imports the package by name", () => {
    const all = compile();
    const failing = unique.flatMap((example, i) => {
      const found = all.get(join(dir, `example-${i}.ts`)) ?? ["not compiled"];
      return found.length === 0 ? [] : [`${example.where}\n  ${found.join("\n  ")}`];
    });
    expect(failing).toEqual([]);
  });

  it("are checked: a wrong example is rejected by the same program", () => {
    const path = join(dir, "wrong.ts");
    writeFileSync(
      path,
      `import { classify } from "kms-keystore-errors";\nconst n: number = classify(new Error("x")).kind;\nexport {};\n`,
    );
    const program = ts.createProgram([path], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      types: ["node"],
    });
    const messages = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, " "));
    expect(messages.join("\n")).toMatch(/not assignable to type 'number'/);
  });
});
