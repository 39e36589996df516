import { Worker } from "node:worker_threads";
import type {
  PoolOptions,
  PoolRunnerInitializer,
  PoolWorker,
  Reporter,
  TestCase,
  TestModule,
  WorkerRequest,
} from "vitest/node";

/**
 * A Vitest pool for the mutation runs (vitest.stryker.config.ts) that keeps its one worker thread
 * from one run to the next.
 *
 * Stryker starts a Vitest run for each mutant, and Vitest ends a run's workers when the run ends; a
 * new worker then loads Vitest's runtime and every dependency the tests import (the AWS SDK clients
 * alone take about 0.6 s) for each mutant. This pool parks the thread when a run ends and hands it to
 * the next run, where it is set up again as Vitest sets up any worker. What the project's own
 * modules hold does not carry over: the setup file loads them afresh for every test file. A thread
 * that did not end its run cleanly (it failed, exited or was stopped without its answer) is not
 * parked but ended, and the next run starts a new one; so is a thread where a test or hook timed out
 * (see {@link RetireAfterTimeout}).
 */
export const reusedThread: PoolRunnerInitializer = {
  name: "reused-thread",
  createPoolWorker: (options) => new ReusedThread(options),
};

/** The thread a run left, ready for the next one. */
let parked: Worker | undefined;

/** Set when a test of the current run timed out: its thread is ended, not parked. */
let retire = false;

const TIMED_OUT = /\b(?:Test|Hook) timed out in \d+ms/;

/**
 * Reporter that has the reused thread ended after a run in which a test or hook timed out. Vitest
 * fails such a test but cannot stop what it started (a wait loop whose deadline a mutant broke keeps
 * polling), and a parked thread would carry that work into every later run.
 */
export class RetireAfterTimeout implements Reporter {
  onTestCaseResult(test: TestCase): void {
    if (test.result().errors?.some((error) => TIMED_OUT.test(error.message ?? "")) === true) retire = true;
  }

  onTestModuleEnd(module: TestModule): void {
    if (module.errors().some((error) => TIMED_OUT.test(error.message ?? ""))) retire = true;
  }
}

const entry = new URL("./reused-thread-worker.mjs", import.meta.url);

const isStopped = (message: unknown): boolean =>
  typeof message === "object" &&
  message !== null &&
  (message as { __vitest_worker_response__?: unknown }).__vitest_worker_response__ === true &&
  (message as { type?: unknown }).type === "stopped";

class ReusedThread implements PoolWorker {
  readonly name = reusedThread.name;
  readonly #options: PoolOptions;
  #thread: Worker | undefined;
  /** Listeners the pool added for this run, taken off again before the thread is parked. */
  readonly #listeners: [string, (arg: unknown) => void][] = [];
  #stoppedCleanly = false;
  #exited = false;

  constructor(options: PoolOptions) {
    this.#options = options;
  }

  get #current(): Worker {
    if (this.#thread === undefined) throw new Error("The reused worker thread is not started.");
    return this.#thread;
  }

  on(event: string, callback: (arg: unknown) => void): void {
    this.#listeners.push([event, callback]);
    this.#current.on(event, callback);
  }

  off(event: string, callback: (arg: unknown) => void): void {
    const at = this.#listeners.findIndex(([e, c]) => e === event && c === callback);
    if (at !== -1) this.#listeners.splice(at, 1);
    this.#current.off(event, callback);
  }

  send(message: WorkerRequest): void {
    this.#current.postMessage(message);
  }

  deserialize(data: unknown): unknown {
    return data;
  }

  async start(): Promise<void> {
    if (this.#thread !== undefined) return;
    let thread = parked;
    parked = undefined;
    if (thread === undefined) {
      thread = new Worker(entry, {
        env: this.#options.env,
        execArgv: this.#options.execArgv,
        stdout: true,
        stderr: true,
      });
      thread.stdout.pipe(this.#options.project.vitest.logger.outputStream);
      thread.stderr.pipe(this.#options.project.vitest.logger.errorStream);
      thread.once("exit", () => {
        if (parked === thread) parked = undefined;
      });
    }
    thread.ref();
    this.#thread = thread;
    this.#stoppedCleanly = false;
    this.#exited = false;
    const watch = (message: unknown): void => {
      if (isStopped(message)) this.#stoppedCleanly = true;
    };
    const exited = (): void => {
      this.#exited = true;
    };
    this.on("message", watch);
    this.on("exit", exited);
  }

  async stop(): Promise<void> {
    const thread = this.#thread;
    if (thread === undefined) return;
    this.#thread = undefined;
    for (const [event, callback] of this.#listeners.splice(0)) thread.off(event, callback);
    const retired = retire;
    retire = false;
    if (this.#stoppedCleanly && !this.#exited && !retired && parked === undefined) {
      // Parked, it must not keep the process alive once Vitest is done with it.
      thread.unref();
      parked = thread;
      return;
    }
    await thread.terminate();
  }
}
