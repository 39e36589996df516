import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { KINDS } from "../catalog/kinds.js";
import { writeResponse } from "./http-server.js";

/**
 * The `X-Amz-Target` prefix of every KMS operation.
 * @internal
 */
export const TARGET_PREFIX = "TrentService.";

/** The content type of KMS's JSON 1.1 protocol. */
const JSON_CONTENT_TYPE = "application/x-amz-json-1.1";

const STATUS_BY_KIND: ReadonlyMap<string, number> = new Map(
  KINDS.flatMap((k) => ("status" in k ? [[k.kind, k.status] as const] : [])),
);

/**
 * The HTTP status KMS uses for an exception name, from the catalog's kinds table; 400 for a name it
 * does not know.
 *
 * @param exception - The exception name, e.g. `"KMSInternalException"`.
 * @returns The HTTP status code.
 * @internal
 */
export const statusOf = (exception: string): number => STATUS_BY_KIND.get(exception) ?? 400;

/**
 * A KMS error response: the emulator's handlers throw it, the server writes it as
 * `{"__type","message"}` with its status.
 * @internal
 */
export class KmsError extends Error {
  /** The exception name sent as `__type`. */
  readonly exception: string;
  /** The HTTP status of the response. */
  readonly status: number;

  /**
   * @param exception - The exception name sent as `__type`.
   * @param message - The message sent as `message`; it must never contain a secret.
   * @param status - The HTTP status; defaults to the catalog's status for `exception`.
   */
  constructor(exception: string, message: string, status?: number) {
    super(message);
    this.name = "KmsError";
    this.exception = exception;
    this.status = status ?? statusOf(exception);
  }
}

/**
 * The JSON body of a KMS request: always an object.
 * @internal
 */
export type JsonObject = Readonly<Record<string, unknown>>;

/**
 * Reads the operation name from `X-Amz-Target`, or undefined when the header is missing or does not
 * name a TrentService operation.
 *
 * @param req - The incoming request.
 * @returns The operation name, e.g. `"Encrypt"`.
 * @internal
 */
export const operationOf = (req: IncomingMessage): string | undefined => {
  const target = req.headers["x-amz-target"];
  if (typeof target !== "string" || !target.startsWith(TARGET_PREFIX)) return undefined;
  const operation = target.slice(TARGET_PREFIX.length);
  return /^[A-Za-z]{1,64}$/.test(operation) ? operation : undefined;
};

/**
 * Parses a request body as a JSON object (an empty body is `{}`).
 *
 * @param body - The body bytes.
 * @returns The parsed object.
 * @throws KmsError `SerializationException` when the body is not a JSON object. The message never
 * quotes the body (it may hold secrets).
 * @internal
 */
export const parseBody = (body: Buffer): JsonObject => {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw new KmsError("SerializationException", "Start of structure or map found where not expected.");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new KmsError("SerializationException", "The request body must be a JSON object.");
  }
  return parsed as JsonObject;
};

/**
 * A fresh request id, as KMS sends in `x-amzn-requestid`.
 * @returns A random UUID.
 * @internal
 */
export const newRequestId = (): string => randomUUID();

/**
 * Writes a response with KMS's headers, unless the client has already gone.
 *
 * @param res - The server response.
 * @param status - The HTTP status.
 * @param body - The body text.
 * @param requestId - The value of `x-amzn-requestid`.
 * @param contentType - The content type; KMS's JSON 1.1 by default.
 * @internal
 */
export const writeRaw = (
  res: ServerResponse,
  status: number,
  body: string,
  requestId: string,
  contentType = JSON_CONTENT_TYPE,
): void => {
  writeResponse(res, status, { "content-type": contentType, "x-amzn-requestid": requestId }, body);
};

/**
 * Writes a successful KMS response.
 *
 * @param res - The server response.
 * @param output - The operation's output.
 * @param requestId - The value of `x-amzn-requestid`.
 * @internal
 */
export const writeOutput = (res: ServerResponse, output: JsonObject, requestId: string): void =>
  writeRaw(res, 200, JSON.stringify(output), requestId);

/**
 * Writes a KMS error response: `{"__type","message"}` with the error's status.
 *
 * @param res - The server response.
 * @param error - The error to send.
 * @param requestId - The value of `x-amzn-requestid`.
 * @internal
 */
export const writeError = (res: ServerResponse, error: KmsError, requestId: string): void =>
  writeRaw(res, error.status, JSON.stringify({ __type: error.exception, message: error.message }), requestId);

/**
 * Epoch seconds, as the JSON protocol encodes timestamps.
 *
 * @param date - The date.
 * @returns Seconds since the epoch, with a fraction.
 * @internal
 */
export const epochSeconds = (date: Date): number => date.getTime() / 1000;
