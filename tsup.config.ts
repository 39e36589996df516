import { defineConfig } from "tsup";
import { dataAsJson } from "./scripts/data-as-json.js";
import { lazyNeverthrow } from "./scripts/lazy-neverthrow.js";

// The library, the Node-only entries and the CLI. `dist/` is cleaned by the npm script, not here:
// parallel configs race on `clean: true`. `removeNodeProtocol: false` keeps `node:http` as written.
//
// The catalog's data modules are shipped as JSON strings (scripts/data-as-json.ts). The CommonJS
// builds require neverthrow on first use, not when the library is required
// (scripts/lazy-neverthrow.ts).
//
// Bundled rather than depended on (p-retry stays the only runtime dependency):
// - p-retry and is-network-error are ESM-only: bundled into the CommonJS builds so `require` works;
// - @smithy/signature-v4 and @smithy/protocol-http (SigV4 for the fake XKS proxy and the proxy probe)
//   are bundled into the Node-only entries, which are the only ones that sign requests.
const entry = {
  index: "src/index.ts",
  testing: "src/testing/index.ts",
  diagnostics: "src/diagnostics/index.ts",
};
const signing = [/^@smithy\/signature-v4/, /^@smithy\/protocol-http/];
const common = {
  entry,
  dts: true,
  sourcemap: true,
  target: "node20",
  removeNodeProtocol: false,
} as const;

export default defineConfig([
  { ...common, format: ["esm"], noExternal: signing, esbuildPlugins: [dataAsJson] },
  {
    ...common,
    format: ["cjs"],
    noExternal: [...signing, "p-retry", "is-network-error"],
    esbuildPlugins: [dataAsJson, lazyNeverthrow],
  },
  {
    entry: { cli: "src/cli.ts" },
    format: ["esm"],
    target: "node20",
    removeNodeProtocol: false,
    noExternal: signing,
    esbuildPlugins: [dataAsJson],
  },
]);
