import { readFileSync } from "node:fs";
import { type AddressInfo, createServer as createNetServer, type Socket } from "node:net";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { catalogEntry } from "../src/catalog/index.js";
import { REQUIREMENTS } from "../src/catalog/requirements.js";
import {
  type ProbeCheck,
  type ProbeReport,
  type ProbeXksProxyOptions,
  probeXksProxy,
} from "../src/diagnostics/index.js";
import { startXksProxy, type XksProxy, type XksProxyOptions } from "../src/testing/xks-proxy/index.js";
import { closeHostileServers, hostile } from "./support/hostile.js";

// ---------------------------------------------------------------------------------------------------
// Helpers

const SECRET = "SECRET-MARKER-probe-4f1c9a0b7e2d6c3a5b8e9f0a1b2c3d4e5f6a7b8c9d";
const ACCESS_KEY_ID = "AKIAMARKEDACCESSKEY7";
const credential = { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET };
const region = "eu-west-1";
const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/xks-proxy/${name}`, import.meta.url), "utf8");
const ca = fixture("ca.pem");
const tlsPair = (name: string) => ({ key: fixture(`${name}-key.pem`), cert: fixture(`${name}.pem`) });

const proxies: XksProxy[] = [];
const reports: ProbeReport[] = [];

const startProxy = async (options: Partial<XksProxyOptions> = {}): Promise<XksProxy> => {
  const proxy = await startXksProxy({
    credential,
    region,
    hostname: "localhost",
    tls: tlsPair("localhost"),
    keys: [{ id: "key-1" }],
    ...options,
  });
  proxies.push(proxy);
  return proxy;
};

/** Probes an endpoint with the test credential and CA, and keeps the report for the file's check. */
const probeAt = async (
  uriEndpoint: string,
  uriPath: string,
  overrides: Partial<ProbeXksProxyOptions> = {},
): Promise<ProbeReport> => {
  const report = await probeXksProxy({
    uriEndpoint,
    uriPath,
    credential,
    region,
    ca,
    samples: 3,
    timeoutMs: 1000,
    ...overrides,
  });
  reports.push(report);
  return report;
};

const probe = (proxy: XksProxy, overrides: Partial<ProbeXksProxyOptions> = {}): Promise<ProbeReport> =>
  probeAt(proxy.endpoint, proxy.uriPath, overrides);

const check = (report: ProbeReport, id: string): ProbeCheck => {
  const found = report.checks.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no check ${id}`);
  return found;
};

const statuses = (report: ProbeReport): Record<string, string> =>
  Object.fromEntries(report.checks.map((c) => [c.id, c.status]));

const remediationOf = (cause: Parameters<typeof catalogEntry>[0]) => {
  const entry = catalogEntry(cause);
  return entry.byKeyStoreType?.EXTERNAL_KEY_STORE ?? entry.remediation;
};

afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

afterAll(() => {
  // Every report of this file: the planted secret, and the full access key id, never appear.
  const text = JSON.stringify(reports);
  expect(reports.length).toBeGreaterThan(15);
  expect(text).not.toContain("SECRET-MARKER");
  expect(text).not.toContain(ACCESS_KEY_ID);
});

// ---------------------------------------------------------------------------------------------------

describe("probeXksProxy", () => {
  it("passes every check against a healthy HTTPS proxy", async () => {
    const proxy = await startProxy({ keys: [{ id: "key-1" }, { id: "key-2" }] });
    const report = await probe(proxy, { keyIds: ["key-1", "key-2"] });
    expect(report.checks.map((c) => c.id)).toEqual([
      "dns",
      "tcp",
      "tls",
      "uri-path",
      "authentication",
      "health",
      "latency",
      "key:key-1",
      "key:key-2",
    ]);
    expect(report.checks.filter((c) => c.status !== "pass")).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.endpoint).toBe(proxy.endpoint);
    expect(check(report, "dns").evidence).toContain("127.0.0.1");
    expect(check(report, "tcp").evidence).toContain("KMS always connects to port 443");
    expect(check(report, "tls").evidence).toMatch(
      /TLSv1\.[23].*CN=localhost.*issued by CN=kms-keystore-errors test CA.*days.*chain trusted.*name matches localhost/,
    );
    expect(check(report, "authentication").evidence).toContain("AKIA…");
    expect(check(report, "health").evidence).toContain("ekm-1 ACTIVE");
    expect(check(report, "latency").evidence).toMatch(
      /p50 \d+ ms, p99 \d+ ms, max \d+ ms over 3 GetHealthStatus/,
    );
    expect(check(report, "key:key-1").evidence).toBe(
      "keySpec AES_256, keyUsage [ENCRYPT, DECRYPT], keyStatus ENABLED.",
    );
    for (const c of report.checks) {
      expect(c).not.toHaveProperty("cause");
      expect(c).not.toHaveProperty("remediation");
      expect(c.requirement.length).toBeGreaterThan(20);
    }
    // The proxy saw KMS-shaped requests: health calls (1 + samples) and one metadata call per key.
    expect(proxy.requests("health")).toHaveLength(4);
    expect(proxy.requests("metadata").map((r) => r.kmsOperation)).toEqual(["CreateKey", "CreateKey"]);
  });

  it("reports the xks-proxy rows of REQUIREMENTS in order, key rows once per key, texts filled in", async () => {
    const proxy = await startProxy({ keys: [{ id: "key-1" }] });
    const report = await probe(proxy, { keyIds: ["key-1"] });
    const rows = REQUIREMENTS.filter((r) => r.scope === "xks-proxy");
    const expected = rows.map((r) =>
      r.id === "key"
        ? { id: "key:key-1", requirement: r.requirement.replace("<key-id>", "key-1") }
        : { id: r.id, requirement: r.requirement.replace("<budget-ms>", "250") },
    );
    expect(report.checks.map(({ id, requirement }) => ({ id, requirement }))).toEqual(expected);
    expect(check(report, "latency").requirement).toBe(
      "The proxy answers within KMS's 250 ms budget per call (p99 over the samples).",
    );
    expect(JSON.stringify(report.checks.map((c) => c.requirement))).not.toMatch(/<[a-z-]+>/);
  });

  it("fails uri-path on a wrong path, with the catalog's remediation, and leaves later checks unknown", async () => {
    const proxy = await startProxy({ uriPath: "/tenant/kms/xks/v1" });
    const report = await probe(proxy, { uriPath: "/kms/xks/v1", keyIds: ["key-1"] });
    expect(statuses(report)).toEqual({
      dns: "pass",
      tcp: "pass",
      tls: "pass",
      "uri-path": "fail",
      authentication: "unknown",
      health: "unknown",
      latency: "unknown",
      "key:key-1": "unknown",
    });
    const failed = check(report, "uri-path");
    expect(failed.cause).toBe("XKS_PROXY_INVALID_CONFIGURATION");
    expect(failed.remediation).toEqual(remediationOf("XKS_PROXY_INVALID_CONFIGURATION"));
    expect(failed.evidence).toContain("404 InvalidUriPathException");
    expect(check(report, "authentication").evidence).toContain("does not serve /kms/xks/v1");
    expect(report.ok).toBe(false);
  });

  it("fails authentication on a wrong secret", async () => {
    const proxy = await startProxy();
    const report = await probe(proxy, {
      credential: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: `${SECRET}-wrong` },
      keyIds: ["key-1"],
    });
    expect(statuses(report)).toMatchObject({
      "uri-path": "pass",
      authentication: "fail",
      health: "unknown",
      latency: "unknown",
      "key:key-1": "unknown",
    });
    expect(check(report, "authentication")).toMatchObject({
      cause: "INVALID_CREDENTIALS",
      remediation: remediationOf("INVALID_CREDENTIALS"),
    });
    expect(check(report, "authentication").evidence).toContain("401 AuthenticationFailedException");
  });

  it("fails authentication on a wrong Region", async () => {
    const proxy = await startProxy();
    const report = await probe(proxy, { region: "us-west-2" });
    expect(check(report, "authentication").status).toBe("fail");
  });

  it("fails latency when the proxy is slower than 250 ms, and passes the rest", async () => {
    const proxy = await startProxy({ latencyMs: 260 });
    const report = await probe(proxy, { samples: 2 });
    expect(check(report, "latency")).toMatchObject({ status: "fail", cause: "XKS_PROXY_TIMED_OUT" });
    expect(check(report, "latency").evidence).toMatch(/p99 \d+ ms.*over budget/);
    expect(report.checks.filter((c) => c.status !== "pass").map((c) => c.id)).toEqual(["latency"]);
  });

  it("fails latency (and leaves the rest unknown) when the proxy does not answer within timeoutMs", async () => {
    // Far more than a loopback TLS handshake takes, far less than the proxy holds its answer.
    const proxy = await startProxy({ latencyMs: 2500 });
    const report = await probe(proxy, { timeoutMs: 800 });
    expect(statuses(report)).toMatchObject({
      tls: "pass",
      "uri-path": "unknown",
      authentication: "unknown",
      health: "unknown",
      latency: "fail",
    });
    expect(check(report, "latency")).toMatchObject({ cause: "XKS_PROXY_TIMED_OUT" });
    expect(check(report, "latency").evidence).toContain("no answer within 800 ms");
  });

  it("fails health when every external key manager is UNAVAILABLE, and warns on DEGRADED", async () => {
    const proxy = await startProxy({ ekmHealth: ["UNAVAILABLE", "UNAVAILABLE"] });
    const report = await probe(proxy, { keyIds: ["key-1"] });
    expect(check(report, "health")).toMatchObject({ status: "fail", cause: "XKS_PROXY_UNHEALTHY" });
    expect(check(report, "health").evidence).toContain("ekm-1 UNAVAILABLE, ekm-2 UNAVAILABLE");
    expect(report.checks.filter((c) => c.status !== "pass").map((c) => c.id)).toEqual(["health"]);

    proxy.setEkmHealth(["ACTIVE", "DEGRADED"]);
    const degraded = await probe(proxy);
    expect(check(degraded, "health").status).toBe("pass");
    expect(check(degraded, "health").evidence).toContain("warning: 1 DEGRADED");
  });

  // An XKS error answer (with errorName) shows the path is served but not whether the credential is
  // good; an answer that is not the XKS API's (or none) settles neither.
  const XKS_ERROR = {
    uriPath: ["pass", /^POST \/kms\/xks\/v1\/health reached the XKS API: HTTP \d+ \w+Exception/],
    authentication: [
      "unknown",
      /^GetHealthStatus signed with access key id AKIA… for eu-west-1\/kms-xks-proxy: .*, before the credential could be confirmed\.$/,
    ],
  } as const;
  const NO_XKS_ANSWER = {
    uriPath: ["unknown", /^POST \/kms\/xks\/v1\/health: .*; no XKS answer to judge the path by\.$/],
    authentication: ["unknown", /^Not checked: /],
  } as const;
  it.each([
    [{ errorName: "DependencyTimeoutException" }, "XKS_PROXY_DEPENDENCY_TIMEOUT", XKS_ERROR],
    [{ errorName: "ThrottlingException" }, "XKS_PROXY_THROTTLED", XKS_ERROR],
    [{ errorName: "InternalException" }, "XKS_EXTERNAL_KEY_MANAGER_ERROR", XKS_ERROR],
    ["malformed", "XKS_PROXY_INVALID_RESPONSE", NO_XKS_ANSWER],
    ["drop", "XKS_PROXY_NOT_REACHABLE", NO_XKS_ANSWER],
  ] as const)("fails health on %j with %s", async (fault, cause, expected) => {
    const proxy = await startProxy();
    proxy.setFault("health", fault);
    const report = await probe(proxy, { keyIds: ["key-1"] });
    expect(check(report, "health")).toMatchObject({
      status: "fail",
      cause,
      remediation: remediationOf(cause),
    });
    expect(check(report, "health").evidence).toMatch(/^GetHealthStatus gave .+\.$/);
    expect(check(report, "latency").status).not.toBe("pass");
    expect(check(report, "key:key-1").status).toBe("unknown");
    expect(check(report, "uri-path").status).toBe(expected.uriPath[0]);
    expect(check(report, "uri-path").evidence).toMatch(expected.uriPath[1]);
    expect(check(report, "authentication").status).toBe(expected.authentication[0]);
    expect(check(report, "authentication").evidence).toMatch(expected.authentication[1]);
  });

  it("fails each key check on exactly its key's problem", async () => {
    const proxy = await startProxy({
      keys: [
        { id: "good" },
        { id: "disabled", status: "DISABLED" },
        { id: "rsa", spec: "RSA_2048" },
        { id: "encrypt-only", usage: ["ENCRYPT"] },
      ],
    });
    const report = await probe(proxy, { keyIds: ["good", "missing", "disabled", "rsa", "encrypt-only"] });
    const keys = report.checks.filter((c) => c.id.startsWith("key:"));
    expect(keys.map((c) => [c.id, c.status, c.cause])).toEqual([
      ["key:good", "pass", undefined],
      ["key:missing", "fail", "XKS_KEY_NOT_FOUND"],
      ["key:disabled", "fail", "XKS_KEY_DISABLED"],
      ["key:rsa", "fail", "XKS_KEY_INVALID_CONFIGURATION"],
      ["key:encrypt-only", "fail", "XKS_KEY_INVALID_CONFIGURATION"],
    ]);
    expect(check(report, "key:missing").evidence).toContain("404 KeyNotFoundException");
    expect(check(report, "key:disabled").evidence).toContain("keyStatus is not ENABLED");
    expect(check(report, "key:rsa").evidence).toContain("keySpec is not AES_256");
    expect(check(report, "key:encrypt-only").evidence).toContain("keyUsage lacks DECRYPT");
    expect(check(report, "key:rsa").remediation).toEqual(remediationOf("XKS_KEY_INVALID_CONFIGURATION"));
    expect(report.checks.filter((c) => !c.id.startsWith("key:")).every((c) => c.status === "pass")).toBe(
      true,
    );
  });

  it("fails tcp when nothing listens, and leaves every later check unknown", async () => {
    const proxy = await startProxy();
    await proxy.close();
    const report = await probe(proxy, { keyIds: ["key-1"] });
    expect(statuses(report)).toEqual({
      dns: "pass",
      tcp: "fail",
      tls: "unknown",
      "uri-path": "unknown",
      authentication: "unknown",
      health: "unknown",
      latency: "unknown",
      "key:key-1": "unknown",
    });
    expect(check(report, "tcp")).toMatchObject({ cause: "XKS_PROXY_NOT_REACHABLE" });
    expect(check(report, "tcp").evidence).toContain("ECONNREFUSED");
    expect(check(report, "tls").evidence).toContain("no TCP connection");
  });

  it("fails tls at timeoutMs when the server accepts and never answers the handshake, or stops on abort", async () => {
    const sockets: Socket[] = [];
    const mute = createNetServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => mute.listen(0, "127.0.0.1", resolve));
    const endpoint = `https://localhost:${(mute.address() as AddressInfo).port}`;
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200);
      const [timedOut, aborted] = await Promise.all([
        probeAt(endpoint, "/kms/xks/v1", { timeoutMs: 300 }),
        probeAt(endpoint, "/kms/xks/v1", { timeoutMs: 5000, signal: controller.signal }),
      ]);
      expect([
        statuses(timedOut).tcp,
        check(timedOut, "tls").status,
        check(timedOut, "tls").evidence,
      ]).toEqual(["pass", "fail", expect.stringContaining("no answer within 300 ms")]);
      expect([statuses(aborted).tcp, check(aborted, "tls").status, check(aborted, "tls").evidence]).toEqual([
        "pass",
        "unknown",
        "Not run: the probe was aborted.",
      ]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => mute.close(resolve));
    }
  });

  it("fails dns for a host with only an IPv6 address: KMS connects over IPv4", async () => {
    const report = await probeAt("http://[::1]:9", "/kms/xks/v1", { keyIds: ["key-1"] });
    expect(report.checks.map((c) => [c.id, c.status, c.evidence])).toEqual([
      ["dns", "fail", "::1 resolves only to IPv6 (::1); KMS connects over IPv4 only."],
      ...["tcp", "tls", "uri-path", "authentication", "health", "latency", "key:key-1"].map((id) => [
        id,
        "unknown",
        "Not checked: ::1 has no IPv4 address.",
      ]),
    ]);
  });

  it("passes latency between the alarm threshold and KMS's budget, with a warning", async () => {
    const proxy = await startProxy({ latencyMs: 205 });
    const report = await probe(proxy, { samples: 2 });
    const latency = check(report, "latency");
    expect(latency.status).toBe("pass");
    expect(latency.evidence).toMatch(/; warning: above the 200 ms XksProxyLatency alarm threshold\.$/);
  });

  it("fails dns for a host that does not resolve", async () => {
    const report = await probeXksProxy({
      uriEndpoint: "https://xks-proxy.nonexistent.invalid",
      uriPath: "/kms/xks/v1",
      credential,
      region,
      timeoutMs: 1500,
    });
    reports.push(report);
    expect(check(report, "dns")).toMatchObject({ status: "fail", cause: "XKS_PROXY_NOT_REACHABLE" });
    expect(report.checks.slice(1).every((c) => c.status === "unknown")).toBe(true);
    expect(report.endpoint).toBe("https://xks-proxy.nonexistent.invalid");
  });

  it.each([
    [
      "a certificate for another name",
      { tls: tlsPair("wrong-name") },
      {},
      /does not name localhost.*wrong-name\.example/,
    ],
    ["an expired certificate", { tls: tlsPair("expired") }, {}, /expired on 2021-01-01/],
    ["an untrusted CA", {}, { ca: undefined }, /chain is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/],
  ] as const)(
    "fails tls for %s, and leaves later checks unknown",
    async (_, proxyOptions, probeOptions, evidence) => {
      const proxy = await startProxy(proxyOptions);
      const report = await probe(proxy, probeOptions);
      expect(check(report, "tls")).toMatchObject({
        status: "fail",
        cause: "XKS_PROXY_INVALID_TLS_CONFIGURATION",
        remediation: remediationOf("XKS_PROXY_INVALID_TLS_CONFIGURATION"),
      });
      expect(check(report, "tls").evidence).toMatch(evidence);
      expect(report.checks.slice(3).every((c) => c.status === "unknown")).toBe(true);
    },
  );

  it("fails tls when the port does not speak TLS", async () => {
    const plain = await startProxy({ tls: undefined, hostname: "127.0.0.1" });
    const report = await probe(plain, { uriEndpoint: plain.endpoint.replace("http:", "https:") });
    expect(check(report, "tls").status).toBe("fail");
    expect(check(report, "tls").evidence).toContain("TLS handshake with 127.0.0.1 failed");
  });

  it("fails tls for a plain HTTP loopback endpoint and still runs the other checks", async () => {
    const proxy = await startProxy({ tls: undefined, hostname: "127.0.0.1" });
    const report = await probe(proxy, { keyIds: ["key-1"] });
    expect(check(report, "tls")).toMatchObject({
      status: "fail",
      cause: "XKS_PROXY_INVALID_TLS_CONFIGURATION",
    });
    expect(check(report, "tls").evidence).toContain("not HTTPS");
    expect(report.checks.filter((c) => c.status !== "pass").map((c) => c.id)).toEqual(["tls"]);
    expect(check(report, "dns").evidence).toContain("IP address");
  });

  it("redacts a secret that the proxy echoes in an error message", async () => {
    const proxy = await startProxy();
    proxy.setFault("health", {
      errorName: "InternalException",
      errorMessage: `key ${SECRET} and ${ACCESS_KEY_ID}`,
    });
    const report = await probe(proxy);
    expect(check(report, "health").evidence).toContain("[REDACTED]");
    expect(JSON.stringify(report)).not.toContain("SECRET-MARKER");
  });

  it("stops when aborted and reports the remaining checks unknown", async () => {
    // The proxy holds every answer far longer than a loopback DNS, TCP and TLS step takes, so the
    // abort lands while the first GetHealthStatus call waits.
    const proxy = await startProxy({ latencyMs: 3000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1000);
    const report = await probe(proxy, { signal: controller.signal, keyIds: ["key-1"], timeoutMs: 5000 });
    expect(statuses(report)).toMatchObject({ dns: "pass", tcp: "pass", tls: "pass", "uri-path": "unknown" });
    expect(check(report, "key:key-1").evidence).toContain("aborted");

    const already = await probe(proxy, { signal: AbortSignal.abort() });
    expect(already.checks.every((c) => c.status === "unknown")).toBe(true);
  });
});

// Answers of a hostile loopback HTTPS server: the request's number (from 1) and path decide each.
type Answer = { status: number; body: string; delayMs?: number } | "hang" | "drop";
const HEALTHY = JSON.stringify({
  xksProxyFleetSize: 1,
  ekmFleetDetails: [{ id: "ekm-1", model: "m", healthStatus: "ACTIVE" }],
});

describe("probeXksProxy on answers that change from call to call", () => {
  afterEach(closeHostileServers);
  /** The paths the server was asked for, in order (its `seen` holds the bodies). */
  let paths: string[] = [];
  let server: Awaited<ReturnType<typeof hostile>>;
  const probeScripted = async (
    answer: (n: number, path: string) => Answer,
    overrides: Partial<ProbeXksProxyOptions> = {},
  ) => {
    paths = [];
    server = await hostile((req, res) => {
      paths.push(req.url ?? "");
      const a = answer(paths.length, req.url ?? "");
      if (a === "hang") return;
      if (a === "drop") {
        req.socket.destroy();
        return;
      }
      setTimeout(
        () => res.writeHead(a.status, { "content-type": "application/json" }).end(a.body),
        a.delayMs ?? 0,
      );
    }, tlsPair("localhost"));
    return probeAt(server.url.replace("127.0.0.1", "localhost"), "/kms/xks/v1", overrides);
  };

  it("asks as KMS does, over one kept-alive connection: health with KmsHealthCheck, keys as CreateKey", async () => {
    const report = await probeScripted(
      (n) =>
        n <= 4
          ? { status: 200, body: HEALTHY }
          : {
              status: 200,
              body: JSON.stringify({
                keySpec: "AES_256",
                keyUsage: ["ENCRYPT", "DECRYPT"],
                keyStatus: "ENABLED",
              }),
            },
      { keyIds: ["key-1", "key-2"] },
    );
    expect(report.ok).toBe(true);
    expect(server.connections()).toBe(1);
    const uuid = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const requests = paths.map((path, i) => ({ path, body: JSON.parse(server.seen[i] ?? "") as unknown }));
    expect(requests).toEqual([
      ...Array.from({ length: 4 }, () => ({
        path: "/kms/xks/v1/health",
        body: { requestMetadata: { kmsRequestId: uuid, kmsOperation: "KmsHealthCheck" } },
      })),
      ...["key-1", "key-2"].map((id) => ({
        path: `/kms/xks/v1/keys/${id}/metadata`,
        body: {
          requestMetadata: { awsPrincipalArn: "AWS Internal", kmsOperation: "CreateKey", kmsRequestId: uuid },
        },
      })),
    ]);
    const ids = requests.map(
      (r) => (r.body as { requestMetadata: { kmsRequestId: string } }).requestMetadata.kmsRequestId,
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  const ekm = (healthStatus: unknown, id: unknown = "ekm-1") => ({ id, model: "m", healthStatus });
  it.each([
    ["a fleet of 0", { xksProxyFleetSize: 0, ekmFleetDetails: [ekm("ACTIVE")] }],
    ["a fleet of 1.5", { xksProxyFleetSize: 1.5, ekmFleetDetails: [ekm("ACTIVE")] }],
    ["a fleet size as text", { xksProxyFleetSize: "1", ekmFleetDetails: [ekm("ACTIVE")] }],
    ["details that are not a list", { xksProxyFleetSize: 1, ekmFleetDetails: ekm("ACTIVE") }],
    ["no details", { xksProxyFleetSize: 1, ekmFleetDetails: [] }],
    [
      "11 details",
      { xksProxyFleetSize: 1, ekmFleetDetails: Array.from({ length: 11 }, () => ekm("ACTIVE")) },
    ],
    ["a detail that is null", { xksProxyFleetSize: 1, ekmFleetDetails: [ekm("ACTIVE"), null] }],
    ["a detail that is a list", { xksProxyFleetSize: 1, ekmFleetDetails: [["ACTIVE"]] }],
    ["a state that is not text", { xksProxyFleetSize: 1, ekmFleetDetails: [ekm(1)] }],
    ["an unknown state", { xksProxyFleetSize: 1, ekmFleetDetails: [ekm("BROKEN")] }],
  ])("fails health on a 200 answer with %s", async (_name, body) => {
    const report = await probeScripted(() => ({ status: 200, body: JSON.stringify(body) }));
    expect(check(report, "health")).toMatchObject({ status: "fail", cause: "XKS_PROXY_INVALID_RESPONSE" });
    expect(check(report, "health").evidence).toBe(
      "GetHealthStatus answered 200 without a valid xksProxyFleetSize and ekmFleetDetails (1–10 × { id, healthStatus }).",
    );
  });

  it("passes health on 10 key managers, naming the proxy, each manager and the count of each warning", async () => {
    const details = [
      ekm("ACTIVE"),
      { model: "m", healthStatus: "DEGRADED" },
      ...Array.from({ length: 7 }, (_, i) => ekm("ACTIVE", `a${i}`)),
      ekm("UNAVAILABLE", "last"),
    ];
    const body = { xksProxyFleetSize: 2, xksProxyVendor: "Acme", xksProxyModel: 7, ekmFleetDetails: details };
    const report = await probeScripted(() => ({ status: 200, body: JSON.stringify(body) }));
    expect(check(report, "health").status).toBe("pass");
    expect(check(report, "health").evidence).toBe(
      `proxy fleet of 2 (Acme); key managers: ekm-1 ACTIVE, ? DEGRADED, ${Array.from({ length: 7 }, (_, i) => `a${i} ACTIVE`).join(", ")}, last UNAVAILABLE; warning: 1 DEGRADED, 1 UNAVAILABLE.`,
    );
  });

  it("judges each key on everything wrong with it, and notes a key answer slower than KMS waits", async () => {
    const metadata: Record<string, Answer> = {
      "/kms/xks/v1/keys/everything-wrong/metadata": {
        status: 200,
        body: JSON.stringify({ keySpec: "RSA_2048", keyUsage: "ENCRYPT", keyStatus: "DISABLED" }),
      },
      "/kms/xks/v1/keys/slow/metadata": {
        status: 200,
        body: JSON.stringify({
          keySpec: "AES_256",
          keyUsage: [1, "ENCRYPT", "DECRYPT"],
          keyStatus: "ENABLED",
        }),
        delayMs: 300,
      },
    };
    const report = await probeScripted((_n, path) => metadata[path] ?? { status: 200, body: HEALTHY }, {
      keyIds: ["everything-wrong", "slow"],
    });
    expect(check(report, "key:everything-wrong")).toMatchObject({ status: "fail" });
    expect(check(report, "key:everything-wrong").evidence).toBe(
      "keySpec RSA_2048, keyUsage [], keyStatus DISABLED: keySpec is not AES_256; keyUsage lacks ENCRYPT and DECRYPT; keyStatus is not ENABLED.",
    );
    expect(check(report, "key:slow").status).toBe("pass");
    expect(check(report, "key:slow").evidence).toMatch(
      /^keySpec AES_256, keyUsage \[ENCRYPT, DECRYPT\], keyStatus ENABLED; answered in \d+ ms, over KMS's 250 ms\.$/,
    );
  });

  it("passes latency but names a sample that failed with its HTTP answer", async () => {
    const failing = JSON.stringify({ errorName: "InternalException", errorMessage: "EKM unreachable" });
    const report = await probeScripted((n) =>
      n === 2 ? { status: 500, body: failing } : { status: 200, body: HEALTHY },
    );
    expect(check(report, "health").status).toBe("pass");
    expect(check(report, "latency").status).toBe("pass");
    expect(check(report, "latency").evidence).toMatch(
      /over 3 GetHealthStatus call\(s\).*; 1 call\(s\) failed: HTTP 500 InternalException: "EKM unreachable"\.$/,
    );
  });

  it("fails latency when a later sample gets no answer, and counts it at the timeout", async () => {
    const report = await probeScripted((n) => (n === 3 ? "hang" : { status: 200, body: HEALTHY }), {
      timeoutMs: 600,
    });
    expect(check(report, "health").status).toBe("pass");
    expect(check(report, "latency")).toMatchObject({ status: "fail", cause: "XKS_PROXY_TIMED_OUT" });
    expect(check(report, "latency").evidence).toMatch(
      /^A call gave no answer within 600 ms; p50 \d+ ms, p99 600 ms, max 600 ms over 2 GetHealthStatus/,
    );
  });

  it.each([
    [
      "a body that is not JSON",
      { status: 200, body: "<html>" },
      "XKS_PROXY_INVALID_RESPONSE",
      "HTTP 200 with a body that is not the XKS JSON",
    ],
    [
      "an error without a message",
      { status: 500, body: '{"errorName":"InternalException"}' },
      "XKS_EXTERNAL_KEY_MANAGER_ERROR",
      "HTTP 500 InternalException",
    ],
    ["no answer", "hang", "XKS_PROXY_TIMED_OUT", "no answer within 600 ms"],
  ] as const)("fails a key check on %s", async (_name, bad, cause, said) => {
    const report = await probeScripted((n) => (n <= 4 ? { status: 200, body: HEALTHY } : bad), {
      keyIds: ["key-1"],
      timeoutMs: 600,
    });
    expect(check(report, "latency").status).toBe("pass");
    const key = check(report, "key:key-1");
    expect(key.status).toBe("fail");
    expect(key.evidence).toBe(`GetKeyMetadata key-1: ${said}.`);
    expect(key.cause).toBe(cause);
  });

  it("fails a key check on a dropped connection as not reachable, naming what failed", async () => {
    const report = await probeScripted((n) => (n <= 4 ? { status: 200, body: HEALTHY } : "drop"), {
      keyIds: ["key-1"],
    });
    const key = check(report, "key:key-1");
    expect(key).toMatchObject({ status: "fail", cause: "XKS_PROXY_NOT_REACHABLE" });
    expect(key.evidence).toMatch(/^GetKeyMetadata key-1: the connection failed \(.+\) after \d+ ms\.$/);
  });
});

describe("probeXksProxy options", () => {
  const base: ProbeXksProxyOptions = {
    uriEndpoint: "https://xks.example.com",
    uriPath: "/kms/xks/v1",
    credential,
    region,
  };

  it.each([
    [{ uriEndpoint: "xks.example.com" }, /uriEndpoint/],
    [{ uriEndpoint: "http://xks.example.com" }, /uriEndpoint must start with https/],
    [{ uriEndpoint: "https://xks.example.com:8443" }, /uriEndpoint must not include a port/],
    [{ uriEndpoint: "https://xks.example.com/kms/xks/v1" }, /put the path in uriPath/],
    [{ uriPath: "/kms/xks/v2" }, /uriPath/],
    [{ uriPath: "/kms/xks/v1?x=1" }, /uriPath/],
    [{ uriPath: `/${"p".repeat(120)}/kms/xks/v1` }, /uriPath/],
    [{ credential: { accessKeyId: "", secretAccessKey: SECRET } }, /credential/],
    [{ credential: { accessKeyId: ACCESS_KEY_ID } as never }, /credential/],
    [{ region: "" }, /region/],
    [{ keyIds: ["ok", "not ok"] }, /keyIds\[1\]/],
    [{ samples: 0 }, /samples/],
    [{ timeoutMs: -5 }, /timeoutMs/],
    [{ signal: {} as never }, /signal/],
    [{ ca: 42 as never }, /ca must/],
    [{ uriEndpoint: 42 as never }, /^uriEndpoint must be a string such as https:\/\/xks\.example\.com\.$/],
    [{ uriEndpoint: `https://${"a".repeat(117)}.com` }, /^uriEndpoint must be at most 128 characters\.$/],
    [{ keyIds: "key-1" as never }, /^keyIds must be an array of external key ids\.$/],
    ...[0, 3_600_001, Number.NaN, "5"].map((deadlineMs) => [
      { deadlineMs: deadlineMs as never },
      /^deadlineMs must be a number of milliseconds from 1 to 3600000\.$/,
    ]),
  ] as [Partial<ProbeXksProxyOptions>, RegExp][])(
    "rejects %j with a TypeError naming the option, without the secret",
    async (overrides, message) => {
      const error = await probeXksProxy({ ...base, ...overrides }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain("SECRET-MARKER");
      expect((error as Error).message).not.toContain(ACCESS_KEY_ID);
    },
  );

  it.each([null, "https://xks.example.com", 42])(
    "rejects options that are not an object (%j)",
    async (options) => {
      const error = await probeXksProxy(options as never).catch((e: unknown) => e);
      expect(error).toEqual(new TypeError("options must be an object."));
    },
  );

  it("takes an endpoint of exactly 128 characters", async () => {
    const uriEndpoint = `https://${"a".repeat(116)}.com`;
    expect(uriEndpoint).toHaveLength(128);
    const report = await probeXksProxy({ ...base, uriEndpoint, timeoutMs: 200, deadlineMs: 3_600_000 });
    reports.push(report);
    expect(check(report, "dns").status).toBe("fail");
  });

  it("accepts http:// and a port for loopback hosts", async () => {
    const report = await probeXksProxy({ ...base, uriEndpoint: "http://127.0.0.1:9", timeoutMs: 500 });
    reports.push(report);
    expect(check(report, "tcp").status).toBe("fail");
  });
});

describe("probeXksProxy: the specification's length and character limits", () => {
  // 128 characters, every kind the key id pattern allows.
  const longestKeyId = `${"aZ09._-".repeat(18)}k.`;
  // 128 characters, every kind the URI path pattern allows.
  const longestUriPath = `/${"aZ09_-/".repeat(16)}${"p".repeat(4)}/kms/xks/v1`;

  it("probes a 128-character key id under a 128-character URI path", async () => {
    expect([longestKeyId.length, longestUriPath.length]).toEqual([128, 128]);
    const proxy = await startProxy({ uriPath: longestUriPath, keys: [{ id: longestKeyId }] });
    const report = await probe(proxy, { keyIds: [longestKeyId] });
    expect(statuses(report)).toMatchObject({ "uri-path": "pass", [`key:${longestKeyId}`]: "pass" });
    expect(proxy.requests("metadata")).toHaveLength(1);
  });

  it.each([
    [{ keyIds: [""] }, /keyIds\[0\]/],
    [{ keyIds: [`${longestKeyId}x`] }, /keyIds\[0\]/],
    [{ keyIds: ["key/1"] }, /keyIds\[0\]/],
    [{ uriPath: `/p${longestUriPath.slice(1)}` }, /uriPath/],
    [{ uriPath: "/v1.2/kms/xks/v1" }, /uriPath/],
  ] as [Partial<ProbeXksProxyOptions>, RegExp][])(
    "rejects %j with a TypeError",
    async (overrides, message) => {
      const options = { uriEndpoint: "https://xks.example.com", uriPath: "/kms/xks/v1", credential, region };
      const error = await probeXksProxy({ ...options, ...overrides }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(message);
    },
  );
});
