// Mutation testing of all the library's code: `npm run mutation` (it builds first, because a few CLI
// tests run the built bin; those tests cover no source in-process, so no mutant is ever judged by them).
// Left out: the emulators (src/testing/), re-export lists, and the catalog's data tables (text and
// tables, not logic; every string there would otherwise count as a mutant). Too slow for `npm test`;
// the score is reported in reports/mutation/ and on the console.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "vitest.stryker.config.ts", related: false },
  mutate: [
    "src/**/*.ts",
    "!src/testing/**",
    // Re-export lists.
    "!src/index.ts",
    "!src/diagnostics/index.ts",
    // The catalog's data tables.
    "!src/catalog/entries/**",
    "!src/catalog/docs.ts",
    "!src/catalog/requirements.ts",
    "!src/catalog/kinds.ts",
    "!src/catalog/messages.ts",
    "!src/catalog/services.ts",
    "!src/catalog/health.ts",
  ],
  coverageAnalysis: "perTest",
  ignoreStatic: false,
  concurrency: 2,
  timeoutMS: 5000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
