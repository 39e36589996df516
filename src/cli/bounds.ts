/**
 * The CLI's bounds on the network: every SDK client it builds has a connect timeout and a request
 * timeout, and every command that goes to the network has an overall deadline (`--timeout`). Past a
 * bound the command ends with one line and exit status 2, never a hang.
 */
import { Readable, Transform } from "node:stream";
import type { Output } from "./explain.js";
import { PROGRAM } from "./usage.js";

/** The overall deadline of `doctor` and `probe-xks` when `--timeout` is not given, in seconds. @internal */
export const DEFAULT_TIMEOUT_SECONDS = 60;
/** The longest `--timeout`, in seconds (one hour). @internal */
export const MAX_TIMEOUT_SECONDS = 3600;
/** How long an SDK client of the CLI waits for a TCP/TLS connection, in milliseconds. @internal */
export const CONNECT_TIMEOUT_MS = 3000;
/** How long an SDK client of the CLI waits for a response to one attempt, in milliseconds. @internal */
export const REQUEST_TIMEOUT_MS = 10_000;

/** The most bytes of one answer an SDK client of the CLI reads (10 MiB): KMS's answers are small. */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** The error that ends reading an answer past {@link MAX_RESPONSE_BYTES}. */
const tooLarge = (max: number): Error =>
  Object.assign(
    new Error(`the answer is larger than ${max} bytes, which no KMS answer is; stopped reading it`),
    { code: "ERR_RESPONSE_TOO_LARGE" },
  );

/** A client whose middleware stack the CLI can add to (any AWS SDK v3 client). */
interface StackClient {
  readonly middlewareStack: {
    add(middleware: unknown, options: Readonly<Record<string, unknown>>): void;
  };
}

/**
 * Caps every answer a client reads at `maxBytes`: the body is counted as the SDK reads it, and past
 * the cap the read ends with an error (code `ERR_RESPONSE_TOO_LARGE`) and the connection is closed,
 * instead of holding an endless answer in memory.
 *
 * @param client - An SDK client the CLI built.
 * @param maxBytes - The cap.
 * @internal
 */
export function capResponses(client: StackClient, maxBytes: number = MAX_RESPONSE_BYTES): void {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<{ response?: { body?: unknown } }>) => async (args: unknown) => {
      const result = await next(args);
      const response = result.response;
      // In Node.js the SDK's HTTP handler answers with the socket's stream.
      if (response?.body instanceof Readable) {
        const body = response.body;
        let seen = 0;
        const counted = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            seen += chunk.length;
            if (seen <= maxBytes) return done(null, chunk);
            body.destroy();
            done(tooLarge(maxBytes));
          },
        });
        body.on("error", (error: Error) => counted.destroy(error));
        response.body = body.pipe(counted);
      }
      return result;
    },
    // Closest to the transport: it sees the raw answer before the SDK's deserializer reads it.
    { step: "deserialize", priority: "low", name: "kmsKeystoreErrorsResponseCap" },
  );
}

/**
 * The `requestHandler` options of every SDK client the CLI builds: connect and request timeouts (at
 * most half the deadline each, so that a short `--timeout` still leaves room for a retry), and
 * `throwOnRequestTimeout`, without which the SDK only prints a warning when a request times out.
 *
 * @param deadlineMs - The command's deadline.
 * @returns Options for `new XClient({ requestHandler })`.
 * @internal
 */
export const httpBounds = (
  deadlineMs: number,
): {
  readonly connectionTimeout: number;
  readonly requestTimeout: number;
  readonly throwOnRequestTimeout: true;
} => ({
  connectionTimeout: Math.min(CONNECT_TIMEOUT_MS, Math.ceil(deadlineMs / 2)),
  requestTimeout: Math.min(REQUEST_TIMEOUT_MS, Math.ceil(deadlineMs / 2)),
  throwOnRequestTimeout: true,
});

/**
 * Runs a command's network work under its deadline: `work` gets a signal that aborts at the deadline,
 * and the command ends then with `onDeadline`'s output, whether or not `work` has settled (a call that
 * ignores its signal cannot hold the command open).
 *
 * @param seconds - The deadline.
 * @param work - The command's work.
 * @param onDeadline - The output past the deadline.
 * @returns The work's output, or the deadline's.
 * @internal
 */
export async function withDeadline(
  seconds: number,
  work: (signal: AbortSignal) => Promise<Output>,
  onDeadline: () => Output,
): Promise<Output> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<Output>((resolve) => {
    timer = setTimeout(() => {
      // Whatever the work then throws, the command's output is the deadline's.
      controller.abort();
      resolve(onDeadline());
    }, seconds * 1000);
  });
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The one line printed when a command's deadline passed.
 *
 * @param command - The command (`doctor`, `probe-xks`).
 * @param seconds - The deadline.
 * @param what - What was waited for.
 * @returns Output on stderr with exit status 2.
 * @internal
 */
export const deadlineOutput = (command: string, seconds: number, what: string): Output => ({
  stdout: "",
  stderr: `${PROGRAM} ${command}: stopped after ${seconds} s (--timeout): ${what} did not finish in time. Check the network path, or give it longer with --timeout <seconds>.\n`,
  code: 2,
});
