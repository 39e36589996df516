/**
 * The fake XKS proxy's request pipeline, step by step: route, method, body size, SigV4
 * authentication, scripted fault, request checks, then the operation. Each step answers (and logs)
 * the request when it ends it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { xksErrorInfo } from "../../xks/errors.js";
import { verifyXksRequest, type XksCredential } from "../../xks/sigv4.js";
import type { XksOperation } from "../../xks/spec.js";
import { isRecord } from "../guards.js";
import type { RequestBody } from "../http-server.js";
import type { ProxyFaultScript } from "./fault-script.js";
import type { ExternalKeyManager } from "./key-manager.js";
import { checkRequest, headerOf, queryOf, type Route, routeOf, XksError } from "./request.js";
import type { XksProxyFault, XksProxyRequest } from "./types.js";

/**
 * Everything the pipeline reads: the proxy's settings (some of which tests change while it runs),
 * its key manager, fault script and request log.
 * @internal
 */
export interface ProxyState {
  /** The URI path, e.g. `/kms/xks/v1`. */
  readonly uriPath: string;
  /** The Region of the accepted SigV4 scope. */
  readonly region: string;
  /** Whether the REQUIRED `requestMetadata` members are checked. */
  readonly strictRequestMetadata: boolean;
  /** The subject common name client certificates must carry (mutual TLS), if any. */
  readonly clientSubject: string | undefined;
  /** The external keys and their operations. */
  readonly keys: ExternalKeyManager;
  /** The scripted faults. */
  readonly faults: ProxyFaultScript;
  /** The requests received, oldest first. */
  readonly log: XksProxyRequest[];
  /** The accepted credential(s). */
  credentials: readonly XksCredential[];
  /** Milliseconds added before every response. */
  latencyMs: number;
}

/**
 * Waits, without keeping the process alive.
 * @param ms - Milliseconds (nothing for 0 or less).
 * @returns When the time has passed.
 * @internal
 */
export const sleep = (ms: number): Promise<void> =>
  ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * The subject common name of the client certificate of a TLS connection, if any.
 * @param socket - The connection.
 * @returns The name, or undefined.
 * @internal
 */
export const subjectName = (socket: TLSSocket): string | undefined =>
  socket
    .getPeerX509Certificate()
    ?.subject.split("\n")
    .find((part) => part.startsWith("CN="))
    ?.slice(3);

/** One request in flight: what its log entry says so far, and how it is answered. */
class Exchange {
  readonly #res: ServerResponse;
  readonly #log: XksProxyRequest[];
  readonly #receivedAt = new Date();
  readonly method: string;
  readonly path: string;
  #entry: {
    operation: XksOperation | undefined;
    keyId?: string;
    kmsRequestId?: string;
    kmsOperation?: string;
  } = { operation: undefined };

  constructor(req: IncomingMessage, res: ServerResponse, path: string, log: XksProxyRequest[]) {
    this.#res = res;
    this.#log = log;
    this.method = req.method ?? "";
    this.path = path;
  }

  /** Names the operation (and key) in the log entry. */
  routed(route: Route): void {
    this.#entry = {
      operation: route.operation,
      ...(route.keyId === undefined ? {} : { keyId: route.keyId }),
    };
  }

  /** Copies `kmsRequestId` and `kmsOperation` from the body's `requestMetadata` into the log entry. */
  noteMetadata(body: unknown): void {
    const metadata = isRecord(body) ? body.requestMetadata : undefined;
    if (!isRecord(metadata)) return;
    if (typeof metadata.kmsRequestId === "string") this.#entry.kmsRequestId = metadata.kmsRequestId;
    if (typeof metadata.kmsOperation === "string") this.#entry.kmsOperation = metadata.kmsOperation;
  }

  /** Logs the request as answered with `status`. */
  finish(status: number, extra: { errorName?: string; dropped?: boolean } = {}): void {
    this.#log.push({
      ...this.#entry,
      method: this.method,
      path: this.path,
      status,
      dropped: extra.dropped ?? false,
      ...(extra.errorName === undefined ? {} : { errorName: extra.errorName }),
      receivedAt: this.#receivedAt,
    });
  }

  /** Answers with a JSON body (unless the client has gone). */
  sendJson(status: number, payload: unknown): void {
    const res = this.#res;
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(payload));
  }

  /** Answers with a body-less status and headers (unless the client has gone). */
  sendEmpty(status: number, headers: Readonly<Record<string, string>>): void {
    if (this.#res.destroyed) return;
    this.#res.writeHead(status, headers);
    this.#res.end();
  }

  /** Answers with an XKS error and logs it. */
  sendError(error: XksError): void {
    this.sendJson(error.status, { errorName: error.errorName, errorMessage: error.message });
    this.finish(error.status, { errorName: error.errorName });
  }
}

/**
 * The SigV4 step: the signature, scope and payload hash of the request, against the accepted
 * credential(s).
 *
 * @param req - The request (method and headers).
 * @param path - The request path.
 * @param query - The text after `?`.
 * @param body - The body received.
 * @param state - The Region and credentials.
 * @returns `AuthenticationFailedException`, or undefined when the request is authentic.
 * @internal
 */
export const authenticate = async (
  req: IncomingMessage,
  path: string,
  query: string,
  body: Buffer,
  state: Pick<ProxyState, "region" | "credentials">,
): Promise<XksError | undefined> => {
  const verified = await verifyXksRequest({
    method: req.method ?? "",
    path,
    query: queryOf(query),
    headers: req.headers,
    body,
    region: state.region,
    credentials: state.credentials,
    now: Date.now(),
  });
  return verified.ok ? undefined : new XksError("AuthenticationFailedException", verified.reason);
};

/**
 * Answers a request with a scripted fault (a delay has already been waited out and is not passed).
 *
 * @param fault - The fault.
 * @param req - The request (its connection is dropped for `"drop"`).
 * @param exchange - The request in flight.
 * @param res - The response.
 */
const answerFault = (
  fault: Exclude<XksProxyFault, { readonly delayMs: number }>,
  req: IncomingMessage,
  exchange: Exchange,
  res: ServerResponse,
): void => {
  if (fault === "drop") {
    req.socket.destroy();
    exchange.finish(0, { dropped: true });
    return;
  }
  if (fault === "malformed") {
    if (!res.destroyed) {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html><body>502 Bad Gateway</body></html>");
    }
    exchange.finish(200);
    return;
  }
  exchange.sendError(
    new XksError(
      fault.errorName,
      fault.errorMessage ?? `Scripted ${fault.errorName}.`,
      fault.status ?? xksErrorInfo(fault.errorName).status,
    ),
  );
};

/**
 * The fault that applies to a request, after waiting out a scripted delay (which then answers
 * normally).
 */
const faultAfterDelay = async (
  faults: ProxyFaultScript,
  operation: XksOperation,
): Promise<Exclude<XksProxyFault, { readonly delayMs: number }> | undefined> => {
  const fault = faults.take(operation);
  if (typeof fault === "object" && "delayMs" in fault) {
    await sleep(fault.delayMs);
    return undefined;
  }
  return fault;
};

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * Answers one request of the fake proxy: `GET /ping`; then, after the latency, an unknown path →
 * 404 `InvalidUriPathException` (before authentication); another method than POST → 405; a body
 * over the cap → `ValidationException`; SigV4 → `AuthenticationFailedException`; a scripted fault;
 * the request checks; the operation.
 *
 * @param state - The proxy.
 * @param req - The request.
 * @param res - The response.
 * @param received - The body, as the server skeleton read it.
 * @returns When the request has been answered.
 * @internal
 */
export const handleXksRequest = async (
  state: ProxyState,
  req: IncomingMessage,
  res: ServerResponse,
  received: RequestBody,
): Promise<void> => {
  if (state.clientSubject !== undefined && subjectName(req.socket as TLSSocket) !== state.clientSubject) {
    req.socket.destroy();
    return;
  }
  const rawUrl = req.url ?? "/";
  const queryAt = rawUrl.indexOf("?");
  const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const exchange = new Exchange(req, res, path, state.log);
  if (exchange.method === "GET" && path === "/ping") {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("pong");
    return;
  }
  await sleep(state.latencyMs);
  const route = routeOf(state.uriPath, path);
  if (route === undefined) {
    exchange.sendError(
      new XksError("InvalidUriPathException", "The request URI path is not a path of this proxy."),
    );
    return;
  }
  exchange.routed(route);
  if (exchange.method !== "POST") {
    exchange.sendEmpty(405, { allow: "POST", "content-length": "0" });
    exchange.finish(405);
    return;
  }
  if (received.tooLarge) {
    exchange.sendError(
      new XksError("ValidationException", `The request body is larger than ${received.limit} bytes.`),
    );
    return;
  }
  const body = parseJson(received.bytes.toString("utf8"));
  exchange.noteMetadata(body);
  const refused = await authenticate(
    req,
    path,
    queryAt === -1 ? "" : rawUrl.slice(queryAt + 1),
    received.bytes,
    state,
  );
  if (refused !== undefined) {
    exchange.sendError(refused);
    return;
  }
  const fault = await faultAfterDelay(state.faults, route.operation);
  if (fault !== undefined) {
    answerFault(fault, req, exchange, res);
    return;
  }
  try {
    const checked = checkRequest(
      route.operation,
      headerOf(req, "content-type"),
      body,
      state.strictRequestMetadata,
    );
    exchange.sendJson(200, state.keys.run(route, checked));
    exchange.finish(200);
  } catch (error) {
    exchange.sendError(
      error instanceof XksError ? error : new XksError("InternalException", "The proxy failed."),
    );
  }
};
