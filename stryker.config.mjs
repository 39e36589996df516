// Mutation testing of the library's logic (not the emulators, the CLI shell, the diagnostics or the
// catalog's text): `npm run mutation`. Too slow for `npm test`; the score is reported in
// reports/mutation/ and on the console.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "vitest.stryker.config.ts", related: false },
  mutate: [
    "src/**/*.ts",
    "!src/testing/**",
    "!src/cli.ts",
    "!src/cli/**",
    "!src/diagnostics/**",
    "!src/index.ts",
    "!src/catalog/entries/**",
    "!src/catalog/docs.ts",
    // Data, not logic: text and tables whose every string would otherwise count as a mutant.
    "!src/catalog/requirements.ts",
    "!src/catalog/kinds.ts",
    "!src/catalog/schema.ts",
  ],
  coverageAnalysis: "perTest",
  concurrency: 2,
  timeoutMS: 20000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
