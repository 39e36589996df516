import type { Reporter, TestModule, TestSpecification } from "vitest/node";
import { BaseSequencer } from "vitest/node";

/** What the mutation runs so far tell of each test file, by module id. */
const files = new Map<string, { lastKill: number; cost: number }>();
let runs = 0;

/**
 * Test file order of the mutation runs (vitest.stryker.config.ts): the file that failed a mutant most
 * recently first, then the cheapest to load and run. A mutant's run stops at its first failed test,
 * and mutants next to each other in a source file tend to fail the same tests. Vitest's own order
 * runs the longest first, which suits parallel workers, not one that stops early.
 */
export class QuickFirst extends BaseSequencer {
  override async sort(specs: TestSpecification[]): Promise<TestSpecification[]> {
    const of = (spec: TestSpecification) => files.get(spec.moduleId) ?? { lastKill: -1, cost: 0 };
    return [...specs].sort((a, b) => of(b).lastKill - of(a).lastKill || of(a).cost - of(b).cost);
  }
}

/** Records, after each run, which test files failed a test and what each file that loaded cost. */
export class KillRecorder implements Reporter {
  onTestRunEnd(modules: readonly TestModule[]): void {
    runs += 1;
    for (const module of modules) {
      const tests = [...module.children.allTests()];
      // A file that did not load has no tests: it tells neither of a kill nor of its cost.
      if (tests.length === 0) continue;
      const known = files.get(module.moduleId) ?? { lastKill: -1, cost: 0 };
      const { duration, collectDuration, setupDuration } = module.diagnostic();
      known.cost = duration + collectDuration + setupDuration;
      if (tests.some((test) => test.result().state === "failed")) known.lastKill = runs;
      files.set(module.moduleId, known);
    }
  }
}
