import { defineConfig, mergeConfig } from "vitest/config";
import { LoadFailureAsFailedTest } from "./test/support/load-failure-reporter.js";
import base from "./vitest.config.js";

// The tests that exercise the mutated library code (see stryker.config.mjs). Left out: tests of the
// built package and CLI (they need dist/, which a mutant does not rebuild), of documentation read
// from the sources, and of the emulators, probe and deep checks (not mutated).
export default mergeConfig(
  base,
  defineConfig({
    test: {
      // A test file that a mutant stops from loading counts as a failed test (see the reporter).
      reporters: ["default", new LoadFailureAsFailedTest()],
      exclude: [
        "**/node_modules/**",
        "test/package.test.ts",
        "test/cli.test.ts",
        "test/examples.test.ts",
        "test/tsdoc.test.ts",
        "test/docs.test.ts",
        "test/deep*.test.ts",
        "test/probe.test.ts",
        "test/xks-proxy.test.ts",
        "test/emulator.test.ts",
      ],
    },
  }),
);
