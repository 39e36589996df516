import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// Every public export is documented: values (functions, constants) with a description and an
// @example, types with a description. Read from the sources through the compiler, as typedoc does.
const root = fileURLToPath(new URL("..", import.meta.url));
const entries = ["src/index.ts", "src/testing/index.ts", "src/diagnostics/index.ts"];
const program = ts.createProgram(
  entries.map((e) => `${root}${e}`),
  { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true },
);
const checker = program.getTypeChecker();

interface Doc {
  readonly name: string;
  readonly isValue: boolean;
  readonly hasDescription: boolean;
  readonly hasExample: boolean;
}

function docsOf(entry: string): Doc[] {
  const file = program.getSourceFile(`${root}${entry}`);
  if (file === undefined) throw new Error(`cannot read ${entry}`);
  const module = checker.getSymbolAtLocation(file);
  if (module === undefined) throw new Error(`${entry} has no exports`);
  return checker.getExportsOfModule(module).map((exported) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const isValue =
      (symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Variable | ts.SymbolFlags.Class)) !== 0;
    const description = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    const tags = symbol.getJsDocTags(checker);
    return {
      name: exported.name,
      isValue,
      hasDescription: description.length > 0,
      hasExample: tags.some((tag) => tag.name === "example"),
    };
  });
}

describe.each(entries)("public exports of %s", (entry) => {
  const docs = docsOf(entry);

  it("are all documented", () => {
    expect(docs.filter((d) => !d.hasDescription).map((d) => d.name)).toEqual([]);
  });

  it("have an @example when they are values", () => {
    expect(docs.filter((d) => d.isValue && !d.hasExample).map((d) => d.name)).toEqual([]);
  });
});
