import { defineConfig } from "tsup";

// Two library builds plus the CLI. `dist/` is cleaned by the npm script, not here: parallel configs
// race on `clean: true`. `removeNodeProtocol: false` keeps `node:http` as written.
const entry = { index: "src/index.ts", testing: "src/testing/index.ts" };

export default defineConfig([
  {
    entry,
    format: ["esm"],
    dts: true,
    sourcemap: true,
    target: "node20",
    removeNodeProtocol: false,
  },
  {
    // p-retry (and its dependency is-network-error) are ESM-only: bundle them into the CommonJS build
    // so `require("kms-keystore-errors")` works without require(esm).
    entry,
    format: ["cjs"],
    dts: true,
    sourcemap: true,
    target: "node20",
    removeNodeProtocol: false,
    noExternal: ["p-retry", "is-network-error"],
  },
  {
    entry: { cli: "src/cli.ts" },
    format: ["esm"],
    target: "node20",
    removeNodeProtocol: false,
  },
]);
