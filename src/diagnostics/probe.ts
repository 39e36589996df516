/**
 * The XKS proxy probe: checks, from where it runs, every requirement KMS places on an external key
 * store proxy (DNS, TCP, TLS, URI path, SigV4 credential, health, latency, external keys) and says
 * which one fails, with evidence and the catalog's remediation. Node-only.
 */
import { randomUUID } from "node:crypto";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { isIP } from "node:net";
import { type Cause, catalogEntry } from "../catalog/index.js";
import type { Remediation } from "../catalog/schema.js";
import { redact, secretsOf } from "../redact.js";
import { type CallXksProxyOptions, sendXksRequest, type XksCallOutcome } from "../xks/client.js";
import { xksErrorInfo } from "../xks/errors.js";
import { KEY_ID_PATTERN, URI_PATH_PATTERN, URI_PATH_SUFFIX, type XksOperation } from "../xks/spec.js";
import { bounded, DEFAULT_PROBE_DEADLINE_MS, MAX_DEADLINE_MS } from "./bounds.js";
import { assessTls, connectTcp, inspectTls, resolveHost, type StepFailure } from "./probe-net.js";

/**
 * Options of {@link probeXksProxy}.
 * @example
 * ```ts
 * const options: ProbeXksProxyOptions = {
 *   uriEndpoint: "https://xks.example.com",
 *   uriPath: "/kms/xks/v1",
 *   credential: { accessKeyId: process.env.XKS_ACCESS_KEY_ID ?? "", secretAccessKey: process.env.XKS_SECRET ?? "" },
 *   region: "eu-west-1",
 *   keyIds: ["key-1"],
 * };
 * ```
 * @public
 */
export interface ProbeXksProxyOptions {
  /**
   * The key store's `XksProxyUriEndpoint`: `https://` + host name, no path and no port. `http://` and
   * a port are accepted only for loopback hosts (tests); the TLS check then fails.
   */
  uriEndpoint: string;
  /** The key store's `XksProxyUriPath`: `[/<prefix>]/kms/xks/v1`, ≤ 128 characters of `[A-Za-z0-9/_-]`. */
  uriPath: string;
  /** The key store's proxy authentication credential. The secret never appears in the report. */
  credential: { accessKeyId: string; secretAccessKey: string };
  /** The key store's Region (the SigV4 scope). */
  region: string;
  /** External key ids (`XksKeyId`) to check with GetKeyMetadata. @defaultValue [] */
  keyIds?: readonly string[] | undefined;
  /** GetHealthStatus calls timed for the latency check (1–100). @defaultValue 5 */
  samples?: number | undefined;
  /** Milliseconds each network step may take before it counts as failed. @defaultValue 2000 */
  timeoutMs?: number | undefined;
  /**
   * Milliseconds the whole probe may take (1–3,600,000): past it, checks not yet finished are
   * reported `unknown`, as on abort.
   * @defaultValue 60000
   */
  deadlineMs?: number | undefined;
  /** Stops the probe: checks not yet finished are reported `unknown`. */
  signal?: AbortSignal | undefined;
  /** An extra trusted CA certificate (PEM), added to Node's roots: for tests with a private CA. */
  ca?: string | Buffer | undefined;
}

/**
 * The result of one check: `unknown` when it could not be evaluated (a prerequisite failed, or the
 * probe was aborted), never `pass` by default.
 * @example
 * ```ts
 * const failing = report.checks.filter((c) => c.status === ("fail" satisfies ProbeStatus));
 * ```
 * @public
 */
export type ProbeStatus = "pass" | "fail" | "unknown";

/**
 * The checks, in the order they run; `key:<id>` once per key id.
 * @example
 * ```ts
 * const id: ProbeCheckId = "key:key-1";
 * ```
 * @public
 */
export type ProbeCheckId =
  | "dns"
  | "tcp"
  | "tls"
  | "uri-path"
  | "authentication"
  | "health"
  | "latency"
  | `key:${string}`;

/**
 * One checked requirement.
 * @example
 * ```ts
 * const tls: ProbeCheck | undefined = report.checks.find((c) => c.id === "tls");
 * if (tls?.status === "fail") console.log(tls.evidence, tls.remediation?.steps);
 * ```
 * @public
 */
export interface ProbeCheck {
  /** Which check. */
  readonly id: ProbeCheckId;
  /** The requirement, in one sentence. */
  readonly requirement: string;
  /** `pass`, `fail`, or `unknown` (not evaluated; the evidence says why). */
  readonly status: ProbeStatus;
  /** What was observed: addresses, timings, protocol, certificate, HTTP status, error name … */
  readonly evidence: string;
  /** Milliseconds the check took. */
  readonly durationMs: number;
  /** For a failed check: the catalog cause. */
  readonly cause?: Cause;
  /** For a failed check: the catalog's remediation for an external key store. */
  readonly remediation?: Remediation;
}

/**
 * The probe's report.
 * @example
 * ```ts
 * const report: ProbeReport = await probeXksProxy(options);
 * process.exitCode = report.ok ? 0 : 1;
 * ```
 * @public
 */
export interface ProbeReport {
  /** The probed endpoint (scheme, host and port if any). */
  readonly endpoint: string;
  /** The probed URI path. */
  readonly uriPath: string;
  /** Every check, in order. */
  readonly checks: readonly ProbeCheck[];
  /** True when every check passed. */
  readonly ok: boolean;
  /** Milliseconds the whole probe took. */
  readonly durationMs: number;
}

/** KMS's per-call budget for the proxy (facts §4). */
const KMS_BUDGET_MS = 250;
/** The `XksProxyLatency` alarm threshold KMS recommends. */
const ALARM_MS = 200;

const REQUIREMENTS = {
  dns: "The endpoint's host name resolves to an IPv4 address (KMS connects to proxies over IPv4 only).",
  tcp: "The proxy accepts TCP connections on the endpoint's port (443 for KMS).",
  tls: "TLS 1.2 or later, with an unexpired certificate for the endpoint's host name issued by a trusted CA.",
  "uri-path": "The proxy serves the XKS proxy API under the URI path (not 404 InvalidUriPathException).",
  authentication: "The proxy accepts the SigV4 credential (service kms-xks-proxy, the key store's Region).",
  health:
    "GetHealthStatus answers 200 with a valid body, and at least one external key manager is not UNAVAILABLE.",
  latency: `The proxy answers within KMS's ${KMS_BUDGET_MS} ms budget per call (p99 over the samples).`,
  key: "exists in the external key manager, is AES_256, ENABLED, and allows ENCRYPT and DECRYPT.",
} as const;

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i;

interface Validated {
  readonly url: URL;
  readonly hostname: string;
  readonly endpoint: string;
  readonly port: number;
  readonly https: boolean;
  readonly uriPath: string;
  readonly credential: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly region: string;
  readonly keyIds: readonly string[];
  readonly samples: number;
  readonly timeoutMs: number;
  readonly deadlineMs: number;
  /** The caller's signal and the deadline, together. */
  readonly signal: AbortSignal;
  readonly deadline: AbortSignal;
  readonly ca: string | Buffer | undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function validate(options: ProbeXksProxyOptions): Validated {
  if (!isRecord(options)) throw new TypeError("options must be an object.");
  const { uriEndpoint, uriPath, credential, region } = options;
  if (typeof uriEndpoint !== "string")
    throw new TypeError("uriEndpoint must be a string such as https://xks.example.com.");
  let url: URL;
  try {
    url = new URL(uriEndpoint);
  } catch {
    throw new TypeError("uriEndpoint must be a URL such as https://xks.example.com.");
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const loopback = LOOPBACK.test(hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new TypeError(
      "uriEndpoint must start with https:// (http:// is accepted only for loopback hosts).",
    );
  }
  if (
    url.username !== "" ||
    url.password !== "" ||
    url.search !== "" ||
    url.hash !== "" ||
    url.pathname !== "/"
  ) {
    throw new TypeError("uriEndpoint must be only https:// and a host name: put the path in uriPath.");
  }
  if (url.port !== "" && !loopback) {
    throw new TypeError("uriEndpoint must not include a port: KMS always connects to port 443.");
  }
  if (uriEndpoint.length > 128) throw new TypeError("uriEndpoint must be at most 128 characters.");
  if (
    typeof uriPath !== "string" ||
    !URI_PATH_PATTERN.test(uriPath) ||
    !uriPath.startsWith("/") ||
    !uriPath.endsWith(URI_PATH_SUFFIX)
  ) {
    throw new TypeError(
      `uriPath must be [/<prefix>]${URI_PATH_SUFFIX}, at most 128 characters of [A-Za-z0-9/_-].`,
    );
  }
  if (
    !isRecord(credential) ||
    typeof credential.accessKeyId !== "string" ||
    credential.accessKeyId === "" ||
    typeof credential.secretAccessKey !== "string" ||
    credential.secretAccessKey === ""
  ) {
    throw new TypeError("credential must be { accessKeyId, secretAccessKey }, both non-empty strings.");
  }
  if (typeof region !== "string" || !/^[a-z0-9-]{1,64}$/.test(region)) {
    throw new TypeError("region must be a Region name such as eu-west-1.");
  }
  const keyIds = options.keyIds ?? [];
  if (!Array.isArray(keyIds)) throw new TypeError("keyIds must be an array of external key ids.");
  keyIds.forEach((id: unknown, i: number) => {
    if (typeof id !== "string" || !KEY_ID_PATTERN.test(id)) {
      throw new TypeError(`keyIds[${i}] must be 1–128 characters of [A-Za-z0-9._-].`);
    }
  });
  const samples = options.samples ?? 5;
  if (!Number.isInteger(samples) || samples < 1 || samples > 100) {
    throw new TypeError("samples must be an integer from 1 to 100.");
  }
  const timeoutMs = options.timeoutMs ?? 2000;
  if (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > 60_000) {
    throw new TypeError("timeoutMs must be a number of milliseconds from 1 to 60000.");
  }
  if (
    options.deadlineMs !== undefined &&
    (typeof options.deadlineMs !== "number" ||
      !Number.isFinite(options.deadlineMs) ||
      options.deadlineMs <= 0 ||
      options.deadlineMs > MAX_DEADLINE_MS)
  ) {
    throw new TypeError(`deadlineMs must be a number of milliseconds from 1 to ${MAX_DEADLINE_MS}.`);
  }
  const deadlineMs = options.deadlineMs ?? DEFAULT_PROBE_DEADLINE_MS;
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new TypeError("signal must be an AbortSignal.");
  }
  if (options.ca !== undefined && typeof options.ca !== "string" && !Buffer.isBuffer(options.ca)) {
    throw new TypeError("ca must be a PEM string or Buffer.");
  }
  const https = url.protocol === "https:";
  return {
    url,
    hostname,
    endpoint: `${url.protocol}//${url.host}`,
    port: url.port === "" ? (https ? 443 : 80) : Number(url.port),
    https,
    uriPath,
    credential: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey },
    region,
    keyIds: [...keyIds],
    samples,
    timeoutMs,
    deadlineMs,
    ...bounded(options.signal, deadlineMs),
    ca: options.ca,
  };
}

const remediationOf = (cause: Cause): Remediation => {
  const entry = catalogEntry(cause);
  return entry.byKeyStoreType?.EXTERNAL_KEY_STORE ?? entry.remediation;
};

const masked = (accessKeyId: string): string => `${accessKeyId.slice(0, 4)}…`;

const isFailure = (value: { readonly ok: boolean }): value is StepFailure => !value.ok;

const describeStep = (failure: StepFailure, timeoutMs: number): string =>
  failure.code === "TIMEOUT" ? `no answer within ${timeoutMs} ms` : failure.code;

/** The catalog cause for a proxy error answer (health and key calls). */
const causeOfAnswer = (outcome: XksCallOutcome & { ok: false }): Cause => {
  if (outcome.reason === "timeout") return "XKS_PROXY_TIMED_OUT";
  if (outcome.reason === "malformed" || outcome.reason === "oversized") return "XKS_PROXY_INVALID_RESPONSE";
  if (outcome.reason === "tls") return "XKS_PROXY_INVALID_TLS_CONFIGURATION";
  if (outcome.reason === "connect") return "XKS_PROXY_NOT_REACHABLE";
  return xksErrorInfo(outcome.errorName).cause;
};

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;

const fmt = (ms: number): string => `${Math.round(ms)} ms`;

/**
 * Probes an XKS proxy as KMS would reach it and checks every requirement in order: `dns`, `tcp`, `tls`,
 * `uri-path`, `authentication`, `health`, `latency`, then `key:<id>` per key id. Each check is
 * `pass`, `fail` (with the catalog's cause and remediation for an external key store) or `unknown`
 * (a prerequisite failed, or the probe was aborted: never `pass`). It never throws for a failing
 * endpoint and never hangs (every step has `timeoutMs`; `signal` stops it and leaves the remaining
 * checks `unknown`). The secret access key, and anything derived from it, never appears in the report;
 * the access key id appears only masked.
 *
 * Run it from a host that reaches the endpoint as KMS does (for VPC connectivity: from inside the VPC).
 *
 * @param options - Endpoint, URI path, credential, Region, key ids, samples, timeout, signal, extra CA.
 * @returns The report; `ok` is true when every check passed.
 * @throws TypeError when an option is invalid; the message names the option and never contains a secret.
 *
 * @example
 * ```ts
 * const report = await probeXksProxy({
 *   uriEndpoint: "https://xks.example.com",
 *   uriPath: "/kms/xks/v1",
 *   credential: { accessKeyId: process.env.XKS_ACCESS_KEY_ID ?? "", secretAccessKey: process.env.XKS_SECRET ?? "" },
 *   region: "eu-west-1",
 *   keyIds: ["key-1"],
 * });
 * for (const check of report.checks) console.log(check.status, check.id, check.evidence);
 * ```
 * @public
 */
export async function probeXksProxy(options: ProbeXksProxyOptions): Promise<ProbeReport> {
  const o = validate(options);
  const started = performance.now();
  // The credential, and every signature computed from it (a proxy may echo its Authorization header).
  let secrets = secretsOf(o.credential.secretAccessKey, o.credential.accessKeyId);
  const onSigned = (authorization: string): void => {
    const signature = /Signature=([0-9a-f]+)/i.exec(authorization)?.[1];
    secrets = secrets.with(secretsOf(authorization, signature ?? []));
  };
  const clean = (text: string, max = 300): string => redact(text, secrets, max);
  const checks: ProbeCheck[] = [];
  let stepStarted = performance.now();
  const push = (
    id: ProbeCheckId,
    requirement: string,
    status: ProbeStatus,
    evidence: string,
    cause?: Cause,
    durationMs?: number,
  ): void => {
    const ms = durationMs ?? performance.now() - stepStarted;
    checks.push({
      id,
      requirement,
      status,
      evidence: clean(evidence),
      durationMs: Math.round(ms * 10) / 10,
      ...(status === "fail" && cause !== undefined ? { cause, remediation: remediationOf(cause) } : {}),
    });
    stepStarted = performance.now();
  };
  const allIds: [ProbeCheckId, string][] = [
    ["dns", REQUIREMENTS.dns],
    ["tcp", REQUIREMENTS.tcp],
    ["tls", REQUIREMENTS.tls],
    ["uri-path", REQUIREMENTS["uri-path"]],
    ["authentication", REQUIREMENTS.authentication],
    ["health", REQUIREMENTS.health],
    ["latency", REQUIREMENTS.latency],
    ...o.keyIds.map((id): [ProbeCheckId, string] => [`key:${id}`, `External key ${id} ${REQUIREMENTS.key}`]),
  ];
  /** Marks every check not yet reported as unknown, for this reason. */
  const rest = (reason: string): void => {
    const done = new Set(checks.map((c) => c.id));
    for (const [id, requirement] of allIds)
      if (!done.has(id)) push(id, requirement, "unknown", reason, undefined, 0);
  };
  const report = (): ProbeReport => {
    if (o.signal.aborted) {
      rest(
        o.deadline.aborted && options.signal?.aborted !== true
          ? `Not run: the probe's deadline of ${o.deadlineMs} ms passed (deadlineMs).`
          : "Not run: the probe was aborted.",
      );
    }
    return {
      endpoint: o.endpoint,
      uriPath: o.uriPath,
      checks: allIds.map(([id]) => checks.find((c) => c.id === id) as ProbeCheck),
      ok: checks.every((c) => c.status === "pass"),
      durationMs: Math.round(performance.now() - started),
    };
  };
  const aborted = (): boolean => o.signal.aborted;
  if (aborted()) return report();

  // dns ------------------------------------------------------------------------------------------
  const resolved = await resolveHost(o.hostname, o.timeoutMs, o.signal);
  if (aborted()) return report();
  if (isFailure(resolved)) {
    push(
      "dns",
      REQUIREMENTS.dns,
      "fail",
      `${o.hostname} did not resolve: ${describeStep(resolved, o.timeoutMs)}.`,
      "XKS_PROXY_NOT_REACHABLE",
    );
    rest(`Not checked: ${o.hostname} did not resolve.`);
    return report();
  }
  const ipv4 = resolved.addresses.find((a) => a.family === 4);
  const listed = resolved.addresses.map((a) => a.address).join(", ");
  if (ipv4 === undefined) {
    push(
      "dns",
      REQUIREMENTS.dns,
      "fail",
      `${o.hostname} resolves only to IPv6 (${listed}); KMS connects over IPv4 only.`,
      "XKS_PROXY_NOT_REACHABLE",
    );
    rest(`Not checked: ${o.hostname} has no IPv4 address.`);
    return report();
  }
  const address = ipv4.address;
  push(
    "dns",
    REQUIREMENTS.dns,
    "pass",
    isIP(o.hostname) !== 0
      ? `${o.hostname} is an IP address (KMS requires a host name in XksProxyUriEndpoint).`
      : `${o.hostname} → ${listed} (using ${address}) in ${fmt(resolved.ms)}.`,
  );

  // tcp ------------------------------------------------------------------------------------------
  const tcp = await connectTcp(address, o.port, o.timeoutMs, o.signal);
  if (aborted()) return report();
  const portNote =
    o.port === 443
      ? ""
      : ` Note: KMS always connects to port 443; port ${o.port} is accepted here for loopback tests only.`;
  if (isFailure(tcp)) {
    push(
      "tcp",
      REQUIREMENTS.tcp,
      "fail",
      `No TCP connection to ${address}:${o.port}: ${describeStep(tcp, o.timeoutMs)}.${portNote}`,
      "XKS_PROXY_NOT_REACHABLE",
    );
    rest(`Not checked: no TCP connection to ${address}:${o.port}.`);
    return report();
  }
  push("tcp", REQUIREMENTS.tcp, "pass", `Connected to ${address}:${o.port} in ${fmt(tcp.ms)}.${portNote}`);

  // tls ------------------------------------------------------------------------------------------
  if (!o.https) {
    push(
      "tls",
      REQUIREMENTS.tls,
      "fail",
      `The endpoint is not HTTPS (${o.endpoint}): KMS requires https://. Plain HTTP is accepted only to probe loopback test proxies; the remaining checks run over HTTP.`,
      "XKS_PROXY_INVALID_TLS_CONFIGURATION",
      0,
    );
  } else {
    const tls = await inspectTls({
      address,
      port: o.port,
      hostname: o.hostname,
      ca: o.ca,
      timeoutMs: o.timeoutMs,
      signal: o.signal,
    });
    if (aborted()) return report();
    if (isFailure(tls)) {
      push(
        "tls",
        REQUIREMENTS.tls,
        "fail",
        `TLS handshake with ${o.hostname} failed: ${describeStep(tls, o.timeoutMs)}.`,
        "XKS_PROXY_INVALID_TLS_CONFIGURATION",
      );
      rest("Not checked: the TLS check failed, so KMS could not connect.");
      return report();
    }
    const judged = assessTls(tls, o.hostname, Date.now());
    push(
      "tls",
      REQUIREMENTS.tls,
      judged.pass ? "pass" : "fail",
      `Handshake in ${fmt(tls.ms)}: ${judged.evidence}`,
      "XKS_PROXY_INVALID_TLS_CONFIGURATION",
    );
    if (!judged.pass) {
      rest("Not checked: the TLS check failed, so KMS could not connect.");
      return report();
    }
  }

  // HTTP calls -----------------------------------------------------------------------------------
  const agent = o.https
    ? new HttpsAgent({ keepAlive: true, maxSockets: 1 })
    : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const baseUrl = `${o.endpoint}${o.uriPath}`;
  const call = (operation: XksOperation, keyId?: string): Promise<XksCallOutcome> => {
    const kmsRequestId = randomUUID();
    const body =
      operation === "health"
        ? { requestMetadata: { kmsRequestId, kmsOperation: "KmsHealthCheck" } }
        : { requestMetadata: { awsPrincipalArn: "AWS Internal", kmsOperation: "CreateKey", kmsRequestId } };
    const callOptions: CallXksProxyOptions = {
      url: baseUrl,
      region: o.region,
      credential: o.credential,
      operation,
      keyId,
      body,
      timeoutMs: o.timeoutMs,
      signal: o.signal,
      tls: { ca: o.ca },
    };
    return sendXksRequest(callOptions, { agent, address, onSigned });
  };
  const answer = (outcome: XksCallOutcome): string => {
    if (outcome.ok) return `HTTP ${outcome.status} in ${fmt(outcome.elapsedMs)}`;
    switch (outcome.reason) {
      case "timeout":
        return `no answer within ${o.timeoutMs} ms`;
      case "connect":
      case "tls":
        return `the connection failed (${outcome.detail ?? outcome.reason}) after ${fmt(outcome.elapsedMs)}`;
      case "malformed":
        return `HTTP ${outcome.status ?? "?"} with a body that is not the XKS JSON`;
      case "oversized":
        return `HTTP ${outcome.status ?? "?"}: ${outcome.detail ?? "the proxy answered with an oversized body"}`;
      case "http":
        return `HTTP ${outcome.status ?? "?"} ${outcome.errorName ?? "(no errorName)"}${
          outcome.errorMessage === undefined ? "" : `: "${clean(outcome.errorMessage, 160)}"`
        }`;
    }
  };

  try {
    const first = await call("health");
    if (aborted()) return report();
    const firstMs = performance.now() - stepStarted;
    const said = answer(first);
    const signer = `signed with access key id ${masked(o.credential.accessKeyId)} for ${o.region}/kms-xks-proxy`;

    // uri-path
    if (first.status === 404) {
      push(
        "uri-path",
        REQUIREMENTS["uri-path"],
        "fail",
        `POST ${o.uriPath}/health: ${said}.`,
        "XKS_PROXY_INVALID_CONFIGURATION",
        firstMs,
      );
      rest(`Not checked: the proxy does not serve ${o.uriPath}.`);
      return report();
    }
    const xksAnswer = first.ok || (first.reason === "http" && first.errorName !== undefined);
    if (!xksAnswer) {
      push(
        "uri-path",
        REQUIREMENTS["uri-path"],
        "unknown",
        `POST ${o.uriPath}/health: ${said}; no XKS answer to judge the path by.`,
        undefined,
        firstMs,
      );
      push("authentication", REQUIREMENTS.authentication, "unknown", `Not checked: ${said}.`, undefined, 0);
      if (!first.ok && first.reason === "timeout") {
        push(
          "health",
          REQUIREMENTS.health,
          "unknown",
          `Not checked: GetHealthStatus gave ${said}.`,
          undefined,
          0,
        );
        push(
          "latency",
          REQUIREMENTS.latency,
          "fail",
          `GetHealthStatus gave ${said}; KMS waits ${KMS_BUDGET_MS} ms.`,
          "XKS_PROXY_TIMED_OUT",
          0,
        );
      } else {
        const cause = first.ok ? "XKS_PROXY_UNHEALTHY" : causeOfAnswer(first);
        push("health", REQUIREMENTS.health, "fail", `GetHealthStatus gave ${said}.`, cause, 0);
      }
      rest("Not checked: GetHealthStatus did not succeed.");
      return report();
    }
    push(
      "uri-path",
      REQUIREMENTS["uri-path"],
      "pass",
      `POST ${o.uriPath}/health reached the XKS API: ${said}.`,
      undefined,
      firstMs,
    );

    // authentication
    if (!first.ok && first.status === 401) {
      push(
        "authentication",
        REQUIREMENTS.authentication,
        "fail",
        `GetHealthStatus ${signer}: ${said}.`,
        "INVALID_CREDENTIALS",
        0,
      );
      rest("Not checked: the proxy rejected the credential.");
      return report();
    }
    if (!first.ok && first.status !== 200) {
      push(
        "authentication",
        REQUIREMENTS.authentication,
        "unknown",
        `GetHealthStatus ${signer}: ${said}, before the credential could be confirmed.`,
        undefined,
        0,
      );
    } else {
      push(
        "authentication",
        REQUIREMENTS.authentication,
        "pass",
        `GetHealthStatus ${signer}: accepted (${said}).`,
        undefined,
        0,
      );
    }

    // health
    let healthy = false;
    if (!first.ok) {
      push("health", REQUIREMENTS.health, "fail", `GetHealthStatus gave ${said}.`, causeOfAnswer(first), 0);
    } else {
      const body = first.body;
      const fleet = body.xksProxyFleetSize;
      const details = body.ekmFleetDetails;
      const states = ["ACTIVE", "DEGRADED", "UNAVAILABLE"];
      const valid =
        Number.isInteger(fleet) &&
        (fleet as number) >= 1 &&
        Array.isArray(details) &&
        details.length >= 1 &&
        details.length <= 10 &&
        details.every(
          (d) => isRecord(d) && typeof d.healthStatus === "string" && states.includes(d.healthStatus),
        );
      if (!valid) {
        push(
          "health",
          REQUIREMENTS.health,
          "fail",
          `GetHealthStatus answered 200 without a valid xksProxyFleetSize and ekmFleetDetails (1–10 × { id, healthStatus }).`,
          "XKS_PROXY_INVALID_RESPONSE",
          0,
        );
      } else {
        const ekms = (details as Record<string, unknown>[]).map((d) => ({
          id: String(d.id ?? "?"),
          state: String(d.healthStatus),
        }));
        const count = (state: string): number => ekms.filter((e) => e.state === state).length;
        const vendor = [body.xksProxyVendor, body.xksProxyModel]
          .filter((v) => typeof v === "string")
          .join(" ");
        const summary = `proxy fleet of ${fleet as number}${vendor === "" ? "" : ` (${vendor})`}; key managers: ${ekms
          .map((e) => `${e.id} ${e.state}`)
          .join(", ")}`;
        if (count("UNAVAILABLE") === ekms.length) {
          push(
            "health",
            REQUIREMENTS.health,
            "fail",
            `${summary}: every external key manager is UNAVAILABLE, so KMS treats the proxy as unreachable.`,
            "XKS_PROXY_UNHEALTHY",
            0,
          );
        } else {
          healthy = true;
          const warn =
            count("DEGRADED") + count("UNAVAILABLE") > 0
              ? `; warning: ${count("DEGRADED")} DEGRADED, ${count("UNAVAILABLE")} UNAVAILABLE`
              : "";
          push("health", REQUIREMENTS.health, "pass", `${summary}${warn}.`, undefined, 0);
        }
      }
    }

    // latency
    if (!healthy && !first.ok) {
      push(
        "latency",
        REQUIREMENTS.latency,
        "unknown",
        "Not measured: GetHealthStatus did not succeed.",
        undefined,
        0,
      );
    } else {
      const times: number[] = [];
      const failures: string[] = [];
      let timedOut = false;
      for (let i = 0; i < o.samples; i++) {
        const sample = await call("health");
        if (aborted()) return report();
        if (!sample.ok && sample.reason === "timeout") {
          timedOut = true;
          times.push(o.timeoutMs);
          break;
        }
        times.push(sample.elapsedMs);
        if (!sample.ok) failures.push(answer(sample));
      }
      const sorted = [...times].sort((a, b) => a - b);
      const p50 = percentile(sorted, 50);
      const p99 = percentile(sorted, 99);
      const figures = `p50 ${fmt(p50)}, p99 ${fmt(p99)}, max ${fmt(sorted[sorted.length - 1] ?? 0)} over ${times.length} GetHealthStatus call(s) on a reused connection (KMS waits ${KMS_BUDGET_MS} ms)`;
      const failed = failures.length === 0 ? "" : `; ${failures.length} call(s) failed: ${failures[0]}`;
      if (timedOut) {
        push(
          "latency",
          REQUIREMENTS.latency,
          "fail",
          `A call gave no answer within ${o.timeoutMs} ms; ${figures}${failed}.`,
          "XKS_PROXY_TIMED_OUT",
        );
      } else if (p99 > KMS_BUDGET_MS) {
        push(
          "latency",
          REQUIREMENTS.latency,
          "fail",
          `${figures}: over budget${failed}.`,
          "XKS_PROXY_TIMED_OUT",
        );
      } else {
        const warn =
          p99 > ALARM_MS ? `; warning: above the ${ALARM_MS} ms XksProxyLatency alarm threshold` : "";
        push("latency", REQUIREMENTS.latency, "pass", `${figures}${warn}${failed}.`);
      }
    }

    // keys
    if (!first.ok) {
      rest(`Not checked: the credential was not confirmed (GetHealthStatus gave ${said}).`);
      return report();
    }
    for (const keyId of o.keyIds) {
      const id: ProbeCheckId = `key:${keyId}`;
      const requirement = `External key ${keyId} ${REQUIREMENTS.key}`;
      const outcome = await call("metadata", keyId);
      if (aborted()) return report();
      const said = answer(outcome);
      if (!outcome.ok) {
        push(id, requirement, "fail", `GetKeyMetadata ${keyId}: ${said}.`, causeOfAnswer(outcome));
        continue;
      }
      const { keySpec, keyUsage, keyStatus } = outcome.body;
      const usage = Array.isArray(keyUsage) ? keyUsage.filter((u): u is string => typeof u === "string") : [];
      const seen = `keySpec ${String(keySpec)}, keyUsage [${usage.join(", ")}], keyStatus ${String(keyStatus)}`;
      const configProblems: string[] = [];
      if (keySpec !== "AES_256") configProblems.push("keySpec is not AES_256");
      const missing = ["ENCRYPT", "DECRYPT"].filter((u) => !usage.includes(u));
      if (missing.length > 0) configProblems.push(`keyUsage lacks ${missing.join(" and ")}`);
      const disabled = keyStatus !== "ENABLED";
      const slow =
        outcome.elapsedMs > KMS_BUDGET_MS
          ? `; answered in ${fmt(outcome.elapsedMs)}, over KMS's ${KMS_BUDGET_MS} ms`
          : "";
      if (configProblems.length > 0) {
        push(
          id,
          requirement,
          "fail",
          `${seen}: ${[...configProblems, ...(disabled ? ["keyStatus is not ENABLED"] : [])].join("; ")}${slow}.`,
          "XKS_KEY_INVALID_CONFIGURATION",
        );
      } else if (disabled) {
        push(id, requirement, "fail", `${seen}: keyStatus is not ENABLED${slow}.`, "XKS_KEY_DISABLED");
      } else {
        push(id, requirement, "pass", `${seen}${slow}.`);
      }
    }
    return report();
  } catch (error) {
    // Not expected: every step resolves. A bug must not turn into a throw for a failing endpoint.
    const name = error instanceof Error ? error.name : typeof error;
    rest(`Not checked: the probe failed unexpectedly (${name}).`);
    return report();
  } finally {
    agent.destroy();
  }
}
