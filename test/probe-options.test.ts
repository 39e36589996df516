/**
 * What `probeXksProxy` accepts as options: each invalid one is refused with a TypeError naming it
 * (before any connection), and each valid form is probed, on the port KMS would use.
 */
import { createServer } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import { type ProbeXksProxyOptions, probeXksProxy } from "../src/diagnostics/index.js";

const SECRET = "SECRET-MARKER-options-0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b";
const ACCESS_KEY_ID = "AKIAOPTIONSACCESSKEY";
const base: ProbeXksProxyOptions = {
  uriEndpoint: "https://xks.example.com",
  uriPath: "/kms/xks/v1",
  credential: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET },
  region: "eu-west-1",
};

/** The error a probe with these options rejects with (none when it resolves). */
const refusal = (overrides: Record<string, unknown>) =>
  probeXksProxy({ ...base, ...overrides } as ProbeXksProxyOptions).then(
    () => undefined,
    (error: unknown) => error,
  );

describe("probeXksProxy refuses", () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      "a user name in the endpoint",
      { uriEndpoint: "https://user@xks.example.com" },
      /^uriEndpoint must be only https:\/\/ and a host name/,
    ],
    [
      "a password in the endpoint",
      { uriEndpoint: "https://:pw@xks.example.com" },
      /^uriEndpoint must be only https:\/\/ and a host name/,
    ],
    [
      "a query in the endpoint",
      { uriEndpoint: "https://xks.example.com?x=1" },
      /^uriEndpoint must be only https:\/\/ and a host name/,
    ],
    [
      "a fragment in the endpoint",
      { uriEndpoint: "https://xks.example.com#here" },
      /^uriEndpoint must be only https:\/\/ and a host name/,
    ],
    [
      "another scheme, even for a loopback host",
      { uriEndpoint: "ftp://127.0.0.1" },
      /^uriEndpoint must start with https:\/\//,
    ],
    [
      "http:// for a name that only contains localhost",
      { uriEndpoint: "http://mylocalhost:8080" },
      /^uriEndpoint must start with https:\/\//,
    ],
    [
      "http:// for a name under localhost's name",
      { uriEndpoint: "http://localhost.example.com:8080" },
      /^uriEndpoint must start with https:\/\//,
    ],
    [
      "a port for a name that only starts with localhost",
      { uriEndpoint: "https://localhost.example.com:8443" },
      /^uriEndpoint must not include a port/,
    ],
    [
      "a URI path that is not text",
      { uriPath: ["/kms/xks/v1"] },
      /^uriPath must be \[\/<prefix>\]\/kms\/xks\/v1/,
    ],
    ["a URI path without its leading slash", { uriPath: "tenant/kms/xks/v1" }, /^uriPath must be/],
    [
      "a missing credential",
      { credential: undefined },
      /^credential must be \{ accessKeyId, secretAccessKey \}/,
    ],
    ["a null credential", { credential: null }, /^credential must be/],
    [
      "an access key id that is not text",
      { credential: { accessKeyId: 42, secretAccessKey: SECRET } },
      /^credential must be/,
    ],
    [
      "an empty secret",
      { credential: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: "" } },
      /^credential must be/,
    ],
    ["a Region that is not text", { region: 42 }, /^region must be a Region name/],
    ["a Region in capitals", { region: "EU-west-1" }, /^region must be a Region name/],
    ["a Region with a trailing character", { region: "eu-west-1_" }, /^region must be a Region name/],
    ["a key id that is not text", { keyIds: [42] }, /^keyIds\[0\] must be/],
    ["101 samples", { samples: 101 }, /^samples must be an integer from 1 to 100/],
    [
      "a timeout given as text",
      { timeoutMs: "5" },
      /^timeoutMs must be a number of milliseconds from 1 to 60000/,
    ],
    ["a timeout that is not a number", { timeoutMs: Number.NaN }, /^timeoutMs must be/],
    ["a timeout of 0", { timeoutMs: 0 }, /^timeoutMs must be/],
    ["a timeout over a minute", { timeoutMs: 60_001 }, /^timeoutMs must be/],
    ["a signal that is not an AbortSignal", { signal: {} }, /^signal must be an AbortSignal\.$/],
  ])("%s, with a TypeError naming the option, without the credential", async (_name, overrides, message) => {
    const error = await refusal(overrides);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("SECRET-MARKER");
    expect((error as Error).message).not.toContain(ACCESS_KEY_ID);
  });
});

describe("probeXksProxy accepts and probes", () => {
  /** A loopback port where nothing listens: each probe below ends at its refused TCP connection. */
  let closed: number;
  beforeAll(async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closed = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const probeClosed = (overrides: Partial<ProbeXksProxyOptions>) =>
    probeXksProxy({ ...base, uriEndpoint: `http://127.0.0.1:${closed}`, timeoutMs: 500, ...overrides });

  it.each<[string, Partial<ProbeXksProxyOptions>]>([
    ["a URI path with a prefix", { uriPath: "/tenant-1/kms/xks/v1" }],
    ["100 samples", { samples: 100 }],
    ["a timeout of a minute", { timeoutMs: 60_000 }],
  ])("%s", async (_name, overrides) => {
    const report = await probeClosed(overrides);
    expect(report.uriPath).toBe(overrides.uriPath ?? "/kms/xks/v1");
    expect(report.checks.find((c) => c.id === "tcp")).toMatchObject({
      status: "fail",
      cause: "XKS_PROXY_NOT_REACHABLE",
    });
  });

  it("http:// and a port for any 127.x.y.z address", async () => {
    const report = await probeXksProxy({
      ...base,
      uriEndpoint: `http://127.1.22.33:${closed}`,
      timeoutMs: 500,
    });
    expect(report.endpoint).toBe(`http://127.1.22.33:${closed}`);
    expect(report.checks.find((c) => c.id === "dns")?.status).toBe("pass");
    expect(report.checks.find((c) => c.id === "tcp")?.evidence).toContain(`127.1.22.33:${closed}`);
  });

  it.each([
    ["https://127.0.0.1", 443, false],
    ["http://127.0.0.1", 80, true],
  ])(
    "%s on its scheme's default port %d (noted when not KMS's 443: %s)",
    async (uriEndpoint, port, noted) => {
      const report = await probeXksProxy({ ...base, uriEndpoint, timeoutMs: 200 });
      expect(report.endpoint).toBe(uriEndpoint);
      const tcp = report.checks.find((c) => c.id === "tcp")?.evidence ?? "";
      expect(tcp).toContain(`127.0.0.1:${port}`);
      expect(tcp.includes("KMS always connects to port 443")).toBe(noted);
    },
  );
});
