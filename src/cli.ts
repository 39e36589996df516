#!/usr/bin/env node
/**
 * The `kms-keystore-errors` command: `explain` and `doctor`. A thin shell over the library; see
 * `src/cli/main.ts` for everything it does.
 */
import { InputTooLargeError, main, STDIN_MAX_BYTES } from "./cli/main.js";

// The AWS SDK warns on Node.js 20 about its future Node.js 22 requirement, over nine lines of stderr,
// which would bury doctor's one-line errors. The CLI hides it unless the user set the SDK's switch.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** Reads standard input up to `STDIN_MAX_BYTES`; more is refused (the CLI's input is bounded). */
const readStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += bytes.length;
    if (size > STDIN_MAX_BYTES) {
      process.stdin.destroy();
      throw new InputTooLargeError();
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString("utf8");
};

/**
 * Output that cannot be written ends the command quietly: EPIPE (the reader left, as `| head` does)
 * with status 0, any other write error (ENOSPC on a full disk, EIO) with one line on stderr when
 * stderr still works, and status 2. Never a stack trace.
 */
const onOutputError = (stream: "stdout" | "stderr") => (error: NodeJS.ErrnoException) => {
  const code = typeof error?.code === "string" ? error.code : "EIO";
  if (code === "EPIPE") process.exit(0);
  if (stream === "stdout") {
    try {
      process.stderr.write(`kms-keystore-errors: cannot write the output (${code}).\n`, () =>
        process.exit(2),
      );
      return;
    } catch {
      // stderr is gone too.
    }
  }
  process.exit(2);
};
process.stdout.on("error", onOutputError("stdout"));
process.stderr.on("error", onOutputError("stderr"));

/**
 * An error nothing caught (a library callback that throws after the command gave up on it, say):
 * before the output is written, one line on stderr and status 2; after it, the command has already
 * said what it had to say and ends with its own status. Never a stack trace.
 */
let finished = false;
const onUncaught = (error: unknown): void => {
  if (finished) process.exit();
  finished = true;
  const name = error instanceof Error ? error.name : typeof error;
  try {
    process.stderr.write(`kms-keystore-errors: stopped on an unexpected ${name}; please report it.\n`, () =>
      process.exit(2),
    );
  } catch {
    process.exit(2);
  }
};
process.on("uncaughtException", onUncaught);
process.on("unhandledRejection", onUncaught);

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  isTTY: process.stdout.isTTY === true,
  columns: process.stdout.columns,
  readStdin,
});
finished = true;
// The output is written. A call cut off by a deadline may still hold a socket or a timer of the SDK's;
// it must not hold the process: once the output has drained, the command ends whatever is pending.
setTimeout(() => process.exit(), 1000).unref();
