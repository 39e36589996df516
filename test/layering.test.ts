/**
 * Production code never depends on the test folder: no file under `src/` outside `src/testing/`
 * imports (statically, by re-export or dynamically) a module under `src/testing/`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SRC = join(ROOT, "src");
const TESTING = join(SRC, "testing");

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(?:[cm]?ts|tsx)$/.test(entry.name) ? [path] : [];
  });

/** The text without comments (TSDoc examples show how users import the package; they import nothing). */
const withoutComments = (text: string): string =>
  text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");

/** Every module specifier in a source text: `import … from`, `export … from`, `import(…)`, `require(…)`. */
const specifiersOf = (source: string): string[] => {
  const text = withoutComments(source);
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["'`]([^"'`]+)["'`]\s*\)/g,
    /\brequire\s*\(\s*["'`]([^"'`]+)["'`]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(match[1] ?? "");
  return found;
};

/** The specifiers of a file that reach into `src/testing/` (relative paths and the package's own name). */
const testingImportsOf = (file: string, text: string): string[] =>
  specifiersOf(text).filter((specifier) => {
    if (specifier === "kms-keystore-errors/testing" || specifier.startsWith("kms-keystore-errors/testing/")) {
      return true;
    }
    if (!specifier.startsWith(".")) return false;
    const target = resolve(dirname(file), specifier);
    return target === TESTING || target.startsWith(TESTING + sep);
  });

describe("layering", () => {
  it("finds every import form it looks for (the check itself)", () => {
    const file = join(SRC, "diagnostics", "example.ts");
    const text = [
      'import { a } from "../testing/xks-proxy/client.js";',
      'import type { B } from "../testing/index.js";',
      'export { c } from "../testing/keys.js";',
      'import "../testing/emulator.js";',
      'const d = await import("../testing/faults.js");',
      'const e = require("kms-keystore-errors/testing");',
      'import { f } from "../xks/client.js";',
      'import { g } from "./testing-notes.js";',
      "/**",
      ' * import { h } from "kms-keystore-errors/testing";',
      " */",
      '// import { i } from "../testing/keys.js";',
    ].join("\n");
    expect(testingImportsOf(file, text)).toEqual([
      "../testing/xks-proxy/client.js",
      "../testing/index.js",
      "../testing/keys.js",
      "../testing/emulator.js",
      "../testing/faults.js",
      "kms-keystore-errors/testing",
    ]);
  });

  it("no file under src/ outside src/testing/ imports from src/testing/", () => {
    const offenders = sourceFiles(SRC)
      .filter((file) => !file.startsWith(TESTING + sep))
      .flatMap((file) =>
        testingImportsOf(file, readFileSync(file, "utf8")).map(
          (specifier) => `${relative(ROOT, file)} -> ${specifier}`,
        ),
      );
    expect(offenders).toEqual([]);
  });

  it("scans the production folders, the XKS protocol's among them", () => {
    const folders = new Set(
      sourceFiles(SRC)
        .filter((file) => !file.startsWith(TESTING + sep))
        .map((file) => relative(SRC, dirname(file))),
    );
    expect([...folders]).toEqual(expect.arrayContaining(["", "catalog", "diagnostics", "xks", "cli"]));
  });
});
