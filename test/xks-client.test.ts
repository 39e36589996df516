/**
 * The XKS proxy client (callXksProxy, sendXksRequest) against loopback peers: what it sends (path,
 * body, Host, port, SNI, the signature it reports), how it reads each kind of answer, and how a
 * timeout or an abort ends a call.
 */
import { getEventListeners } from "node:events";
import { Agent, createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type AddressInfo, connect, createServer as createNetServer, type Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import {
  type CallXksProxyOptions,
  callXksProxy,
  MAX_RESPONSE_BYTES,
  sendXksRequest,
} from "../src/xks/client.js";
import { closeHostileServers, hostile, pump } from "./support/hostile.js";
import { issueCertificate } from "./support/x509.js";

const credential = {
  accessKeyId: "AKIAXKSCLIENTTESTKEY",
  secretAccessKey: "SECRET-MARKER-client-test-0123456789abcdefghijklm",
};
const healthBody = { requestMetadata: { kmsRequestId: "req-client-1", kmsOperation: "KmsHealthCheck" } };

const options = (url: string, overrides: Partial<CallXksProxyOptions> = {}): CallXksProxyOptions => ({
  url,
  region: "eu-west-1",
  credential,
  operation: "health",
  body: healthBody,
  timeoutMs: 2000,
  ...overrides,
});

/** Answers every request with this status and body text. */
const answering =
  (status: number, text: string) =>
  (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(text);
  };

afterEach(closeHostileServers);

describe("callXksProxy: reading the answer", () => {
  it("takes a 2xx answer whose JSON is null as malformed, not as a body", async () => {
    const server = await hostile(answering(200, "null"));
    expect(await callXksProxy(options(`${server.url}/kms/xks/v1`))).toMatchObject({
      ok: false,
      reason: "malformed",
      status: 200,
    });
  });

  it("takes a 3xx answer with a JSON object as malformed: only 2xx is success", async () => {
    const server = await hostile(answering(300, "{}"));
    expect(await callXksProxy(options(`${server.url}/kms/xks/v1`))).toMatchObject({
      ok: false,
      reason: "malformed",
      status: 300,
    });
  });

  it("reads an answer of exactly MAX_RESPONSE_BYTES", async () => {
    const head = '{"pad":"';
    const tail = '"}';
    const text = `${head}${"x".repeat(MAX_RESPONSE_BYTES - head.length - tail.length)}${tail}`;
    expect(Buffer.byteLength(text)).toBe(MAX_RESPONSE_BYTES);
    const server = await hostile(answering(200, text));
    const outcome = await callXksProxy(options(`${server.url}/kms/xks/v1`));
    expect(outcome.ok).toBe(true);
    expect(outcome.ok && String(outcome.body.pad).length).toBe(MAX_RESPONSE_BYTES - 10);
  });

  it("reports an oversized answer with the status the proxy gave", async () => {
    const server = await hostile((_req, res) => {
      res.writeHead(503, { "content-type": "application/json" });
      pump(res, "x".repeat(16_384), 16);
    });
    expect(await callXksProxy(options(`${server.url}/kms/xks/v1`))).toMatchObject({
      ok: false,
      reason: "oversized",
      status: 503,
    });
  });

  it("reports a connection dropped in the middle of the body as connect (ECONNRESET)", async () => {
    const server = await hostile((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"partial":', () => res.socket?.destroy());
    });
    expect(await callXksProxy(options(`${server.url}/kms/xks/v1`, { timeoutMs: 1500 }))).toMatchObject({
      ok: false,
      reason: "connect",
      detail: "ECONNRESET",
    });
  });
});

describe("callXksProxy: the request", () => {
  it("posts to the URI path without doubling a trailing slash, and to an empty key segment without a key id", async () => {
    const paths: (string | undefined)[] = [];
    const server = await hostile((req, res) => {
      paths.push(req.url);
      answering(200, "{}")(req, res);
    });
    expect((await callXksProxy(options(`${server.url}/kms/xks/v1/`))).ok).toBe(true);
    expect(
      (
        await callXksProxy(
          options(`${server.url}/kms/xks/v1`, { operation: "metadata", body: { requestMetadata: {} } }),
        )
      ).ok,
    ).toBe(true);
    expect(
      (await callXksProxy(options(`${server.url}/p/kms/xks/v1`, { operation: "encrypt", keyId: "a b/c" })))
        .ok,
    ).toBe(true);
    expect(paths).toEqual([
      "/kms/xks/v1/health",
      "/kms/xks/v1/keys//metadata",
      "/p/kms/xks/v1/keys/a%20b%2Fc/encrypt",
    ]);
  });

  it("sends a string body verbatim and a value as JSON", async () => {
    const server = await hostile(answering(200, "{}"));
    const text = '{ "requestMetadata": {"kmsRequestId": "r-1"} }';
    await callXksProxy(options(`${server.url}/kms/xks/v1`, { body: text }));
    await callXksProxy(options(`${server.url}/kms/xks/v1`, { body: healthBody }));
    expect(server.seen).toEqual([text, JSON.stringify(healthBody)]);
  });

  it("tells onSigned the Authorization header the proxy receives", async () => {
    const received: (string | undefined)[] = [];
    const server = await hostile((req, res) => {
      received.push(req.headers.authorization);
      answering(200, "{}")(req, res);
    });
    const told: string[] = [];
    const outcome = await sendXksRequest(options(`${server.url}/kms/xks/v1`), {
      onSigned: (authorization) => told.push(authorization),
    });
    expect(outcome.ok).toBe(true);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAXKSCLIENTTESTKEY\//);
    expect(received).toEqual(told);
  });

  it("goes to the scheme's default port when the URL has none, and signs the host without a port", async () => {
    const hosts: (string | undefined)[] = [];
    const server = await hostile((req, res) => {
      hosts.push(req.headers.host);
      answering(200, "{}")(req, res);
    });
    const serverPort = Number(new URL(server.url).port);
    const ports: unknown[] = [];
    // Connects wherever it is asked to, to the loopback server, recording the port asked for.
    class Redirecting extends Agent {
      override createConnection(connectOptions: { port?: unknown }): Socket {
        ports.push(connectOptions.port);
        return connect(serverPort, "127.0.0.1");
      }
    }
    const agent = new Redirecting();
    try {
      const outcome = await sendXksRequest(options("http://xks.example.test/kms/xks/v1"), { agent });
      expect(outcome.ok).toBe(true);
    } finally {
      agent.destroy();
    }
    expect(ports).toEqual([80]);
    expect(hosts).toEqual(["xks.example.test"]);
  });

  it("connects to the pinned address, keeping the URL's name in Host", async () => {
    const hosts: (string | undefined)[] = [];
    const server = await hostile((req, res) => {
      hosts.push(req.headers.host);
      answering(200, "{}")(req, res);
    });
    const { port } = new URL(server.url);
    const outcome = await sendXksRequest(
      options(`http://xks.invalid:${port}/kms/xks/v1`, { timeoutMs: 1000 }),
      {
        address: "127.0.0.1",
      },
    );
    expect(outcome.ok).toBe(true);
    expect(hosts).toEqual([`xks.invalid:${port}`]);
  });

  it("reaches a proxy at an IPv6 literal", async () => {
    const hosts: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      hosts.push(req.headers.host);
      req.resume().on("end", () => answering(200, "{}")(req, res));
    });
    await new Promise<void>((resolve) => server.listen(0, "::1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const outcome = await callXksProxy(options(`http://[::1]:${port}/kms/xks/v1`, { timeoutMs: 1000 }));
      expect(outcome.ok).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    expect(hosts).toEqual([`[::1]:${port}`]);
  });
});

describe("callXksProxy: TLS server name", () => {
  const ca = issueCertificate({ commonName: "XKS client test CA", ca: true });
  const leaf = issueCertificate({
    commonName: "xks.example.test",
    dnsNames: ["xks.example.test"],
    issuer: ca,
  });

  /** An HTTPS peer that records the SNI each request arrived with (false: none). */
  const tlsPeer = async () => {
    const names: (string | false | null)[] = [];
    const server = await hostile(
      (req, res) => {
        names.push((req.socket as TLSSocket).servername);
        answering(200, "{}")(req, res);
      },
      { key: leaf.key, cert: leaf.cert },
    );
    return { url: server.url, port: new URL(server.url).port, names };
  };

  it("verifies and sends tls.servername when the URL names an IP address", async () => {
    const peer = await tlsPeer();
    const outcome = await callXksProxy(
      options(`${peer.url}/kms/xks/v1`, { tls: { ca: ca.cert, servername: "xks.example.test" } }),
    );
    expect(outcome.ok).toBe(true);
    expect(peer.names).toEqual(["xks.example.test"]);
  });

  it("sends the URL's host name, not the pinned address", async () => {
    const peer = await tlsPeer();
    const outcome = await sendXksRequest(
      options(`https://xks.example.test:${peer.port}/kms/xks/v1`, { tls: { ca: ca.cert }, timeoutMs: 1000 }),
      { address: "127.0.0.1" },
    );
    expect(outcome.ok).toBe(true);
    expect(peer.names).toEqual(["xks.example.test"]);
  });

  it("sends no server name for an IP address URL", async () => {
    const peer = await tlsPeer();
    const outcome = await callXksProxy(
      options(`${peer.url}/kms/xks/v1`, { tls: { rejectUnauthorized: false } }),
    );
    expect(outcome.ok).toBe(true);
    expect(peer.names).toEqual([false]);
  });

  it("refuses a certificate it does not trust unless told otherwise", async () => {
    const peer = await tlsPeer();
    const url = `https://xks.example.test:${peer.port}/kms/xks/v1`;
    const pinned = { address: "127.0.0.1" };
    expect(await sendXksRequest(options(url), pinned)).toMatchObject({ ok: false, reason: "tls" });
    expect(await sendXksRequest(options(url, { tls: {} }), pinned)).toMatchObject({
      ok: false,
      reason: "tls",
    });
    expect((await sendXksRequest(options(url, { tls: { rejectUnauthorized: false } }), pinned)).ok).toBe(
      true,
    );
  });
});

describe("callXksProxy: timeout and abort", () => {
  /** A peer that reads the request and never answers. */
  const silent = () => hostile(() => {});

  it("says how long it waited when it times out", async () => {
    const server = await silent();
    const outcome = await callXksProxy(options(`${server.url}/kms/xks/v1`, { timeoutMs: 37 }));
    expect(outcome).toMatchObject({ ok: false, reason: "timeout" });
    expect(!outcome.ok && outcome.detail).toMatch(/\b37\b/);
  });

  it("ends a call in flight when the signal aborts", async () => {
    const server = await silent();
    const controller = new AbortController();
    const pending = callXksProxy(options(`${server.url}/kms/xks/v1`, { signal: controller.signal }));
    await expect.poll(() => server.seen.length).toBe(1);
    controller.abort();
    const outcome = await pending;
    expect(outcome).toMatchObject({ ok: false, reason: "timeout" });
    expect(!outcome.ok && outcome.detail).toMatch(/abort/);
  });

  it("ends the call at once when the signal is already aborted", async () => {
    const server = await hostile(answering(200, "{}"));
    const outcome = await callXksProxy(options(`${server.url}/kms/xks/v1`, { signal: AbortSignal.abort() }));
    expect(outcome).toMatchObject({ ok: false, reason: "timeout" });
    expect(!outcome.ok && outcome.detail).toMatch(/abort/);
  });

  it("leaves no listener on a signal once the call is over", async () => {
    const server = await hostile(answering(200, "{}"));
    const { signal } = new AbortController();
    for (let i = 0; i < 3; i++) {
      expect((await callXksProxy(options(`${server.url}/kms/xks/v1`, { signal }))).ok).toBe(true);
    }
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });
});

describe("callXksProxy: a status line below 200", () => {
  it("never takes it for success", async () => {
    const server = createNetServer((socket) => {
      socket.once("data", () => {
        socket.end("HTTP/1.1 099 Odd\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const outcome = await callXksProxy(options(`http://127.0.0.1:${port}/kms/xks/v1`, { timeoutMs: 1000 }));
      expect(outcome).toMatchObject({ ok: false, reason: "malformed", status: 99 });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
