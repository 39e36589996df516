/**
 * The command as a process (`src/cli/process.ts`), run in this process on streams of the test's own:
 * standard input bounded, exit status set, output errors and uncaught errors ending it in one line.
 */
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { STDIN_MAX_BYTES } from "../src/cli/main.js";
import { runProcess } from "../src/cli/process.js";

const VERSION = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

/** A process with the given arguments and standard input; what it writes, its exits and its status. */
function fakeProcess(
  args: readonly string[],
  input: readonly (string | Buffer)[] = [],
  env: Record<string, string> = {},
) {
  /** The indexes of the chunks the command pulled. */
  const pulled: number[] = [];
  const destroy = vi.fn();
  const stdin = {
    async *[Symbol.asyncIterator]() {
      for (const [i, chunk] of input.entries()) {
        pulled.push(i);
        yield chunk;
      }
    },
    destroy,
  };
  const [stdout, stderr] = [new PassThrough(), new PassThrough()];
  const written = { stdout: "", stderr: "" };
  stdout.on("data", (chunk: Buffer) => {
    written.stdout += chunk.toString();
  });
  stderr.on("data", (chunk: Buffer) => {
    written.stderr += chunk.toString();
  });
  const events = new EventEmitter();
  const exits: (number | undefined)[] = [];
  const proc = {
    argv: ["node", "kms-keystore-errors", ...args],
    env: { ...env } as Record<string, string | undefined>,
    stdin,
    stdout,
    stderr,
    exitCode: undefined as number | string | null | undefined,
    on: (event: string, listener: (error: unknown) => void) => events.on(event, listener),
    exit: (code?: number) => {
      exits.push(code);
    },
  };
  return { proc, written, exits, events, destroy, pulled };
}

/** Lets stream callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe("runProcess", () => {
  it("colours its output on a terminal only, and wraps it to the terminal's width", async () => {
    const ESC = String.fromCharCode(27);
    const ANSI = new RegExp(`${ESC}\\[`);
    const piped = fakeProcess(["explain", "KMSInternalException"]);
    await runProcess(piped.proc);
    const terminal = fakeProcess(["explain", "KMSInternalException"]);
    Object.assign(terminal.proc.stdout, { isTTY: true, columns: 40 });
    await runProcess(terminal.proc);
    await settle();
    expect(piped.written.stdout).not.toMatch(ANSI);
    expect(terminal.written.stdout).toMatch(ANSI);
    expect(piped.written.stdout.split("\n").some((line) => line.length > 40)).toBe(true);
    // Only a word longer than the width (a link) goes past it.
    const lines = terminal.written.stdout.replace(new RegExp(`${ESC}\\[[0-9;]*m`, "g"), "").split("\n");
    expect(lines.filter((line) => line.length > 40 && !line.includes("https://"))).toEqual([]);
  });

  it("runs the command on the process's arguments and sets its exit status", async () => {
    const ok = fakeProcess(["--version"]);
    await runProcess(ok.proc);
    const bad = fakeProcess(["frobnicate"]);
    await runProcess(bad.proc);
    await settle();
    expect([ok.proc.exitCode, ok.written, ok.exits]).toEqual([0, { stdout: `${VERSION}\n`, stderr: "" }, []]);
    expect([bad.proc.exitCode, bad.written.stdout, bad.written.stderr.split("\n")[0]]).toEqual([
      2,
      "",
      'kms-keystore-errors: unknown command "frobnicate"',
    ]);
  });

  it("hides the AWS SDK's Node.js version warning unless the user set its switch", async () => {
    const unset = fakeProcess(["--version"]);
    const set = fakeProcess(["--version"], [], { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "false" });
    await Promise.all([runProcess(unset.proc), runProcess(set.proc)]);
    expect(unset.proc.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe("true");
    expect(set.proc.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe("false");
  });

  it("reads standard input for `explain -`, in chunks of text and bytes", async () => {
    const run = fakeProcess(
      ["explain", "--json", "-"],
      ["KMSInvalid", Buffer.from("StateException: the key is "), "disabled"],
    );
    await runProcess(run.proc);
    await settle();
    expect(run.proc.exitCode).toBe(0);
    expect((JSON.parse(run.written.stdout) as { cause?: string }).cause).toBe("KEY_DISABLED");
    expect([run.pulled, run.destroy.mock.calls]).toEqual([[0, 1, 2], []]);
  });

  it("takes standard input of exactly 1 MiB, and refuses one byte more without reading on", async () => {
    const half = "a".repeat(STDIN_MAX_BYTES / 2);
    const exact = fakeProcess(["explain", "-"], [half, half]);
    const over = fakeProcess(["explain", "-"], [half, half, "b", "never read"]);
    await Promise.all([runProcess(exact.proc), runProcess(over.proc)]);
    await settle();
    expect(exact.written.stderr).not.toContain("larger than");
    expect([exact.pulled, exact.destroy.mock.calls]).toEqual([[0, 1], []]);
    expect([over.proc.exitCode, over.written.stderr]).toEqual([
      2,
      "kms-keystore-errors explain: standard input is larger than 1 MiB: paste only the error line (or its first 1 MiB)\nRun 'kms-keystore-errors explain --help' for usage.\n",
    ]);
    expect([over.pulled, over.destroy.mock.calls]).toEqual([[0, 1, 2], [[]]]);
  });

  it("ends with status 0 when the reader of its output leaves (EPIPE), on either stream", async () => {
    for (const stream of ["stdout", "stderr"] as const) {
      const run = fakeProcess(["--version"]);
      await runProcess(run.proc);
      run.proc[stream].emit("error", Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
      await settle();
      expect([stream, run.exits, run.written.stderr]).toEqual([stream, [0], ""]);
    }
  });

  it("says once on stderr that stdout cannot be written, then ends with status 2", async () => {
    const cases: [unknown, string][] = [
      [Object.assign(new Error("no space"), { code: "ENOSPC" }), "ENOSPC"],
      [new Error("no code"), "EIO"],
      [Object.assign(new Error("odd code"), { code: 28 }), "EIO"],
      [null, "EIO"],
    ];
    for (const [error, code] of cases) {
      const run = fakeProcess(["--version"]);
      await runProcess(run.proc);
      run.proc.stdout.emit("error", error);
      expect(run.exits).toEqual([]);
      await settle();
      expect([code, run.exits, run.written.stderr]).toEqual([
        code,
        [2],
        `kms-keystore-errors: cannot write the output (${code}).\n`,
      ]);
    }
  });

  it("ends with status 2, writing nothing, when stderr cannot be written", async () => {
    const failing = fakeProcess(["--version"]);
    await runProcess(failing.proc);
    failing.proc.stderr.emit("error", Object.assign(new Error("gone"), { code: "EIO" }));
    const throwing = fakeProcess(["--version"]);
    await runProcess(throwing.proc);
    throwing.proc.stderr.write = () => {
      throw new Error("stderr is closed");
    };
    throwing.proc.stdout.emit("error", Object.assign(new Error("no space"), { code: "ENOSPC" }));
    await settle();
    expect([failing.exits, failing.written.stderr]).toEqual([[2], ""]);
    expect([throwing.exits, throwing.written.stderr]).toEqual([[2], ""]);
  });

  it("turns an uncaught error before the output into one line and status 2; after it, ends quietly", async () => {
    const run = fakeProcess(["--version"]);
    const done = runProcess(run.proc);
    run.events.emit("uncaughtException", new RangeError("late callback"));
    await done;
    await settle();
    expect([run.exits, run.written.stderr]).toEqual([
      [2],
      "kms-keystore-errors: stopped on an unexpected RangeError; please report it.\n",
    ]);
    run.events.emit("unhandledRejection", new Error("later still"));
    expect(run.exits).toEqual([2, undefined]);

    const other = fakeProcess(["--version"]);
    const running = runProcess(other.proc);
    other.events.emit("unhandledRejection", "a string");
    await running;
    await settle();
    expect(other.written.stderr).toBe(
      "kms-keystore-errors: stopped on an unexpected string; please report it.\n",
    );

    const finished = fakeProcess(["--version"]);
    await runProcess(finished.proc);
    finished.events.emit("uncaughtException", new TypeError("after the output"));
    await settle();
    expect([finished.exits, finished.written.stderr, finished.proc.exitCode]).toEqual([[undefined], "", 0]);
  });

  it("ends with the stderr line's status even when stderr cannot take it", async () => {
    const run = fakeProcess(["--version"]);
    run.proc.stderr.write = () => {
      throw new Error("stderr is closed");
    };
    const done = runProcess(run.proc);
    run.events.emit("uncaughtException", new Error("boom"));
    await done;
    expect(run.exits).toEqual([2]);
  });

  it("ends the process one second after the output, whatever is still pending", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    const run = fakeProcess(["--version"]);
    await runProcess(run.proc);
    vi.advanceTimersByTime(999);
    expect(run.exits).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(run.exits).toEqual([undefined]);
  });
});
