// The worker thread of the reused-thread pool (reused-thread.ts): Vitest's own thread worker, except
// that the end of a run leaves the thread listening for the next run's start. What the runtime
// listened to for the run (its RPC channel) is taken off; its own request handler, the first
// listener it adds, stays.
import { parentPort } from "node:worker_threads";
import { init, runBaseTests, setupEnvironment } from "vitest/worker";

if (parentPort === null) throw new Error("reused-thread-worker.mjs runs in a worker thread.");
const port = parentPort;
let handler;
const forRun = new Set();

init({
  post: (response) => port.postMessage(response),
  on: (callback) => {
    if (handler === undefined) handler = callback;
    else forRun.add(callback);
    port.on("message", callback);
  },
  off: (callback) => {
    forRun.delete(callback);
    port.off("message", callback);
  },
  teardown: () => {
    for (const callback of forRun) port.off("message", callback);
    forRun.clear();
  },
  runTests: (state, traces) => runBaseTests("run", state, traces),
  collectTests: (state, traces) => runBaseTests("collect", state, traces),
  setup: setupEnvironment,
});
