/**
 * Generates docs/errors.md, the error reference, from the catalog. `--check` exits 1 when the file
 * on disk differs (the test suite runs it, so the page cannot go stale).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderErrorReference } from "./render-errors.js";

const target = fileURLToPath(new URL("../docs/errors.md", import.meta.url));
const fresh = renderErrorReference();

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {
    // Missing counts as stale.
  }
  if (current !== fresh) {
    console.error("docs/errors.md is stale: run `npm run docs:errors`.");
    process.exit(1);
  }
  console.log("docs/errors.md is up to date.");
} else {
  writeFileSync(target, fresh);
  console.log(`wrote ${target}`);
}
