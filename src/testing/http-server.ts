/**
 * The HTTP server skeleton every emulator runs on: it listens on 127.0.0.1, reads each request body
 * once (up to a cap), tracks the open sockets and, on `close()`, ends them.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttp2Server } from "node:http2";
import { createServer as createHttpsServer, type ServerOptions as HttpsServerOptions } from "node:https";
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from "node:net";
import type { TLSSocket } from "node:tls";

/**
 * The largest request body the emulators read, in bytes (1 MiB).
 * @internal
 */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * A request body as the skeleton read it: the bytes, or, when the body was larger than the cap,
 * only that fact (the bytes past the cap were discarded as they arrived).
 * @internal
 */
export type RequestBody =
  | { readonly tooLarge: false; readonly bytes: Buffer }
  | { readonly tooLarge: true; readonly limit: number };

/**
 * What an emulator does with one request, once its body has been read.
 * @internal
 */
export type RequestHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  body: RequestBody,
) => void | Promise<void>;

/**
 * Options of {@link startHttpServer}.
 * @internal
 */
export interface HttpServerOptions {
  /** Answers each request. */
  readonly handle: RequestHandler;
  /** The TCP port on 127.0.0.1; 0 picks a free one. @defaultValue 0 */
  readonly port?: number | undefined;
  /** The largest body read, in bytes. @defaultValue {@link MAX_BODY_BYTES} */
  readonly maxBodyBytes?: number | undefined;
  /** Serve HTTPS with these options (key, certificate, client certificate checks). */
  readonly tls?: HttpsServerOptions | undefined;
  /**
   * Also accept cleartext HTTP/2 with prior knowledge (h2c) on the same port, as SDK clients whose
   * default handler is HTTP/2 (Kinesis) speak it to an `http://` endpoint. Not with `tls`.
   * @defaultValue false
   */
  readonly h2c?: boolean | undefined;
  /**
   * Called on every TLS connection right after its handshake, before the HTTP layer sees it (e.g. to
   * end a connection whose client certificate names the wrong subject). Only with `tls`.
   */
  readonly onSecureConnection?: ((socket: TLSSocket) => void) | undefined;
  /**
   * Called when `handle` throws or rejects, or reading the body fails; the default destroys the
   * connection.
   */
  readonly onError?: ((error: unknown, req: IncomingMessage, res: ServerResponse) => void) | undefined;
}

/**
 * A running server from {@link startHttpServer}.
 * @internal
 */
export interface HttpServer {
  /** The port the server listens on. */
  readonly port: number;
  /**
   * The number of connections open now.
   * @returns The count.
   */
  openSockets(): number;
  /**
   * Stops listening and destroys every open connection, answered or not (a request still waiting
   * for its answer ends with a reset connection). Calling it again returns the same promise.
   * @returns A promise that settles when the server is closed and every connection has closed.
   */
  close(): Promise<void>;
}

/**
 * Reads a whole request body, keeping at most `maxBytes`; the rest is read and discarded, so the
 * client can still receive an answer.
 *
 * @param req - The incoming request.
 * @param maxBytes - The cap, in bytes.
 * @returns The body, or `tooLarge` when it was longer than the cap.
 * @throws Error when the request stream fails (e.g. the client goes away mid-body).
 * @internal
 */
export const readBody = (req: IncomingMessage, maxBytes: number): Promise<RequestBody> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on("end", () =>
      resolve(
        size > maxBytes
          ? { tooLarge: true, limit: maxBytes }
          : { tooLarge: false, bytes: Buffer.concat(chunks) },
      ),
    );
    req.on("error", reject);
  });

/**
 * Writes a whole response with a `content-length`, unless the client has already gone or an answer
 * was already written.
 *
 * @param res - The server response.
 * @param status - The HTTP status.
 * @param headers - The headers (`content-length` is added).
 * @param body - The body text.
 * @internal
 */
export const writeResponse = (
  res: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>>,
  body: string,
): void => {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { ...headers, "content-length": Buffer.byteLength(body) });
  res.end(body);
};

const destroy = (_error: unknown, req: IncomingMessage): void => {
  req.socket.destroy();
};

type Http2Listener = Parameters<typeof createHttp2Server>[0] & ((...args: never[]) => void);

/** The first bytes of every HTTP/2 connection with prior knowledge. */
const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n");

/**
 * A TCP server that passes each connection to `http2` when it opens with the HTTP/2 preface, else to
 * `http1`. It waits for at most the preface's length before deciding.
 */
const polyglot = (http1: Server, http2: ReturnType<typeof createHttp2Server>): NetServer => {
  // A session that fails (a client that goes away mid-stream) ends that session only.
  http2.on("sessionError", () => undefined);
  return createNetServer((socket) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const n = Math.min(head.length, H2_PREFACE.length);
      const isH2 = head.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
      if (isH2 && head.length < H2_PREFACE.length) return;
      socket.off("data", onData);
      socket.pause();
      socket.unshift(head);
      (isH2 ? http2 : http1).emit("connection", socket);
      process.nextTick(() => socket.resume());
    };
    socket.on("data", onData);
  });
};

/**
 * Starts an HTTP (or, with `tls`, HTTPS) server on 127.0.0.1 that reads each request body once
 * (bounded by `maxBodyBytes`), then calls `handle`.
 *
 * @param options - The handler, port, body cap, TLS and error handling.
 * @returns The running server; `close()` it when done.
 * @throws Error when the port cannot be bound.
 * @internal
 */
export const startHttpServer = async (options: HttpServerOptions): Promise<HttpServer> => {
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const onError = options.onError ?? destroy;
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    readBody(req, maxBodyBytes)
      .then((body) => options.handle(req, res, body))
      .catch((error: unknown) => onError(error, req, res));
  };
  if (options.h2c === true && options.tls !== undefined)
    throw new TypeError("h2c cannot be combined with tls.");
  const http: Server =
    options.tls === undefined ? createHttpServer(listener) : createHttpsServer(options.tls, listener);
  // With h2c, a plain TCP server reads each connection's first bytes and hands the connection to the
  // HTTP/2 server when they are the HTTP/2 preface, else to the HTTP/1.1 server.
  const server: Server | NetServer =
    options.h2c === true ? polyglot(http, createHttp2Server(listener as unknown as Http2Listener)) : http;
  const onSecureConnection = options.onSecureConnection;
  if (options.tls !== undefined && onSecureConnection !== undefined) {
    http.prependListener("secureConnection", onSecureConnection);
  }
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    port,
    openSockets: () => sockets.size,
    close: () => {
      if (closing === undefined) {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        const ended = [...sockets].map(
          (socket) => new Promise<void>((resolve) => socket.once("close", () => resolve())),
        );
        for (const socket of sockets) socket.destroy();
        http.closeAllConnections();
        closing = Promise.all([stopped, ...ended]).then(() => undefined);
      }
      return closing;
    },
  };
};
