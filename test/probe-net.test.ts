/**
 * The probe's network steps on their own (src/diagnostics/probe-net.ts): the bound every step runs
 * under (its timeout, the caller's signal, releasing what the step holds), name resolution and the
 * TCP connection, against loopback only.
 */
import { lookup } from "node:dns/promises";
import { getEventListeners } from "node:events";
import { readFileSync } from "node:fs";
import { type AddressInfo, createServer, type Server } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assessTls,
  bounded,
  connectTcp,
  inspectTls,
  resolveHost,
  type TlsObservation,
} from "../src/diagnostics/probe-net.js";
import { issueCertificate } from "./support/x509.js";

/** A time as the steps report it: not negative, not more than `max`, to a tenth of a millisecond. */
const expectTime = (ms: number, max: number) => {
  expect(ms).toBeGreaterThanOrEqual(0);
  expect(ms).toBeLessThanOrEqual(max);
  expect(Math.round(ms * 10) / 10).toBe(ms);
};

describe("bounded", () => {
  it("gives what the step settles with, and releases what the step holds once", async () => {
    let released = 0;
    const out = await bounded<{ ok: true; value: number }>(
      (settle) => {
        setTimeout(() => settle({ ok: true, value: 7 }), 5);
        return () => {
          released += 1;
        };
      },
      5_000,
      undefined,
    );
    expect(out).toEqual({ ok: true, value: 7 });
    expect(released).toBe(1);
  });

  it("releases a step that settled before it returned, and keeps its first answer", async () => {
    let released = 0;
    const out = await bounded<{ ok: true; value: number }>(
      (settle) => {
        settle({ ok: true, value: 1 });
        settle({ ok: true, value: 2 });
        return () => {
          released += 1;
        };
      },
      5_000,
      undefined,
    );
    expect(out).toEqual({ ok: true, value: 1 });
    expect(released).toBe(1);
  });

  it("ends a step that never settles at its timeout, saying how long it waited", async () => {
    let released = 0;
    const out = await bounded<{ ok: true }>(
      () => () => {
        released += 1;
      },
      40,
      undefined,
    );
    expect(out).toMatchObject({ ok: false, code: "TIMEOUT" });
    if (out.ok) throw new Error("unreachable");
    expect(out.ms).toBeGreaterThanOrEqual(35);
    expectTime(out.ms, 2_000);
    expect(released).toBe(1);
  });

  it("ends a step when the caller's signal aborts, and a later settle changes nothing", async () => {
    const controller = new AbortController();
    let late: ((value: { ok: true }) => void) | undefined;
    const out = bounded<{ ok: true }>(
      (settle) => {
        late = settle;
        return () => {};
      },
      5_000,
      controller.signal,
    );
    controller.abort();
    const result = await out;
    expect(result).toMatchObject({ ok: false, code: "ABORTED" });
    if (result.ok) throw new Error("unreachable");
    expectTime(result.ms, 1_000);
    late?.({ ok: true });
    expect(await out).toBe(result);
  });

  it("does not start a step whose signal is already aborted", async () => {
    let started = false;
    const out = await bounded<{ ok: true }>(
      () => {
        started = true;
        return () => {};
      },
      5_000,
      AbortSignal.abort(),
    );
    expect(out).toMatchObject({ ok: false, code: "ABORTED" });
    expect(started).toBe(false);
  });
});

describe("resolveHost", () => {
  it.each([
    ["127.0.0.1", 4],
    ["::1", 6],
  ])("takes the IP literal %s as its own address, at once", async (host, family) => {
    expect(await resolveHost(host, 1_000, undefined)).toEqual({
      ok: true,
      addresses: [{ address: host, family }],
      ms: 0,
    });
  });

  it("resolves a name with the system resolver, saying how long it took", async () => {
    const out = await resolveHost("localhost", 5_000, undefined);
    if (!out.ok) throw new Error(`localhost did not resolve: ${out.code}`);
    expect(out.addresses.map((a) => a.address)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(127\.0\.0\.1|::1)$/)]),
    );
    expectTime(out.ms, 5_000);
  });

  it("gives the resolver's error code for a name that does not exist", async () => {
    const out = await resolveHost("no-such-host.invalid", 5_000, undefined);
    expect(out.ok).toBe(false);
    if (out.ok) throw new Error("unreachable");
    expect(out.code).toMatch(/^E[A-Z_]+$/);
    expect(out.code).not.toBe("TIMEOUT");
    expectTime(out.ms, 5_000);
  });
});

describe("connectTcp", () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("opens a connection to a listening port, saying how long it took", async () => {
    const out = await connectTcp("127.0.0.1", port, 5_000, undefined);
    expect(out.ok).toBe(true);
    expectTime(out.ms, 5_000);
  });

  it("gives the socket's error code for a port where nothing listens", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const free = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const out = await connectTcp("127.0.0.1", free, 5_000, undefined);
    expect(out).toMatchObject({ ok: false, code: "ECONNREFUSED" });
    expectTime(out.ms, 5_000);
  });
});

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const day = 24 * 60 * 60 * 1000;
/** A handshake that passes every TLS check at `NOW`. */
const good: TlsObservation = {
  ok: true,
  ms: 3.2,
  protocol: "TLSv1.3",
  cipher: "TLS_AES_256_GCM_SHA384",
  authorized: true,
  authorizationError: undefined,
  subject: "CN=xks.example.com",
  issuer: "CN=Example CA",
  subjectAltName: "DNS:xks.example.com",
  validFrom: new Date(NOW - 10 * day),
  validTo: new Date(NOW + 90 * day),
  nameError: undefined,
};

describe("assessTls", () => {
  const HEAD = "TLSv1.3 (TLS_AES_256_GCM_SHA384), certificate CN=xks.example.com issued by CN=Example CA";
  const assess = (changes: Partial<TlsObservation>, now = NOW) =>
    assessTls({ ...good, ...changes }, "xks.example.com", now);

  it.each<[string, Partial<TlsObservation>, boolean, string]>([
    [
      "a compliant certificate",
      {},
      true,
      `${HEAD}; valid until 2027-03-07 (90 days); chain trusted; name matches xks.example.com.`,
    ],
    [
      "TLS 1.2",
      { protocol: "TLSv1.2", cipher: undefined },
      true,
      "TLSv1.2, certificate CN=xks.example.com issued by CN=Example CA; valid until 2027-03-07 (90 days); chain trusted; name matches xks.example.com.",
    ],
    [
      "TLS 1.1",
      { protocol: "TLSv1.1" },
      false,
      "TLSv1.1 (TLS_AES_256_GCM_SHA384), certificate CN=xks.example.com issued by CN=Example CA: TLSv1.1 is older than TLS 1.2; valid until 2027-03-07 (90 days).",
    ],
    [
      "no protocol",
      { protocol: null },
      false,
      "unknown protocol (TLS_AES_256_GCM_SHA384), certificate CN=xks.example.com issued by CN=Example CA: unknown protocol is older than TLS 1.2; valid until 2027-03-07 (90 days).",
    ],
    [
      "a certificate that expires within 30 days",
      { validTo: new Date(NOW + 29 * day + 1000) },
      true,
      `${HEAD}; valid until 2027-01-05 (29 days); warning: it expires in 29 days, renew it now; chain trusted; name matches xks.example.com.`,
    ],
    [
      "a certificate with 30 days left",
      { validTo: new Date(NOW + 30 * day + 1000) },
      true,
      `${HEAD}; valid until 2027-01-06 (30 days); chain trusted; name matches xks.example.com.`,
    ],
    [
      "an expired certificate, by its date",
      { validTo: new Date(NOW - 3 * day), authorized: false, authorizationError: "CERT_HAS_EXPIRED" },
      false,
      `${HEAD}: the certificate expired on 2026-12-04 (3 days ago).`,
    ],
    [
      "a certificate that expires this very millisecond (still valid)",
      { validTo: new Date(NOW) },
      true,
      `${HEAD}; valid until 2026-12-07 (0 days); warning: it expires in 0 days, renew it now; chain trusted; name matches xks.example.com.`,
    ],
    [
      "an expired certificate Node reports without dates",
      { validTo: undefined, validFrom: undefined, authorized: false, authorizationError: "CERT_HAS_EXPIRED" },
      false,
      `${HEAD}: the certificate expired on an unknown date.`,
    ],
    [
      "a certificate not yet valid",
      { validFrom: new Date(NOW + 2 * day) },
      false,
      `${HEAD}: the certificate is not valid before 2026-12-09; valid until 2027-03-07 (90 days).`,
    ],
    [
      "a certificate valid from this very millisecond",
      { validFrom: new Date(NOW) },
      true,
      `${HEAD}; valid until 2027-03-07 (90 days); chain trusted; name matches xks.example.com.`,
    ],
    [
      "an untrusted chain",
      { authorized: false, authorizationError: "SELF_SIGNED_CERT_IN_CHAIN" },
      false,
      `${HEAD}: the certificate chain is not trusted (SELF_SIGNED_CERT_IN_CHAIN); valid until 2027-03-07 (90 days).`,
    ],
    [
      "an untrusted chain without a reason",
      { authorized: false },
      false,
      `${HEAD}: the certificate chain is not trusted (unverified); valid until 2027-03-07 (90 days).`,
    ],
    [
      "another host's certificate",
      { nameError: "ERR_TLS_CERT_ALTNAME_INVALID", subjectAltName: "DNS:other.example.com" },
      false,
      `${HEAD}: the certificate does not name xks.example.com (it names DNS:other.example.com); valid until 2027-03-07 (90 days).`,
    ],
    [
      "another host's certificate without alternative names",
      { nameError: "ERR_TLS_CERT_ALTNAME_INVALID", subjectAltName: undefined },
      false,
      `${HEAD}: the certificate does not name xks.example.com (it names CN=xks.example.com); valid until 2027-03-07 (90 days).`,
    ],
    [
      "a certificate without names or dates",
      {
        nameError: "ERR_TLS_CERT_ALTNAME_INVALID",
        subjectAltName: undefined,
        subject: undefined,
        issuer: undefined,
        validTo: undefined,
        validFrom: undefined,
      },
      false,
      "TLSv1.3 (TLS_AES_256_GCM_SHA384), certificate (no subject CN) issued by (no issuer CN): the certificate does not name xks.example.com (it names nothing).",
    ],
  ])("%s", (_name, changes, pass, evidence) => {
    expect(assess(changes)).toEqual({ pass, evidence });
  });
});

describe("bounded, once settled", () => {
  it("releases what the step holds once, however often the step settles after returning", async () => {
    let released = 0;
    let settleAgain: ((value: { ok: true; value: number }) => void) | undefined;
    const out = await bounded<{ ok: true; value: number }>(
      (settle) => {
        settleAgain = settle;
        setTimeout(() => settle({ ok: true, value: 1 }), 1);
        return () => {
          released += 1;
        };
      },
      5_000,
      undefined,
    );
    settleAgain?.({ ok: true, value: 2 });
    settleAgain?.({ ok: true, value: 3 });
    expect(out).toEqual({ ok: true, value: 1 });
    expect(released).toBe(1);
  });

  it("stops listening to the caller's signal, which outlives the step", async () => {
    const controller = new AbortController();
    const during: number[] = [];
    await bounded<{ ok: true }>(
      (settle) => {
        during.push(getEventListeners(controller.signal, "abort").length);
        setTimeout(() => settle({ ok: true }), 1);
        return () => {};
      },
      5_000,
      controller.signal,
    );
    expect(during).toEqual([1]);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});

describe("resolveHost, on a name that does not resolve", () => {
  it("gives exactly the code the system resolver failed with", async () => {
    const name = "no-such-host.invalid";
    const expected = await lookup(name, { all: true }).then(
      () => undefined,
      (error: NodeJS.ErrnoException) => error.code,
    );
    expect(expected).toMatch(/^E[A-Z_]+$/);
    const out = await resolveHost(name, 5_000, undefined);
    expect(out).toMatchObject({ ok: false, code: expected });
  });
});

describe("inspectTls", () => {
  const fixture = (name: string): string =>
    readFileSync(new URL(`./fixtures/xks-proxy/${name}`, import.meta.url), "utf8");
  const ca = fixture("ca.pem");
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  });

  /** A loopback TLS server with a fixture's certificate; `names` gets the server name each client sent. */
  const tlsServer = async (pair: string) => {
    const names: (string | undefined)[] = [];
    const server = createTlsServer({
      key: fixture(`${pair}-key.pem`),
      cert: fixture(`${pair}.pem`),
      SNICallback: (servername, callback) => {
        names.push(servername);
        callback(null);
      },
    });
    server.on("secureConnection", (socket) => socket.end());
    server.on("tlsClientError", () => {});
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { port: (server.address() as AddressInfo).port, names };
  };

  /** Runs inspectTls, and measures (around it) how long it could have taken at most. */
  const inspect = async (port: number, hostname: string, timeoutMs = 5_000) => {
    const before = performance.now();
    const out = await inspectTls({ address: "127.0.0.1", port, hostname, ca, timeoutMs, signal: undefined });
    return { out, wall: performance.now() - before };
  };

  it("names the host to the server (SNI), and reports a trusted certificate that names it", async () => {
    const { port, names } = await tlsServer("localhost");
    const { out, wall } = await inspect(port, "localhost");
    expect(names).toEqual(["localhost"]);
    if (!out.ok) throw new Error(`handshake failed: ${out.code}`);
    expect(out).toMatchObject({
      protocol: expect.stringMatching(/^TLSv1\.[23]$/),
      authorized: true,
      authorizationError: undefined,
      subject: "CN=localhost",
      issuer: "CN=kms-keystore-errors test CA",
      nameError: undefined,
    });
    expect(out.subjectAltName).toContain("DNS:localhost");
    expect(out.validTo?.getTime()).toBeGreaterThan(Date.now());
    expectTime(out.ms, wall + 0.1);
  });

  it("sends no server name for an IP address endpoint", async () => {
    const { port, names } = await tlsServer("localhost");
    const { out } = await inspect(port, "127.0.0.1");
    expect(out).toMatchObject({ ok: true, authorized: true, authorizationError: undefined });
    expect(names).toEqual([]);
  });

  it("gives the name check's error code for a certificate of another host", async () => {
    const { port } = await tlsServer("wrong-name");
    const { out } = await inspect(port, "localhost");
    expect(out).toMatchObject({ ok: true, nameError: "ERR_TLS_CERT_ALTNAME_INVALID" });
  });

  it("names no subject CN when the certificate has none, and every CN when it has several", async () => {
    const issuer = issueCertificate({ commonName: "Probe test CA", ca: true });
    const subjects: (string | undefined)[] = [];
    for (const subjectCommonNames of [[], ["a.example", "b.example"]]) {
      const leaf = issueCertificate({
        commonName: "localhost",
        subjectCommonNames,
        dnsNames: ["localhost"],
        issuer,
      });
      const server = createTlsServer({ key: leaf.key, cert: leaf.cert }, (socket) => socket.end());
      server.on("tlsClientError", () => {});
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const out = await inspectTls({
        address: "127.0.0.1",
        port: (server.address() as AddressInfo).port,
        hostname: "localhost",
        ca: issuer.cert,
        timeoutMs: 5_000,
        signal: undefined,
      });
      if (!out.ok) throw new Error(`handshake failed: ${out.code}`);
      expect(out).toMatchObject({
        issuer: "CN=Probe test CA",
        subjectAltName: "DNS:localhost",
        nameError: undefined,
      });
      subjects.push(out.subject);
    }
    expect(subjects).toEqual([undefined, "CN=a.example,b.example"]);
  });

  it("gives the socket's error code, at once, when the server drops the connection", async () => {
    const dropping = createServer((socket) => socket.destroy());
    servers.push(dropping);
    await new Promise<void>((resolve) => dropping.listen(0, "127.0.0.1", resolve));
    const { out, wall } = await inspect((dropping.address() as AddressInfo).port, "localhost", 10_000);
    expect(out).toMatchObject({ ok: false, code: "ECONNRESET" });
    expectTime(out.ms, wall + 0.1);
  });
});

describe("assessTls, on more than one finding", () => {
  const base: TlsObservation = { ...good, ms: 1, cipher: undefined };
  const HEAD = "TLSv1.3, certificate CN=xks.example.com issued by CN=Example CA";

  it("fails a certificate past its end date even when the handshake did not say it expired", () => {
    expect(assessTls({ ...base, validTo: new Date(NOW - 2 * day) }, "xks.example.com", NOW)).toEqual({
      pass: false,
      evidence: `${HEAD}: the certificate expired on 2026-12-05 (2 days ago).`,
    });
  });

  it("lists every problem and every note, each apart", () => {
    const tls = {
      ...base,
      protocol: "TLSv1.1",
      authorized: false,
      authorizationError: "SELF_SIGNED_CERT_IN_CHAIN",
      validTo: new Date(NOW + 5 * day + 1000),
    };
    expect(assessTls(tls, "xks.example.com", NOW)).toEqual({
      pass: false,
      evidence:
        "TLSv1.1, certificate CN=xks.example.com issued by CN=Example CA: TLSv1.1 is older than TLS 1.2; " +
        "the certificate chain is not trusted (SELF_SIGNED_CERT_IN_CHAIN); valid until 2026-12-12 (5 days); " +
        "warning: it expires in 5 days, renew it now.",
    });
  });
});
