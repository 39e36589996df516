/**
 * Type tests generated from the catalog and compiled with the TypeScript compiler, as a consumer's
 * editor would check them: `hasCause` narrows correctly for every cause (one assertion per cause:
 * the narrowed `cause` is exactly that cause, the narrowed `kind` exactly the kinds the catalog lists
 * for it), `toLogEntry` fits OpenTelemetry's `Attributes`, and `sendResult` takes `undefined` options
 * under `exactOptionalPropertyTypes`. A second program holds assertions that must fail, so the
 * checker is seen to reject what is wrong.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "../src/catalog/index.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(ROOT, "test", ".types-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The sources to compile, by file name; compiled together in one program (one load of the SDK's types). */
const SOURCES = new Map<string, string>();
let diagnostics: Map<string, string[]> | undefined;

/** The diagnostics of one of {@link SOURCES}, compiled as modules of the project (its tsconfig). */
function check(name: string): string[] {
  if (diagnostics === undefined) {
    const files = [...SOURCES].map(([file, source]) => {
      const path = join(dir, file);
      writeFileSync(path, source);
      return path;
    });
    const config = ts.getParsedCommandLineOfConfigFile(
      join(ROOT, "tsconfig.json"),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => {},
      },
    );
    if (config === undefined) throw new Error("tsconfig.json could not be read");
    const program = ts.createProgram(files, { ...config.options, noEmit: true });
    diagnostics = new Map(files.map((f) => [f, [] as string[]]));
    for (const d of ts.getPreEmitDiagnostics(program)) {
      const list = d.file === undefined ? undefined : diagnostics.get(d.file.fileName);
      list?.push(`${d.start}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    }
  }
  return diagnostics.get(join(dir, name)) ?? [`${name} was not compiled`];
}

const PRELUDE = `
import type { Attributes } from "@opentelemetry/api";
import { EncryptCommand, KMSClient } from "@aws-sdk/client-kms";
import { classify, hasCause, sendResult, toLogEntry } from "kms-keystore-errors";
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const f = classify(new Error("x"));
`;

const CAUSES = catalog.map((entry, i) => {
  const kinds = entry.kinds.map((k) => JSON.stringify(k)).join(" | ");
  return `if (hasCause(f, ${JSON.stringify(entry.cause)})) {
  const cause${i}: Equal<typeof f.cause, ${JSON.stringify(entry.cause)}> = true;
  const kind${i}: Equal<typeof f.kind, ${kinds}> = true;
  void cause${i}; void kind${i};
}`;
});
SOURCES.set("causes.ts", `${PRELUDE}\n${CAUSES.join("\n")}\nexport {};\n`);
SOURCES.set(
  "several.ts",
  `${PRELUDE}
if (hasCause(f, "XKS_PROXY_TIMED_OUT", "LIMIT_EXCEEDED")) {
  if (f.kind === "LimitExceededException") {
    const only: Equal<typeof f.cause, "LIMIT_EXCEEDED"> = true;
    void only;
  }
  if (f.kind === "KMSInvalidStateException") {
    const only: Equal<typeof f.cause, "XKS_PROXY_TIMED_OUT"> = true;
    void only;
  }
}
export {};
`,
);
SOURCES.set(
  "wrong.ts",
  `${PRELUDE}
if (hasCause(f, "XKS_PROXY_TIMED_OUT")) {
  const wrong: Equal<typeof f.cause, "KMS_INVALID_STATE"> = true;
  void wrong;
}
export {};
`,
);
SOURCES.set(
  "fits.ts",
  `${PRELUDE}
const attributes: Attributes = toLogEntry(f);
void attributes;
const kms = new KMSClient({});
void sendResult(kms, new EncryptCommand({ KeyId: "k", Plaintext: new Uint8Array(1) }), { abortSignal: undefined });
void sendResult(kms, new EncryptCommand({ KeyId: "k", Plaintext: new Uint8Array(1) }), { requestTimeout: undefined });
export {};
`,
);

describe("hasCause narrows for every cause of the catalog", () => {
  it(`compiles one assertion per cause (${catalog.length} causes)`, { timeout: 120_000 }, () => {
    expect(check("causes.ts")).toEqual([]);
  });

  it("narrows to the union of the kinds of several causes, each cause to those its kind can carry", () => {
    expect(check("several.ts")).toEqual([]);
  });

  it("rejects a wrong assertion (the checker is not silent)", () => {
    expect(check("wrong.ts").join("\n")).toContain("Type 'true' is not assignable to type 'false'");
  });
});

describe("public types fit what users pass them to", () => {
  it("a log entry is OpenTelemetry Attributes, and sendResult takes undefined options", () => {
    expect(check("fits.ts")).toEqual([]);
  });
});
