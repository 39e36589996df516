/**
 * Setup of the mutation runs (vitest.stryker.config.ts), after Stryker's own setup file.
 *
 * Test files share one worker (`isolate: false`) so that the AWS SDK and other dependencies load once
 * per run; the project's own modules are loaded afresh for every test file, so no index or cache
 * built under one test file (or one mutant) carries over to the next.
 *
 * With modules fresh per file, whatever a test file reaches outside its tests (loading the project's
 * modules, values computed while its tests are collected, its `beforeAll` and `afterAll` hooks)
 * affects that file's tests only. Stryker counts such code as static and runs every test of the suite
 * for each mutant in it; here it counts as covered by the tests of the files that reached it. To keep
 * that sound, a mutant run activates its mutant before the file loads anything, as Stryker does for
 * static mutants. A mutant that one test builds into a lazily built index is still judged only by
 * the tests that reached it (as with Stryker's own coverage), so it may survive where a later test of
 * the file would have failed: a survivor here can be a false one, a killed mutant never is.
 */
import { afterAll, beforeEach, inject, vi } from "vitest";

vi.resetModules();

/** The coverage Stryker's instrumented code records: hits per mutant, outside tests and per test. */
interface MutantCoverage {
  static: Record<string, number>;
  perTest: Record<string, Record<string, number>>;
}

interface StrykerGlobal {
  mutantCoverage?: MutantCoverage;
  currentTestId?: string;
  activeMutant?: string;
  hitCount?: number;
  /** The mutant that a test of this run has already killed. */
  killed?: string;
}

// Outside a Stryker run nothing is provided: `inject` gives undefined and this file does nothing more.
const namespace = inject("globalNamespace" as never) as string | undefined;
const stryker = (): StrykerGlobal | undefined =>
  namespace === undefined ? undefined : (globalThis as unknown as Record<string, StrykerGlobal>)[namespace];
const mode = namespace === undefined ? undefined : (inject("mode" as never) as string);

if (mode === "mutant") {
  const ns = stryker();
  const mutant = inject("activeMutant" as never) as string;
  if (ns !== undefined) {
    // One failed test kills the mutant, and the runner stops at the first (bail); but the test files
    // after it would still be loaded, each with all the project's modules. Failing them before they
    // load changes no verdict and saves that time.
    if (ns.killed === mutant) throw new Error(`Not loaded: mutant ${mutant} is already killed.`);
    ns.activeMutant = mutant;
    ns.hitCount = 0;
    beforeEach(({ onTestFailed }) => {
      onTestFailed(() => {
        ns.killed = mutant;
      });
    });
  }
} else if (mode === "dry-run") {
  // Each file records into a coverage object of its own: the file's modules are loaded afresh and
  // take it at their first hit, Stryker's own setup hands it to the file's result, and the runner
  // sums the files' objects. One object shared by every file would be copied whole into each file's
  // result, which outgrows the heap over the whole suite; and work a file left running (a timer, a
  // request) would be counted as the next file's static hits.
  const coverage: MutantCoverage = { static: {}, perTest: {} };
  const ns = stryker();
  if (ns !== undefined) ns.mutantCoverage = coverage;
  /** The mutants this file reached outside its tests. */
  const outsideTests = new Set<string>();
  const tests: string[] = [];

  /** Moves the hits outside tests since the last look to the file's own set. */
  const collect = (): void => {
    for (const id of Object.keys(coverage.static)) outsideTests.add(id);
    coverage.static = {};
  };
  const attribute = (testId: string): void => {
    const hits = coverage.perTest[testId] ?? {};
    for (const id of outsideTests) hits[id] = (hits[id] ?? 0) + 1;
    coverage.perTest[testId] = hits;
  };

  beforeEach(() => {
    collect();
    const testId = stryker()?.currentTestId;
    if (testId === undefined) return;
    tests.push(testId);
    attribute(testId);
  });

  afterAll(() => {
    collect();
    if (tests.length === 0) {
      // No test ran to carry them: they stay static.
      for (const id of outsideTests) coverage.static[id] = 1;
      return;
    }
    for (const testId of tests) attribute(testId);
  });
}
