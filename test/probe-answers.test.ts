/**
 * What each check of `probeXksProxy` says about the proxy's answers, against a hostile loopback
 * proxy over plain HTTP (the `tls` check fails; the others run): health and latency figures, the
 * checks a failed call leaves unknown and why, and where an abort stops the probe.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import {
  type ProbeCheck,
  type ProbeReport,
  type ProbeXksProxyOptions,
  probeXksProxy,
} from "../src/diagnostics/index.js";
import { closeHostileServers, hostile } from "./support/hostile.js";

const credential = {
  accessKeyId: "AKIAANSWERSACCESSKEY",
  secretAccessKey: "SECRET-MARKER-answers-9c2f5a8d1b4e7c0f3a6d9b2e5c8f1a4d7b0e3c6f",
};
const HEALTHY = {
  xksProxyFleetSize: 1,
  ekmFleetDetails: [{ id: "ekm-1", model: "m", healthStatus: "ACTIVE" }],
};
const KEY = { keySpec: "AES_256", keyUsage: ["ENCRYPT", "DECRYPT"], keyStatus: "ENABLED" };

afterEach(closeHostileServers);

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { "content-type": "application/json" }).end(body === "" ? "" : JSON.stringify(body));

/** Probes a hostile HTTP proxy whose handler gets each request with its number (from 1). */
const probeWith = async (
  handler: (req: IncomingMessage, res: ServerResponse, n: number) => void,
  more: Partial<ProbeXksProxyOptions> = {},
) => {
  let n = 0;
  const server = await hostile((req, res) => {
    n += 1;
    handler(req, res, n);
  });
  const report = await probeXksProxy({
    uriEndpoint: server.url,
    uriPath: "/kms/xks/v1",
    credential,
    region: "eu-west-1",
    samples: 3,
    timeoutMs: 2_000,
    ...more,
  });
  return { report, server };
};

const check = (report: ProbeReport, id: string): ProbeCheck => {
  const found = report.checks.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no check ${id}`);
  return found;
};

describe("probeXksProxy on a healthy proxy", () => {
  it("describes the health answer as given, accepts the credential, and times the calls on one connection", async () => {
    const { report, server } = await probeWith((_req, res) => json(res, 200, HEALTHY));
    expect(check(report, "health")).toMatchObject({
      status: "pass",
      evidence: "proxy fleet of 1; key managers: ekm-1 ACTIVE.",
    });
    expect(check(report, "authentication").evidence).toMatch(/: accepted \(HTTP 200 in \d+ ms\)\.$/);
    expect(check(report, "uri-path").evidence).toMatch(/reached the XKS API: HTTP 200 in \d+ ms\.$/);
    expect(check(report, "latency").status).toBe("pass");
    const latency = check(report, "latency").evidence;
    expect(latency).toMatch(
      /^p50 \d+ ms, p99 \d+ ms, max \d+ ms over 3 GetHealthStatus call\(s\) on a reused connection \(KMS waits 250 ms\)(; warning: above the 200 ms XksProxyLatency alarm threshold)?\.$/,
    );
    // A warning only above the alarm threshold (a loaded machine may be that slow even on loopback).
    const p99 = Number(/p99 (\d+) ms/.exec(latency)?.[1]);
    if (latency.includes("warning")) expect(p99).toBeGreaterThanOrEqual(200);
    else expect(p99).toBeLessThanOrEqual(200);
    // The TCP check's connection, then one kept alive for the first call and the 3 samples.
    expect(server.connections()).toBe(2);
  });

  it("names the proxy's vendor and model", async () => {
    const body = { ...HEALTHY, xksProxyVendor: "Acme", xksProxyModel: "X1" };
    const { report } = await probeWith((_req, res) => json(res, 200, body));
    expect(check(report, "health").evidence).toBe("proxy fleet of 1 (Acme X1); key managers: ekm-1 ACTIVE.");
  });

  it("takes p99 and max from the slowest sample, whichever it was", async () => {
    const { report } = await probeWith((_req, res, n) =>
      setTimeout(() => json(res, 200, HEALTHY), n === 2 ? 150 : 0),
    );
    const figures = /^p50 (\d+) ms, p99 (\d+) ms, max (\d+) ms over 3 /.exec(
      check(report, "latency").evidence,
    );
    expect(figures).not.toBeNull();
    const [p50, p99, max] = (figures ?? []).slice(1).map(Number);
    expect(p99).toBeGreaterThanOrEqual(150);
    expect(max).toBe(p99);
    expect(p50).toBeLessThanOrEqual(p99 ?? 0);
  });
});

describe("probeXksProxy when a latency sample gets no answer", () => {
  it("counts it at the timeout: the median is the answered sample, the top the timeout", async () => {
    const { report } = await probeWith(
      (_req, res, n) => {
        if (n !== 3) json(res, 200, HEALTHY);
      },
      { timeoutMs: 300 },
    );
    const latency = check(report, "latency");
    expect(latency.status).toBe("fail");
    const figures =
      /^A call gave no answer within 300 ms; p50 (\d+) ms, p99 300 ms, max 300 ms over 2 GetHealthStatus/.exec(
        latency.evidence,
      );
    expect(figures).not.toBeNull();
    // The answered sample came back before the timeout, by definition.
    expect(Number(figures?.[1])).toBeLessThan(300);
  });
});

describe("probeXksProxy when the proxy drops a key's call", () => {
  it("fails the key as not reachable, naming the socket's error", async () => {
    const { report } = await probeWith(
      (req, res) => {
        if (req.url?.endsWith("/metadata")) req.socket.destroy();
        else json(res, 200, HEALTHY);
      },
      { keyIds: ["key-1"] },
    );
    const key = check(report, "key:key-1");
    expect(key).toMatchObject({ status: "fail", cause: "XKS_PROXY_NOT_REACHABLE" });
    expect(key.evidence).toMatch(/^GetKeyMetadata key-1: the connection failed \(E[A-Z]+\) after \d+ ms\.$/);
  });
});

describe("probeXksProxy when the first GetHealthStatus fails", () => {
  it("does not judge the path by an error answer without errorName", async () => {
    const { report } = await probeWith((_req, res) => json(res, 500, ""), { keyIds: ["key-1"] });
    expect(check(report, "uri-path")).toMatchObject({ status: "unknown" });
    expect(check(report, "uri-path").evidence).toMatch(
      /HTTP 500 \(no errorName\); no XKS answer to judge the path by\.$/,
    );
    expect(check(report, "key:key-1")).toMatchObject({
      status: "unknown",
      evidence: "Not checked: GetHealthStatus did not succeed.",
    });
  });

  it("leaves latency unmeasured and the keys unchecked after an XKS error answer", async () => {
    const { report } = await probeWith((_req, res) => json(res, 500, { errorName: "InternalException" }), {
      keyIds: ["key-1"],
    });
    expect(check(report, "health").status).toBe("fail");
    expect(check(report, "latency")).toMatchObject({
      status: "unknown",
      evidence: "Not measured: GetHealthStatus did not succeed.",
    });
    expect(check(report, "key:key-1").status).toBe("unknown");
    expect(check(report, "key:key-1").evidence).toMatch(
      /^Not checked: the credential was not confirmed \(GetHealthStatus gave HTTP 500 InternalException\)\.$/,
    );
  });

  it("says the keys were not checked because the credential was rejected", async () => {
    const { report } = await probeWith(
      (_req, res) => json(res, 401, { errorName: "AuthenticationFailedException" }),
      {
        keyIds: ["key-1"],
      },
    );
    expect(check(report, "authentication").status).toBe("fail");
    expect(check(report, "key:key-1")).toMatchObject({
      status: "unknown",
      evidence: "Not checked: the proxy rejected the credential.",
    });
  });

  it("says health was not checked when the call got no answer in time", async () => {
    const { report } = await probeWith(() => {}, { keyIds: ["key-1"], timeoutMs: 100 });
    expect(check(report, "health")).toMatchObject({
      status: "unknown",
      evidence: "Not checked: GetHealthStatus gave no answer within 100 ms.",
    });
    expect(check(report, "latency").status).toBe("fail");
    expect(check(report, "key:key-1").evidence).toBe("Not checked: GetHealthStatus did not succeed.");
  });
});

describe("probeXksProxy aborted while it waits on the proxy", () => {
  it.each([
    ["a latency sample", 2, "latency"],
    ["a key's GetKeyMetadata", 5, "key:key-1"],
  ])("leaves %s unknown, as aborted", async (_name, at, id) => {
    const controller = new AbortController();
    const { report } = await probeWith(
      (req, res, n) => {
        if (n === at) {
          controller.abort();
          return;
        }
        json(res, 200, req.url?.endsWith("/metadata") ? KEY : HEALTHY);
      },
      { keyIds: ["key-1"], signal: controller.signal },
    );
    expect(check(report, id)).toMatchObject({
      status: "unknown",
      evidence: "Not run: the probe was aborted.",
    });
  });
});

describe("probeXksProxy on a host that does not resolve", () => {
  it("says so in the dns check, and why the rest were not checked", async () => {
    const report = await probeXksProxy({
      uriEndpoint: "https://xks-proxy.nonexistent.invalid",
      uriPath: "/kms/xks/v1",
      credential,
      region: "eu-west-1",
      timeoutMs: 2_000,
    });
    expect(check(report, "dns").evidence).toMatch(/^xks-proxy\.nonexistent\.invalid did not resolve: \w+\.$/);
    expect(check(report, "tcp").evidence).toBe("Not checked: xks-proxy.nonexistent.invalid did not resolve.");
  });
});
