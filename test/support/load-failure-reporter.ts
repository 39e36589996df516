import type { RunnerTestCase } from "vitest";
import type { Reporter, Vitest } from "vitest/node";

/**
 * Makes a test file that fails to load count as a failed test, for mutation runs only.
 *
 * Stryker's vitest runner builds a mutant's result from the tests it collects. A mutant in
 * module-level code (a table built at import, say) can make a test file throw while it is imported;
 * that file then holds no test at all, the runner sees no failure, and the mutant is reported as
 * survived although every test that imports the module fails. This reporter gives each such file
 * one failed test that carries its load error, so the mutant is scored as killed. Files that
 * loaded are left as they are. `vitest.stryker.config.ts` installs it; ordinary runs do not.
 */
export class LoadFailureAsFailedTest implements Reporter {
  #vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.#vitest = vitest;
  }

  onTestRunEnd(): void {
    for (const file of this.#vitest?.state.getFiles() ?? []) {
      if (file.result?.state !== "fail" || file.tasks.length > 0) continue;
      // Vitest types a test with a context only its runner can build; nothing reads it after a run.
      const loadFailure = {
        type: "test",
        id: `${file.id}_load`,
        name: "the test file loads",
        mode: "run",
        meta: {},
        file,
        suite: file,
        timeout: 0,
        annotations: [],
        artifacts: [],
        result: { state: "fail", errors: file.result.errors ?? [] },
      } as unknown as RunnerTestCase;
      file.tasks.push(loadFailure);
    }
  }
}
