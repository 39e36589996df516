import { type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import { writeRaw } from "./protocol.js";

/**
 * A network-level fault, answered instead of the operation. Which clients see it as a failure
 * depends on how strictly their HTTP stack reads a response:
 * - `"drop"`: the socket is destroyed without a response. Every client fails (the JavaScript SDK
 *   sees `ECONNRESET`; botocore "Connection was closed before we received a valid response").
 * - `"reset-mid-body"`: the headers (with `Content-Length`) and half the body are sent, then the
 *   socket is destroyed. The JavaScript SDK fails. botocore on urllib3 1.x does not enforce
 *   `Content-Length` and reads the short body: with the default status 200 it turns the unparseable
 *   body into `{}`, a silent success. Give a status ≥ 400 for a failure every client sees.
 * - `"reset-mid-chunked-body"`: status 200 with `Transfer-Encoding: chunked`, half the body in one
 *   chunk, then the socket is destroyed before the last chunk. Every client fails, whatever its
 *   `Content-Length` handling: HTTP/1.1 framing itself shows the body is incomplete.
 * - `"html"`: an HTML page, like a load balancer's `502 Bad Gateway` (no `x-amzn-requestid`). Every
 *   client fails.
 * - `"empty"`: an empty body, status 503 by default. Every client fails (with status 200, botocore
 *   sees `{}`).
 * - `"malformed-json"`: a truncated JSON body. With the default status 200 the JavaScript SDK fails
 *   to parse it, while botocore turns an unparseable 200 into `{}`, a silent success; with a status
 *   ≥ 400 every client fails.
 * @example
 * ```ts
 * import { startKmsEmulator } from "kms-keystore-errors/testing";
 *
 * const emu = await startKmsEmulator();
 * emu.failNext("Decrypt", { network: "drop" }); // the SDK sees ECONNRESET
 * emu.failNext("Encrypt", { network: "reset-mid-chunked-body" }); // a failure in every SDK
 * ```
 * @public
 */
export type NetworkFault =
  | "drop"
  | "reset-mid-body"
  | "reset-mid-chunked-body"
  | "html"
  | "empty"
  | "malformed-json";

/**
 * Options shared by every scripted failure.
 * @example
 * ```ts
 * import { startKmsEmulator } from "kms-keystore-errors/testing";
 *
 * const emu = await startKmsEmulator();
 * emu.failNext("Encrypt", { exception: "KMSInternalException", times: 3, delayMs: 100 });
 * ```
 * @public
 */
export interface FailOptions {
  /** How many requests fail this way; `Infinity` for every request until `reset()`. @defaultValue 1 */
  times?: number | undefined;
  /** Milliseconds to wait before answering (use with the SDK's `requestTimeout`). @defaultValue 0 */
  delayMs?: number | undefined;
}

/**
 * A scripted KMS error response: `{"__type": exception, "message": message}`.
 * @example
 * ```ts
 * import { startKmsEmulator } from "kms-keystore-errors/testing";
 *
 * const emu = await startKmsEmulator();
 * emu.failNext("CreateKey", {
 *   exception: "CustomKeyStoreInvalidStateException",
 *   message: "The external key store proxy did not respond in time.",
 * });
 * ```
 * @public
 */
export interface ScriptedError extends FailOptions {
  /** The exception name, e.g. `"KMSInternalException"`; any name is sent as is. */
  exception: string;
  /** The message. @defaultValue a sentence naming the exception */
  message?: string | undefined;
  /** The HTTP status. @defaultValue KMS's status for the exception, or 400 for a name it does not know */
  status?: number | undefined;
}

/**
 * A scripted network fault.
 * @example
 * ```ts
 * import { startKmsEmulator } from "kms-keystore-errors/testing";
 *
 * const emu = await startKmsEmulator();
 * emu.failNext("*", { network: "html", status: 503 }); // a load balancer's error page
 * ```
 * @public
 */
export interface ScriptedNetworkFault extends FailOptions {
  /** The fault. */
  network: NetworkFault;
  /**
   * The HTTP status, where a response is sent.
   * @defaultValue 502 for `"html"`, 503 for `"empty"`, 200 for `"malformed-json"`, `"reset-mid-body"`
   * and `"reset-mid-chunked-body"`
   */
  status?: number | undefined;
}

/**
 * What `failNext` scripts: a KMS error or a network fault.
 * @example
 * ```ts
 * import { type FailSpec, startKmsEmulator } from "kms-keystore-errors/testing";
 *
 * const emu = await startKmsEmulator();
 * const spec: FailSpec = { exception: "ThrottlingException", times: 2 };
 * emu.failNext("DescribeCustomKeyStores", spec);
 * ```
 * @public
 */
export type FailSpec = ScriptedError | ScriptedNetworkFault;

interface Pending {
  readonly spec: FailSpec;
  remaining: number;
}

/**
 * Checks a `times` option: a positive integer or `Infinity`.
 *
 * @param times - The option value.
 * @returns The count (1 when undefined).
 * @internal
 */
export const checkTimes = (times: number | undefined): number => {
  const value = times ?? 1;
  if (value !== Number.POSITIVE_INFINITY && (!Number.isInteger(value) || value < 1)) {
    throw new TypeError(`Expected \`times\` to be a positive integer or Infinity, got ${String(times)}.`);
  }
  return value;
};

/**
 * Checks a delay in milliseconds.
 *
 * @param ms - The delay.
 * @param name - The option name, for the message.
 * @returns The delay.
 * @internal
 */
export const checkDelay = (ms: number | undefined, name: string): number => {
  const value = ms ?? 0;
  if (!Number.isFinite(value) || value < 0) {
    throw new TypeError(
      `Expected \`${name}\` to be a non-negative number of milliseconds, got ${String(ms)}.`,
    );
  }
  return value;
};

/**
 * Scripted failures and delays, per operation name (`"*"` for every operation). Failures of one
 * operation are used in the order they were scripted; the operation's own script goes before `"*"`.
 * @internal
 */
export class FaultScript {
  readonly #queues = new Map<string, Pending[]>();
  readonly #delays = new Map<string, number>();

  /**
   * Adds a failure.
   * @param operation - The operation name, or `"*"`.
   * @param spec - The failure.
   */
  add(operation: string, spec: FailSpec): void {
    const remaining = checkTimes(spec.times);
    checkDelay(spec.delayMs, "delayMs");
    if (
      spec.status !== undefined &&
      (!Number.isInteger(spec.status) || spec.status < 200 || spec.status > 599)
    ) {
      throw new TypeError(
        `Expected \`status\` to be an HTTP status from 200 to 599, got ${String(spec.status)}.`,
      );
    }
    if ("network" in spec && !NETWORK_DEFAULT_STATUS.has(spec.network)) {
      throw new TypeError(`Unknown network fault \`${String(spec.network)}\`.`);
    }
    if (!("network" in spec) && (typeof spec.exception !== "string" || spec.exception === "")) {
      throw new TypeError("Expected `exception` to be a non-empty string.");
    }
    const queue = this.#queues.get(operation) ?? [];
    queue.push({ spec: { ...spec }, remaining });
    this.#queues.set(operation, queue);
  }

  /**
   * Sets (or, with 0, clears) a fixed delay.
   * @param operation - The operation name, or `"*"`.
   * @param ms - Milliseconds.
   */
  setDelay(operation: string, ms: number): void {
    if (checkDelay(ms, "ms") === 0) this.#delays.delete(operation);
    else this.#delays.set(operation, ms);
  }

  /**
   * The fixed delay of an operation.
   * @param operation - The operation name.
   * @returns Milliseconds.
   */
  delayOf(operation: string): number {
    return this.#delays.get(operation) ?? this.#delays.get("*") ?? 0;
  }

  /**
   * Takes the next failure for an operation, counting it down.
   * @param operation - The operation name.
   * @returns The failure, or undefined.
   */
  take(operation: string): FailSpec | undefined {
    for (const key of [operation, "*"]) {
      const queue = this.#queues.get(key);
      const next = queue?.[0];
      if (queue === undefined || next === undefined) continue;
      next.remaining -= 1;
      if (next.remaining <= 0) queue.shift();
      return next.spec;
    }
    return undefined;
  }

  /** Forgets every scripted failure and delay. */
  reset(): void {
    this.#queues.clear();
    this.#delays.clear();
  }
}

const NETWORK_DEFAULT_STATUS: ReadonlyMap<NetworkFault, number> = new Map<NetworkFault, number>([
  ["drop", 0],
  ["reset-mid-body", 200],
  ["reset-mid-chunked-body", 200],
  ["html", 502],
  ["empty", 503],
  ["malformed-json", 200],
]);

const HTML_BODY = (status: number): string => {
  const title = `${status} ${STATUS_CODES[status] ?? "Error"}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
};

/**
 * Answers a request with a network fault.
 *
 * @param req - The request.
 * @param res - The response.
 * @param spec - The fault.
 * @param requestId - The request id for responses that carry one.
 * @internal
 */
export const writeNetworkFault = (
  req: IncomingMessage,
  res: ServerResponse,
  spec: ScriptedNetworkFault,
  requestId: string,
): void => {
  const status = spec.status ?? NETWORK_DEFAULT_STATUS.get(spec.network) ?? 500;
  switch (spec.network) {
    case "drop":
      req.socket.destroy();
      return;
    case "reset-mid-body": {
      const body = JSON.stringify({ __type: "KMSInternalException", message: "x".repeat(256) });
      if (res.destroyed) return;
      res.writeHead(status, {
        "content-type": "application/x-amz-json-1.1",
        "content-length": Buffer.byteLength(body),
        "x-amzn-requestid": requestId,
      });
      res.flushHeaders();
      res.write(body.slice(0, body.length >> 1), () => res.socket?.destroy());
      return;
    }
    case "reset-mid-chunked-body": {
      const body = JSON.stringify({ KeyId: "arn:aws:kms:", padding: "x".repeat(256) });
      if (res.destroyed) return;
      // No Content-Length: Node sends the body chunked, and the last (empty) chunk never comes.
      res.writeHead(status, {
        "content-type": "application/x-amz-json-1.1",
        "x-amzn-requestid": requestId,
      });
      res.write(body.slice(0, body.length >> 1), () => res.socket?.destroy());
      return;
    }
    case "html":
      if (res.destroyed) return;
      res.writeHead(status, { "content-type": "text/html", server: "awselb/2.0" });
      res.end(HTML_BODY(status));
      return;
    case "empty":
      writeRaw(res, status, "", requestId);
      return;
    case "malformed-json":
      writeRaw(
        res,
        status,
        status >= 300
          ? '{"__type":"KMSInternalException","message":"An internal er'
          : '{"KeyId":"arn:aws:kms:',
        requestId,
      );
      return;
  }
};
