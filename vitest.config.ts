import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests and examples import the package by name, as users do; here the name means the sources.
    alias: [
      { find: /^kms-keystore-errors\/testing$/, replacement: src("testing/index.ts") },
      { find: /^kms-keystore-errors\/diagnostics$/, replacement: src("diagnostics/index.ts") },
      { find: /^kms-keystore-errors$/, replacement: src("index.ts") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    restoreMocks: true,
    tags: [{ name: "built", description: "runs the built CLI (dist/cli.js) in a child process" }],
    strictTags: true,
    // The SDK warns once per process that it will need Node 22 in 2027; the tests also run on 22.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
