/**
 * The command as a process: its streams, its exit status and the errors nothing else caught. `bin`
 * passes Node's `process`; tests pass streams of their own.
 */
import { InputTooLargeError, main, STDIN_MAX_BYTES } from "./main.js";

/**
 * What the command needs of its process: Node's `process` fits it.
 * @internal
 */
export interface CliProcess {
  /** `[node, script, ...arguments]`. */
  readonly argv: readonly string[];
  readonly env: Record<string, string | undefined>;
  readonly stdin: AsyncIterable<unknown> & { destroy(): unknown };
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };
  readonly stderr: NodeJS.WritableStream;
  exitCode?: number | string | null | undefined;
  on(event: "uncaughtException" | "unhandledRejection", listener: (error: unknown) => void): unknown;
  exit(code?: number): void;
}

/** How long the process may stay up once the output is written, for pending sockets and timers. */
const LINGER_MS = 1000;

/**
 * Runs the command in `proc`: reads its arguments, environment and (for `explain -`) standard input,
 * writes the output, sets the exit status, and ends the process once the output is written.
 *
 * Output that cannot be written ends it quietly: EPIPE (the reader left, as `| head` does) with status
 * 0, any other write error (ENOSPC on a full disk, EIO) with one line on stderr while stderr still
 * works, and status 2. An error nothing caught (a library callback that throws after the command gave
 * up on it) is one line on stderr and status 2 before the output is written; after it, the command
 * has said what it had to say and ends with its own status. Never a stack trace.
 *
 * @param proc - The process.
 * @internal
 */
export async function runProcess(proc: CliProcess): Promise<void> {
  // The AWS SDK warns on Node.js 20 about its future Node.js 22 requirement, over nine lines of
  // stderr, which would bury doctor's one-line errors. Hidden unless the user set the SDK's switch.
  proc.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

  /** Reads standard input up to `STDIN_MAX_BYTES`; more is refused (the CLI's input is bounded). */
  const readStdin = async (): Promise<string> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of proc.stdin) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      size += bytes.length;
      if (size > STDIN_MAX_BYTES) {
        proc.stdin.destroy();
        throw new InputTooLargeError();
      }
      chunks.push(bytes);
    }
    return Buffer.concat(chunks).toString("utf8");
  };

  const onOutputError = (stream: "stdout" | "stderr") => (error: NodeJS.ErrnoException) => {
    const code = typeof error?.code === "string" ? error.code : "EIO";
    if (code === "EPIPE") {
      proc.exit(0);
      return;
    }
    if (stream === "stdout") {
      try {
        proc.stderr.write(`kms-keystore-errors: cannot write the output (${code}).\n`, () => proc.exit(2));
        return;
      } catch {
        // stderr is gone too.
      }
    }
    proc.exit(2);
  };
  proc.stdout.on("error", onOutputError("stdout"));
  proc.stderr.on("error", onOutputError("stderr"));

  let finished = false;
  const onUncaught = (error: unknown): void => {
    if (finished) {
      proc.exit();
      return;
    }
    finished = true;
    const name = error instanceof Error ? error.name : typeof error;
    try {
      proc.stderr.write(`kms-keystore-errors: stopped on an unexpected ${name}; please report it.\n`, () =>
        proc.exit(2),
      );
    } catch {
      proc.exit(2);
    }
  };
  proc.on("uncaughtException", onUncaught);
  proc.on("unhandledRejection", onUncaught);

  const code = await main(proc.argv.slice(2), {
    stdout: proc.stdout,
    stderr: proc.stderr,
    env: proc.env,
    isTTY: proc.stdout.isTTY === true,
    columns: proc.stdout.columns,
    readStdin,
  });
  proc.exitCode = code;
  finished = true;
  // The output is written. A call cut off by a deadline may still hold a socket or a timer of the
  // SDK's; it must not hold the process: once the output has drained, it ends whatever is pending.
  setTimeout(() => proc.exit(), LINGER_MS).unref();
}
