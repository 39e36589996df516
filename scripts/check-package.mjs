// Package correctness, run by `npm test` after the build:
// - `npm pack` contains only dist/, README.md, LICENSE, CHANGELOG.md and package.json;
// - every entry point has its JavaScript and both type files;
// - the main entry (and the chunks it loads) imports no Node built-in;
// - publint reports nothing; attw finds no problem under any resolution mode;
// - the gzipped size of the main ESM entry is reported.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const problems = [];
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

// 1. What `npm pack` would publish.
const [packed] = JSON.parse(
  execFileSync(npm, ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8" }),
);
const allowed = /^(dist\/.+|README\.md|LICENSE|CHANGELOG\.md|package\.json)$/;
const files = packed.files.map((f) => f.path);
for (const file of files) if (!allowed.test(file)) problems.push(`npm pack would publish ${file}`);
for (const required of ["README.md", "LICENSE", "CHANGELOG.md", "dist/index.js", "dist/cli.js"]) {
  if (!files.includes(required)) problems.push(`npm pack lacks ${required}`);
}

// 2. Every entry point: JavaScript for both formats and types for both.
for (const entry of ["index", "testing", "diagnostics"]) {
  for (const ext of [".js", ".cjs", ".d.ts", ".d.cts"]) {
    if (!existsSync(join(root, "dist", `${entry}${ext}`))) problems.push(`dist/${entry}${ext} is missing`);
  }
}

// 3. The main entry runs wherever the SDK runs: no Node built-ins in it or its chunks.
const seen = new Set();
function moduleGraph(file) {
  if (seen.has(file)) return;
  seen.add(file);
  const code = readFileSync(file, "utf8");
  for (const [, spec] of code.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) {
    if (spec.startsWith("./")) moduleGraph(join(dirname(file), spec));
    else if (
      spec.startsWith("node:") ||
      ["fs", "http", "https", "net", "tls", "crypto", "path", "os", "child_process"].includes(spec)
    ) {
      problems.push(`${file.slice(root.length + 1)} imports the Node built-in ${spec}`);
    }
  }
}
moduleGraph(join(root, "dist/index.js"));
const gzipped = [...seen].reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0);
const raw = [...seen].reduce((sum, file) => sum + readFileSync(file).length, 0);

// 4. publint, every level.
const { messages } = await publint({ pkgDir: root, level: "suggestion", strict: true });
for (const message of messages)
  problems.push(`publint ${message.type}: ${formatMessage(message, pkg) ?? message.code}`);

// 5. Are the types wrong? (npm pack into a temp file, every resolution mode.)
let attw;
try {
  attw = execFileSync(
    join(root, "node_modules/.bin/attw"),
    ["--pack", ".", "--format", "json", "--no-color"],
    {
      cwd: root,
      encoding: "utf8",
    },
  );
} catch (error) {
  attw = error.stdout ?? "";
  if (!attw) problems.push(`attw failed: ${error.message}`);
}
if (attw) {
  const analysis = JSON.parse(attw);
  const found = analysis.problems ?? analysis.analysis?.problems ?? [];
  for (const p of Array.isArray(found) ? found : Object.values(found).flat()) {
    problems.push(`attw: ${p.kind} ${p.entrypoint ?? ""} ${p.resolutionKind ?? ""}`.trim());
  }
  if (analysis.analysis?.types === false) problems.push("attw: the package has no types");
}

console.log(
  `package: ${files.length} files in npm pack; main ESM entry ${(raw / 1024).toFixed(1)} KiB, ${(gzipped / 1024).toFixed(1)} KiB gzipped (${seen.size} module${seen.size === 1 ? "" : "s"})`,
);
if (problems.length > 0) {
  console.error(`package check failed:\n- ${problems.join("\n- ")}`);
  process.exit(1);
}
console.log(
  "package: npm pack contents, entry points, no Node built-ins in the main entry, publint and attw: all clean",
);
