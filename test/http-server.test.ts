import { Agent, request } from "node:http";
import { connect as connectH2 } from "node:http2";
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  type HttpServer,
  MAX_BODY_BYTES,
  type RequestBody,
  startHttpServer,
  writeResponse,
} from "../src/testing/http-server.js";

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/** One request over a fresh loopback connection; rejects when the connection ends without an answer. */
const send = (
  port: number,
  body: Buffer | string = "",
  options: { method?: string; agent?: Agent } = {},
): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: options.method ?? "POST",
        path: "/",
        ...(options.agent === undefined ? {} : { agent: options.agent }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });

/** Settles with the error a promise rejects with, or fails when it resolves. */
const rejectionOf = async (promise: Promise<unknown>): Promise<NodeJS.ErrnoException> => {
  try {
    await promise;
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
  throw new Error("Expected the promise to reject.");
};

/** A handler that answers with what it was given: the body's size, or that it was too large. */
const echo = (_req: unknown, res: Parameters<typeof writeResponse>[0], body: RequestBody): void =>
  writeResponse(
    res,
    body.tooLarge ? 413 : 200,
    { "content-type": "text/plain" },
    body.tooLarge ? `too large (limit ${body.limit})` : `read ${body.bytes.length}`,
  );

let server: HttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe(startHttpServer.name, () => {
  it("listens on 127.0.0.1 on a free port by default and hands the handler the whole body", async () => {
    const bodies: Buffer[] = [];
    server = await startHttpServer({
      handle: (_req, res, body) => {
        if (!body.tooLarge) bodies.push(body.bytes);
        echo(_req, res, body);
      },
    });
    expect(server.port).toBeGreaterThan(0);
    const reply = await send(server.port, "hello, emulator");
    expect(reply).toMatchObject({ status: 200, text: "read 15" });
    expect(reply.headers["content-length"]).toBe("7");
    expect(bodies.map((b) => b.toString("utf8"))).toEqual(["hello, emulator"]);
  });

  it("reads a body of exactly the cap, and reports a body one byte longer as too large", async () => {
    server = await startHttpServer({ handle: echo, maxBodyBytes: 64 });
    expect(await send(server.port, Buffer.alloc(64, 1))).toMatchObject({ status: 200, text: "read 64" });
    expect(await send(server.port, Buffer.alloc(65, 1))).toMatchObject({
      status: 413,
      text: "too large (limit 64)",
    });
  });

  it("caps bodies at 1 MiB by default and still answers the client that sent more", async () => {
    server = await startHttpServer({ handle: echo });
    expect(MAX_BODY_BYTES).toBe(1024 * 1024);
    const reply = await send(server.port, Buffer.alloc(MAX_BODY_BYTES + 1, 0x61));
    expect(reply).toMatchObject({ status: 413, text: `too large (limit ${MAX_BODY_BYTES})` });
  });

  it("refuses a port that is already taken", async () => {
    server = await startHttpServer({ handle: echo });
    const taken = server.port;
    const error = await rejectionOf(startHttpServer({ handle: echo, port: taken }));
    expect(error.code).toBe("EADDRINUSE");
  });

  it("destroys the connection when the handler throws, unless onError answers", async () => {
    server = await startHttpServer({
      handle: () => {
        throw new Error("boom");
      },
    });
    const error = await rejectionOf(send(server.port, "x"));
    expect(error.code).toBe("ECONNRESET");
    await server.close();

    const seen: string[] = [];
    server = await startHttpServer({
      handle: async () => {
        throw new Error("boom");
      },
      onError: (error, _req, res) => {
        seen.push((error as Error).message);
        writeResponse(res, 500, { "content-type": "text/plain" }, "failed");
      },
    });
    expect(await send(server.port, "x")).toMatchObject({ status: 500, text: "failed" });
    expect(seen).toEqual(["boom"]);
  });

  it("writeResponse writes nothing after an answer was already written", async () => {
    server = await startHttpServer({
      handle: (_req, res) => {
        writeResponse(res, 200, { "content-type": "text/plain" }, "first");
        writeResponse(res, 500, { "content-type": "text/plain" }, "second");
      },
    });
    expect(await send(server.port)).toMatchObject({ status: 200, text: "first" });
  });
});

describe("h2c", () => {
  /** One HTTP/2 request with prior knowledge over a fresh session. */
  const sendH2 = (port: number, body: string): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const session = connectH2(`http://127.0.0.1:${port}`);
      session.on("error", reject);
      const stream = session.request({ ":method": "POST", ":path": "/" });
      let status = 0;
      const chunks: Buffer[] = [];
      stream.on("response", (headers) => {
        status = Number(headers[":status"]);
      });
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        session.close();
        resolve({ status, text: Buffer.concat(chunks).toString("utf8") });
      });
      stream.on("error", reject);
      stream.end(body);
    });

  it("answers HTTP/1.1 and cleartext HTTP/2 on the same port with the same handler", async () => {
    server = await startHttpServer({ handle: echo, h2c: true, maxBodyBytes: 8 });
    expect(await sendH2(server.port, "12345")).toEqual({ status: 200, text: "read 5" });
    expect(await sendH2(server.port, "123456789")).toEqual({ status: 413, text: "too large (limit 8)" });
    const reply = await send(server.port, "123");
    expect([reply.status, reply.text]).toEqual([200, "read 3"]);
  });

  it("closes with an HTTP/2 session open", async () => {
    server = await startHttpServer({ handle: () => undefined, h2c: true });
    const session = connectH2(`http://127.0.0.1:${server.port}`);
    session.on("error", () => undefined);
    const closed = new Promise<void>((resolve) => session.on("close", () => resolve()));
    session
      .request({ ":method": "POST", ":path": "/" })
      .on("error", () => undefined)
      .end("x");
    await new Promise<void>((resolve) => session.on("connect", () => resolve()));
    await server.close();
    await closed;
    expect(server.openSockets()).toBe(0);
  });

  it("refuses h2c with tls", async () => {
    await expect(startHttpServer({ handle: echo, h2c: true, tls: {} })).rejects.toThrow(
      "h2c cannot be combined with tls.",
    );
  });
});

describe("HttpServer.close", () => {
  it("ends a request whose handler never answers, then settles", async () => {
    const events: string[] = [];
    let arrived: () => void = () => undefined;
    const handled = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const running = await startHttpServer({
      handle: () => {
        events.push("handler called");
        arrived();
        // never answers
      },
    });
    server = running;
    const pending = rejectionOf(send(running.port, "hang")).then((error) => {
      events.push(`client: ${error.code ?? error.message}`);
    });
    await handled;
    expect(running.openSockets()).toBe(1);
    events.push("close called");
    await running.close();
    events.push("closed");
    await pending;
    expect(events.slice(0, 2)).toEqual(["handler called", "close called"]);
    expect(events).toContain("closed");
    expect(events).toContain("client: ECONNRESET");
    expect(events.indexOf("client: ECONNRESET")).toBeGreaterThan(events.indexOf("close called"));
    expect(running.openSockets()).toBe(0);
  });

  it("ends a connection whose body never finishes arriving", async () => {
    const events: string[] = [];
    const running = await startHttpServer({
      handle: () => {
        events.push("handler called");
      },
    });
    server = running;
    const socket: Socket = connect(running.port, "127.0.0.1");
    const ended = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.on("error", () => undefined);
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nonly part");
    // The server has the connection once it has seen its first bytes.
    while (running.openSockets() === 0) await new Promise((resolve) => setImmediate(resolve));
    events.push("close called");
    await running.close();
    await ended;
    events.push("client socket closed");
    expect(events).toEqual(["close called", "client socket closed"]);
    expect(running.openSockets()).toBe(0);
  });

  it("ends idle keep-alive connections, and a second call returns the same promise", async () => {
    const running = await startHttpServer({ handle: echo });
    server = running;
    const agent = new Agent({ keepAlive: true });
    try {
      expect(await send(running.port, "one", { agent })).toMatchObject({ status: 200, text: "read 3" });
      expect(running.openSockets()).toBe(1);
      const first = running.close();
      expect(running.close()).toBe(first);
      await first;
      expect(running.openSockets()).toBe(0);
      const error = await rejectionOf(send(running.port, "two"));
      expect(error.code).toBe("ECONNREFUSED");
    } finally {
      agent.destroy();
    }
  });
});
