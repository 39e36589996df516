/**
 * Hostile loopback servers for tests: each answers as the test says, records the request bodies it
 * saw, and is closed by {@link closeHostileServers} (call it in `afterEach`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";

const servers: Server[] = [];

/**
 * A loopback HTTP server with a handler, or an HTTPS one with `tls`.
 *
 * @param handler - Answers each request, with its body read.
 * @param tls - The server's key and certificate (PEM), for HTTPS.
 * @returns Its base URL, the request bodies it saw in order, and how many connections it accepted.
 */
export async function hostile(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
  tls?: { readonly key: string; readonly cert: string },
): Promise<{ url: string; seen: string[]; connections: () => number }> {
  const seen: string[] = [];
  let connections = 0;
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.setEncoding("utf8").on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      seen.push(body);
      handler(req, res, body);
    });
  };
  const server = tls === undefined ? createServer(listener) : createTlsServer(tls, listener);
  server.on(tls === undefined ? "connection" : "secureConnection", () => {
    connections += 1;
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const scheme = tls === undefined ? "http" : "https";
  return {
    url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    connections: () => connections,
  };
}

/** Closes every server {@link hostile} started, dropping open connections. */
export const closeHostileServers = async (): Promise<void> => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
};

/**
 * Answers as KMS does over JSON 1.1.
 *
 * @param res - The response.
 * @param body - The JSON body.
 * @param status - The HTTP status.
 */
export const kmsJson = (res: ServerResponse, body: unknown, status = 200): void => {
  res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "req-hostile" });
  res.end(JSON.stringify(body));
};

/**
 * Writes `chunk` up to `count` times, as fast as the client reads (waiting for `drain`), then ends
 * the answer with `last`: an answer far larger than any client should hold.
 *
 * @param res - The response, its head written.
 * @param chunk - What to write each time.
 * @param count - How many times at most.
 * @param last - What ends the answer.
 */
export function pump(res: ServerResponse, chunk: string | Buffer, count: number, last = ""): void {
  let left = count;
  res.on("error", () => {});
  const more = (): void => {
    while (left > 0) {
      left--;
      if (!res.write(chunk)) {
        res.once("drain", more);
        return;
      }
    }
    res.end(last);
  };
  more();
}
