import type { RunnerTestFile } from "vitest";
import { describe, expect, it } from "vitest";
import type { Vitest } from "vitest/node";
import { LoadFailureAsFailedTest } from "./support/load-failure-reporter.js";

/** A test file as vitest's state holds it: `tasks` are its tests, `result` its outcome. */
const file = (id: string, state: "pass" | "fail", tasks: unknown[] = []): RunnerTestFile =>
  ({
    type: "suite",
    id,
    name: `${id}.test.ts`,
    filepath: `/repo/test/${id}.test.ts`,
    mode: "run",
    tasks,
    result: { state, errors: state === "fail" ? [{ message: `${id} could not be imported` }] : [] },
  }) as unknown as RunnerTestFile;

const runWith = (files: RunnerTestFile[]): void => {
  const reporter = new LoadFailureAsFailedTest();
  reporter.onInit({ state: { getFiles: () => files } } as unknown as Vitest);
  reporter.onTestRunEnd();
};

describe("LoadFailureAsFailedTest (the mutation runs' reporter)", () => {
  it("gives a test file that failed to load one failed test carrying its load error", () => {
    const unloadable = file("unloadable", "fail");
    runWith([unloadable]);
    expect(unloadable.tasks).toHaveLength(1);
    const [test] = unloadable.tasks;
    expect(test).toMatchObject({
      type: "test",
      name: "the test file loads",
      mode: "run",
      file: unloadable,
      suite: unloadable,
      result: { state: "fail", errors: [{ message: "unloadable could not be imported" }] },
    });
  });

  it("leaves files that loaded as they are, whether their tests passed or failed", () => {
    const passing = file("passing", "pass", [{ type: "test", name: "ok" }]);
    const failing = file("failing", "fail", [{ type: "test", name: "broken" }]);
    const empty = file("empty", "pass");
    runWith([passing, failing, empty]);
    expect(passing.tasks).toEqual([{ type: "test", name: "ok" }]);
    expect(failing.tasks).toEqual([{ type: "test", name: "broken" }]);
    expect(empty.tasks).toEqual([]);
  });

  it("does nothing before it is initialised", () => {
    expect(() => new LoadFailureAsFailedTest().onTestRunEnd()).not.toThrow();
  });
});
