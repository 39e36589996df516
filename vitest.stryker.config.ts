import { defineConfig, mergeConfig } from "vitest/config";
import { LoadFailureAsFailedTest } from "./test/support/load-failure-reporter.js";
import { KillRecorder, QuickFirst } from "./test/support/quick-first.js";
import { RetireAfterTimeout, reusedThread } from "./test/support/reused-thread.js";
import base from "./vitest.config.js";

// The tests that can judge a mutant of the sources (see stryker.config.mjs). Left out: the tests of the
// built package and its declaration files, of the types and of the documentation, which read dist/ and docs (a mutant
// rebuilds neither), and the emulators' own tests (src/testing/ is not mutated).
export default mergeConfig(
  base,
  defineConfig({
    plugins: [
      {
        // Stryker's runner asks for the "threads" pool; this puts the reused-thread pool in its
        // place once the configuration is resolved, so one thread serves every mutant's run.
        name: "reused-thread-pool",
        configureVitest({ project }) {
          project.config.pool = reusedThread.name;
          Object.assign(project.config, { poolRunner: reusedThread });
        },
      },
    ],
    test: {
      // A test file that a mutant stops from loading counts as a failed test (see the reporter).
      reporters: ["default", new KillRecorder(), new LoadFailureAsFailedTest(), new RetireAfterTimeout()],
      // One worker for all test files, the project's modules loaded afresh for each (see the setup).
      isolate: false,
      // The slowest test takes under 4 s (it waits for a 3 s connect timeout). A mutant that keeps a
      // wait loop waiting fails its test here rather than at Stryker's timeout, which is reckoned
      // from the sum of every covering test's time.
      testTimeout: 6_000,
      sequence: { sequencer: QuickFirst },
      // A test of the built CLI runs dist/, which no mutant changes: it can judge none, and its time
      // would be spent on every mutant its file's modules reach while loading. (Vitest reads
      // `tagsFilter` here, though its type lists the option for the command line only.)
      ...({ tagsFilter: ["!built"] } as object),
      setupFiles: ["test/support/fresh-modules.ts"],
      exclude: [
        "**/node_modules/**",
        "test/package.test.ts",
        "test/dts-examples.test.ts",
        "test/tsdoc.test.ts",
        "test/docs.test.ts",
        "test/emulator.test.ts",
        "test/cloudwatch-emulator.test.ts",
        "test/http-server.test.ts",
        // Compiles the sources with tsc; a mutant changes no type.
        "test/types-generated.test.ts",
      ],
    },
  }),
);
