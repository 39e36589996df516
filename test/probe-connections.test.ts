/**
 * Which connections `probeXksProxy` opens, and what it sends over them: nothing after a check that
 * stops the probe, its own connection closed when it is done, and a signature the proxy echoes kept
 * out of the report.
 */
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type ProbeXksProxyOptions, probeXksProxy } from "../src/diagnostics/index.js";
import { closeHostileServers, hostile } from "./support/hostile.js";

const credential = {
  accessKeyId: "AKIACONNECTIONSKEYID",
  secretAccessKey: "SECRET-MARKER-conn-5d2e8f1a4b7c0d3e6f9a2b5c8d1e4f7a0b3c6d9e2f",
};
const options = (uriEndpoint: string, more: Partial<ProbeXksProxyOptions> = {}): ProbeXksProxyOptions => ({
  uriEndpoint,
  uriPath: "/kms/xks/v1",
  credential,
  region: "eu-west-1",
  samples: 1,
  timeoutMs: 2_000,
  ...more,
});
const HEALTHY = JSON.stringify({
  xksProxyFleetSize: 1,
  ekmFleetDetails: [{ id: "ekm-1", model: "m", healthStatus: "ACTIVE" }],
});

const servers: (Server | HttpServer)[] = [];
afterEach(async () => {
  await closeHostileServers();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** A loopback TCP server that counts the connections it accepts and drops each at once. */
const dropping = async () => {
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, connections: () => connections };
};

describe("probeXksProxy connects only while its checks pass", () => {
  it("opens no connection for a host without an IPv4 address", async () => {
    const server = await dropping();
    const report = await probeXksProxy(options(`http://[::1]:${server.port}`));
    expect(report.checks[0]).toMatchObject({ id: "dns", status: "fail" });
    expect(report.checks.slice(1).every((c) => c.status === "unknown")).toBe(true);
    expect(server.connections()).toBe(0);
  });

  it("sends nothing after a failed TLS handshake: only the TCP check's and the handshake's connections", async () => {
    const server = await dropping();
    const report = await probeXksProxy(options(`https://localhost:${server.port}`));
    expect(report.checks.slice(0, 3).map((c) => [c.id, c.status])).toEqual([
      ["dns", "pass"],
      ["tcp", "pass"],
      ["tls", "fail"],
    ]);
    expect(new Set(report.checks.slice(3).map((c) => [c.status, c.evidence].join(": ")))).toEqual(
      new Set(["unknown: Not checked: the TLS check failed, so KMS could not connect."]),
    );
    expect(server.connections()).toBe(2);
  });
});

describe("probeXksProxy on a certificate that fails the tls check", () => {
  it("sends no request to the proxy, and says why the later checks were not run", async () => {
    const fixture = (name: string) =>
      readFileSync(new URL(`./fixtures/xks-proxy/${name}`, import.meta.url), "utf8");
    const proxy = await hostile((_req, res) => res.end("{}"), {
      key: fixture("wrong-name-key.pem"),
      cert: fixture("wrong-name.pem"),
    });
    const report = await probeXksProxy(
      options(proxy.url.replace("127.0.0.1", "localhost"), { ca: fixture("ca.pem") }),
    );
    expect(report.checks.find((c) => c.id === "tls")).toMatchObject({
      status: "fail",
      cause: "XKS_PROXY_INVALID_TLS_CONFIGURATION",
    });
    expect(new Set(report.checks.slice(3).map((c) => [c.status, c.evidence].join(": ")))).toEqual(
      new Set(["unknown: Not checked: the TLS check failed, so KMS could not connect."]),
    );
    expect(proxy.seen).toEqual([]);
  });
});

describe("probeXksProxy when it is done", () => {
  it("closes its kept-alive connection to the proxy", { timeout: 5_000 }, async () => {
    const sockets: Socket[] = [];
    const server = createHttpServer((req, res) => {
      req.resume().on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(HEALTHY));
    });
    // The server would keep an idle connection open for ever: only the client can close it.
    server.keepAliveTimeout = 0;
    server.on("connection", (socket: Socket) => sockets.push(socket));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const report = await probeXksProxy(options(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
    expect(report.checks.find((c) => c.id === "latency")?.status).toBe("pass");
    // The TCP check's connection, then the one the calls to the proxy shared.
    expect(sockets.length).toBeGreaterThanOrEqual(2);
    await Promise.all(
      sockets.map((s) => (s.closed ? undefined : new Promise((resolve) => s.once("close", resolve)))),
    );
    expect(sockets.every((s) => s.closed)).toBe(true);
  });
});

describe("probeXksProxy on a proxy that echoes the request's signature", () => {
  it("keeps the signature, whole or cut, out of the report", async () => {
    let signature = "";
    const proxy = await hostile((req, res) => {
      signature = /Signature=([0-9a-f]+)/.exec(req.headers.authorization ?? "")?.[1] ?? "";
      res.writeHead(500, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          errorName: "InternalException",
          errorMessage: `expected ${signature.slice(0, 20)}… of ${signature}`,
        }),
      );
    });
    const report = await probeXksProxy(options(proxy.url));
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    const health = report.checks.find((c) => c.id === "health");
    expect(health).toMatchObject({ status: "fail", cause: "XKS_EXTERNAL_KEY_MANAGER_ERROR" });
    expect(health?.evidence).toContain("[REDACTED]");
    expect(JSON.stringify(report)).not.toContain(signature.slice(0, 20));
  });
});
