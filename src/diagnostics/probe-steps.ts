/**
 * The steps of the XKS proxy probe, one function per requirement (`dns`, `tcp`, `tls`, `uri-path`,
 * `authentication`, `health`, `latency`, `key:<id>`). Each records its check on the run and says
 * whether the probe goes on; a step that stops the probe marks the checks after it `unknown` (or
 * leaves that to the report when the run was aborted). Node-only.
 * @internal
 */
import { randomUUID } from "node:crypto";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { isIP } from "node:net";
import type { Cause } from "../catalog/index.js";
import { type CallXksProxyOptions, sendXksRequest, type XksCallOutcome } from "../xks/client.js";
import { xksErrorInfo } from "../xks/errors.js";
import type { XksOperation } from "../xks/spec.js";
import { assessTls, connectTcp, inspectTls, resolveHost, type StepFailure } from "./probe-net.js";
import { KMS_BUDGET_MS, type ProbeRun } from "./probe-run.js";

/** The `XksProxyLatency` alarm threshold KMS recommends. */
const ALARM_MS = 200;

const isFailure = (value: { readonly ok: boolean }): value is StepFailure => !value.ok;

const describeStep = (failure: StepFailure, timeoutMs: number): string =>
  failure.code === "TIMEOUT" ? `no answer within ${timeoutMs} ms` : failure.code;

/**
 * Whether a value is a plain object (not null, not an array).
 * @param value - The value.
 * @returns True for an object.
 * @internal
 */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const masked = (accessKeyId: string): string => `${accessKeyId.slice(0, 4)}…`;

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;

const fmt = (ms: number): string => `${Math.round(ms)} ms`;

/** The catalog cause for a proxy error answer (health and key calls). */
const causeOfAnswer = (outcome: XksCallOutcome & { ok: false }): Cause => {
  if (outcome.reason === "timeout") return "XKS_PROXY_TIMED_OUT";
  // A malformed or oversized answer has no errorName: xksErrorInfo gives XKS_PROXY_INVALID_RESPONSE.
  if (outcome.reason === "tls") return "XKS_PROXY_INVALID_TLS_CONFIGURATION";
  if (outcome.reason === "connect") return "XKS_PROXY_NOT_REACHABLE";
  return xksErrorInfo(outcome.errorName).cause;
};

/**
 * `dns`: the host name resolves to an IPv4 address.
 * @param run - The probe run.
 * @returns The IPv4 address to connect to; undefined when the probe stops.
 * @internal
 */
export async function dnsStep(run: ProbeRun): Promise<string | undefined> {
  const o = run.o;
  const resolved = await resolveHost(o.hostname, o.timeoutMs, o.signal);
  if (run.aborted) return undefined;
  if (isFailure(resolved)) {
    run.record("dns", "fail", `${o.hostname} did not resolve: ${describeStep(resolved, o.timeoutMs)}.`);
    run.rest(`Not checked: ${o.hostname} did not resolve.`);
    return undefined;
  }
  const ipv4 = resolved.addresses.find((a) => a.family === 4);
  const listed = resolved.addresses.map((a) => a.address).join(", ");
  if (ipv4 === undefined) {
    run.record(
      "dns",
      "fail",
      `${o.hostname} resolves only to IPv6 (${listed}); KMS connects over IPv4 only.`,
    );
    run.rest(`Not checked: ${o.hostname} has no IPv4 address.`);
    return undefined;
  }
  run.record(
    "dns",
    "pass",
    isIP(o.hostname) !== 0
      ? `${o.hostname} is an IP address (KMS requires a host name in XksProxyUriEndpoint).`
      : `${o.hostname} → ${listed} (using ${ipv4.address}) in ${fmt(resolved.ms)}.`,
  );
  return ipv4.address;
}

/**
 * `tcp`: the proxy accepts a TCP connection on the endpoint's port.
 * @param run - The probe run.
 * @param address - The address `dns` chose.
 * @returns Whether the probe goes on.
 * @internal
 */
export async function tcpStep(run: ProbeRun, address: string): Promise<boolean> {
  const o = run.o;
  const tcp = await connectTcp(address, o.port, o.timeoutMs, o.signal);
  if (run.aborted) return false;
  const portNote =
    o.port === 443
      ? ""
      : ` Note: KMS always connects to port 443; port ${o.port} is accepted here for loopback tests only.`;
  if (isFailure(tcp)) {
    run.record(
      "tcp",
      "fail",
      `No TCP connection to ${address}:${o.port}: ${describeStep(tcp, o.timeoutMs)}.${portNote}`,
    );
    run.rest(`Not checked: no TCP connection to ${address}:${o.port}.`);
    return false;
  }
  run.record("tcp", "pass", `Connected to ${address}:${o.port} in ${fmt(tcp.ms)}.${portNote}`);
  return true;
}

/**
 * `tls`: TLS 1.2 or later with a trusted, unexpired certificate naming the host. A plain-HTTP
 * (loopback) endpoint fails it, and the probe goes on over HTTP.
 * @param run - The probe run.
 * @param address - The address `dns` chose.
 * @returns Whether the probe goes on.
 * @internal
 */
export async function tlsStep(run: ProbeRun, address: string): Promise<boolean> {
  const o = run.o;
  if (!o.https) {
    run.record(
      "tls",
      "fail",
      `The endpoint is not HTTPS (${o.endpoint}): KMS requires https://. Plain HTTP is accepted only to probe loopback test proxies; the remaining checks run over HTTP.`,
      undefined,
      0,
    );
    return true;
  }
  const tls = await inspectTls({
    address,
    port: o.port,
    hostname: o.hostname,
    ca: o.ca,
    timeoutMs: o.timeoutMs,
    signal: o.signal,
  });
  if (run.aborted) return false;
  if (isFailure(tls)) {
    run.record("tls", "fail", `TLS handshake with ${o.hostname} failed: ${describeStep(tls, o.timeoutMs)}.`);
    run.rest("Not checked: the TLS check failed, so KMS could not connect.");
    return false;
  }
  const judged = assessTls(tls, o.hostname, Date.now());
  run.record("tls", judged.pass ? "pass" : "fail", `Handshake in ${fmt(tls.ms)}: ${judged.evidence}`);
  if (!judged.pass) run.rest("Not checked: the TLS check failed, so KMS could not connect.");
  return judged.pass;
}

/**
 * Calls the proxy as KMS does (SigV4, one kept-alive connection to the address `dns` chose), and
 * describes its answers.
 * @internal
 */
export class ProxyCaller {
  readonly #run: ProbeRun;
  readonly #address: string;
  readonly #agent: HttpAgent;

  /**
   * @param run - The probe run.
   * @param address - The address `dns` chose.
   */
  constructor(run: ProbeRun, address: string) {
    this.#run = run;
    this.#address = address;
    this.#agent = run.o.https
      ? new HttpsAgent({ keepAlive: true, maxSockets: 1 })
      : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  }

  /**
   * Sends one XKS request.
   * @param operation - `health` or `metadata`.
   * @param keyId - The external key, for `metadata`.
   * @returns The outcome; never rejects.
   */
  call(operation: XksOperation, keyId?: string): Promise<XksCallOutcome> {
    const o = this.#run.o;
    const kmsRequestId = randomUUID();
    const body =
      operation === "health"
        ? { requestMetadata: { kmsRequestId, kmsOperation: "KmsHealthCheck" } }
        : { requestMetadata: { awsPrincipalArn: "AWS Internal", kmsOperation: "CreateKey", kmsRequestId } };
    const callOptions: CallXksProxyOptions = {
      url: `${o.endpoint}${o.uriPath}`,
      region: o.region,
      credential: o.credential,
      operation,
      keyId,
      body,
      timeoutMs: o.timeoutMs,
      signal: o.signal,
      tls: { ca: o.ca },
    };
    return sendXksRequest(callOptions, {
      agent: this.#agent,
      address: this.#address,
      onSigned: (authorization) => this.#run.signed(authorization),
    });
  }

  /**
   * What the proxy answered, in a few words (its error message redacted and cut).
   * @param outcome - The call's outcome.
   * @returns The description.
   */
  answer(outcome: XksCallOutcome): string {
    if (outcome.ok) return `HTTP ${outcome.status} in ${fmt(outcome.elapsedMs)}`;
    switch (outcome.reason) {
      case "timeout":
        return `no answer within ${this.#run.o.timeoutMs} ms`;
      case "connect":
      case "tls":
        return `the connection failed (${outcome.detail ?? outcome.reason}) after ${fmt(outcome.elapsedMs)}`;
      case "malformed":
        return `HTTP ${outcome.status ?? "?"} with a body that is not the XKS JSON`;
      case "oversized":
        return `HTTP ${outcome.status ?? "?"}: ${outcome.detail ?? "the proxy answered with an oversized body"}`;
      case "http":
        return `HTTP ${outcome.status ?? "?"} ${outcome.errorName ?? "(no errorName)"}${
          outcome.errorMessage === undefined ? "" : `: "${this.#run.clean(outcome.errorMessage, 160)}"`
        }`;
    }
  }

  /** Closes the connection. */
  destroy(): void {
    this.#agent.destroy();
  }
}

/** The first GetHealthStatus call, which the `uri-path`, `authentication` and `health` steps judge. @internal */
export interface FirstAnswer {
  /** Its outcome. */
  readonly outcome: XksCallOutcome;
  /** Its description. */
  readonly said: string;
  /** Milliseconds it took. */
  readonly ms: number;
}

/**
 * `uri-path`: the proxy serves the XKS API under the URI path. With no XKS answer to judge by, it also
 * settles `authentication`, `health` and `latency` from the call's failure.
 * @param run - The probe run.
 * @param first - The first GetHealthStatus call.
 * @returns Whether the probe goes on.
 * @internal
 */
export function uriPathStep(run: ProbeRun, first: FirstAnswer): boolean {
  const { outcome, said, ms } = first;
  const path = run.o.uriPath;
  if (outcome.status === 404) {
    run.record("uri-path", "fail", `POST ${path}/health: ${said}.`, undefined, ms);
    run.rest(`Not checked: the proxy does not serve ${path}.`);
    return false;
  }
  const xksAnswer = outcome.ok || (outcome.reason === "http" && outcome.errorName !== undefined);
  if (xksAnswer) {
    run.record("uri-path", "pass", `POST ${path}/health reached the XKS API: ${said}.`, undefined, ms);
    return true;
  }
  run.record(
    "uri-path",
    "unknown",
    `POST ${path}/health: ${said}; no XKS answer to judge the path by.`,
    undefined,
    ms,
  );
  run.record("authentication", "unknown", `Not checked: ${said}.`, undefined, 0);
  if (!outcome.ok && outcome.reason === "timeout") {
    run.record("health", "unknown", `Not checked: GetHealthStatus gave ${said}.`, undefined, 0);
    run.record(
      "latency",
      "fail",
      `GetHealthStatus gave ${said}; KMS waits ${KMS_BUDGET_MS} ms.`,
      undefined,
      0,
    );
  } else {
    const cause = outcome.ok ? "XKS_PROXY_UNHEALTHY" : causeOfAnswer(outcome);
    run.record("health", "fail", `GetHealthStatus gave ${said}.`, cause, 0);
  }
  run.rest("Not checked: GetHealthStatus did not succeed.");
  return false;
}

/**
 * `authentication`: the proxy accepts the SigV4 credential.
 * @param run - The probe run.
 * @param first - The first GetHealthStatus call.
 * @returns Whether the probe goes on.
 * @internal
 */
export function authenticationStep(run: ProbeRun, first: FirstAnswer): boolean {
  const { outcome, said } = first;
  const o = run.o;
  const signer = `signed with access key id ${masked(o.credential.accessKeyId)} for ${o.region}/kms-xks-proxy`;
  if (!outcome.ok && outcome.status === 401) {
    run.record("authentication", "fail", `GetHealthStatus ${signer}: ${said}.`, undefined, 0);
    run.rest("Not checked: the proxy rejected the credential.");
    return false;
  }
  if (!outcome.ok && outcome.status !== 200) {
    run.record(
      "authentication",
      "unknown",
      `GetHealthStatus ${signer}: ${said}, before the credential could be confirmed.`,
      undefined,
      0,
    );
  } else {
    run.record("authentication", "pass", `GetHealthStatus ${signer}: accepted (${said}).`, undefined, 0);
  }
  return true;
}

const EKM_STATES = ["ACTIVE", "DEGRADED", "UNAVAILABLE"];

/**
 * `health`: GetHealthStatus answered 200 with a valid body, and not every key manager is UNAVAILABLE.
 * @param run - The probe run.
 * @param first - The first GetHealthStatus call.
 * @internal
 */
export function healthStep(run: ProbeRun, first: FirstAnswer): void {
  const { outcome, said } = first;
  if (!outcome.ok) {
    run.record("health", "fail", `GetHealthStatus gave ${said}.`, causeOfAnswer(outcome), 0);
    return;
  }
  const body = outcome.body;
  const fleet = body.xksProxyFleetSize;
  const details = body.ekmFleetDetails;
  const valid =
    Number.isInteger(fleet) &&
    (fleet as number) >= 1 &&
    Array.isArray(details) &&
    details.length >= 1 &&
    details.length <= 10 &&
    details.every(
      (d) => isRecord(d) && typeof d.healthStatus === "string" && EKM_STATES.includes(d.healthStatus),
    );
  if (!valid) {
    run.record(
      "health",
      "fail",
      `GetHealthStatus answered 200 without a valid xksProxyFleetSize and ekmFleetDetails (1–10 × { id, healthStatus }).`,
      "XKS_PROXY_INVALID_RESPONSE",
      0,
    );
    return;
  }
  const ekms = (details as Record<string, unknown>[]).map((d) => ({
    id: String(d.id ?? "?"),
    state: String(d.healthStatus),
  }));
  const count = (state: string): number => ekms.filter((e) => e.state === state).length;
  const vendor = [body.xksProxyVendor, body.xksProxyModel].filter((v) => typeof v === "string").join(" ");
  const summary = `proxy fleet of ${fleet as number}${vendor === "" ? "" : ` (${vendor})`}; key managers: ${ekms
    .map((e) => `${e.id} ${e.state}`)
    .join(", ")}`;
  if (count("UNAVAILABLE") === ekms.length) {
    run.record(
      "health",
      "fail",
      `${summary}: every external key manager is UNAVAILABLE, so KMS treats the proxy as unreachable.`,
      undefined,
      0,
    );
    return;
  }
  const warn =
    count("DEGRADED") + count("UNAVAILABLE") > 0
      ? `; warning: ${count("DEGRADED")} DEGRADED, ${count("UNAVAILABLE")} UNAVAILABLE`
      : "";
  run.record("health", "pass", `${summary}${warn}.`, undefined, 0);
}

/**
 * `latency`: p99 of `samples` GetHealthStatus calls on the kept-alive connection within KMS's budget.
 * @param run - The probe run.
 * @param proxy - The caller.
 * @param first - The first GetHealthStatus call.
 * @returns Whether the probe goes on (false only when it was aborted).
 * @internal
 */
export async function latencyStep(run: ProbeRun, proxy: ProxyCaller, first: FirstAnswer): Promise<boolean> {
  const o = run.o;
  if (!first.outcome.ok) {
    run.record("latency", "unknown", "Not measured: GetHealthStatus did not succeed.", undefined, 0);
    return true;
  }
  const times: number[] = [];
  const failures: string[] = [];
  let timedOut = false;
  for (let i = 0; i < o.samples; i++) {
    const sample = await proxy.call("health");
    if (run.aborted) return false;
    if (!sample.ok && sample.reason === "timeout") {
      timedOut = true;
      times.push(o.timeoutMs);
      break;
    }
    times.push(sample.elapsedMs);
    if (!sample.ok) failures.push(proxy.answer(sample));
  }
  const sorted = [...times].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const p99 = percentile(sorted, 99);
  const figures = `p50 ${fmt(p50)}, p99 ${fmt(p99)}, max ${fmt(sorted[sorted.length - 1] ?? 0)} over ${times.length} GetHealthStatus call(s) on a reused connection (KMS waits ${KMS_BUDGET_MS} ms)`;
  const failed = failures.length === 0 ? "" : `; ${failures.length} call(s) failed: ${failures[0]}`;
  if (timedOut) {
    run.record("latency", "fail", `A call gave no answer within ${o.timeoutMs} ms; ${figures}${failed}.`);
  } else if (p99 > KMS_BUDGET_MS) {
    run.record("latency", "fail", `${figures}: over budget${failed}.`);
  } else {
    const warn = p99 > ALARM_MS ? `; warning: above the ${ALARM_MS} ms XksProxyLatency alarm threshold` : "";
    run.record("latency", "pass", `${figures}${warn}${failed}.`);
  }
  return true;
}

/**
 * `key:<id>`, per key id: GetKeyMetadata shows an AES_256, ENABLED key allowing ENCRYPT and DECRYPT.
 * @param run - The probe run.
 * @param proxy - The caller.
 * @param first - The first GetHealthStatus call (the keys are checked only once it confirmed the
 * credential).
 * @internal
 */
export async function keySteps(run: ProbeRun, proxy: ProxyCaller, first: FirstAnswer): Promise<void> {
  if (!first.outcome.ok) {
    run.rest(`Not checked: the credential was not confirmed (GetHealthStatus gave ${first.said}).`);
    return;
  }
  for (const keyId of run.o.keyIds) {
    const id = `key:${keyId}` as const;
    const outcome = await proxy.call("metadata", keyId);
    if (run.aborted) return;
    if (!outcome.ok) {
      run.record(id, "fail", `GetKeyMetadata ${keyId}: ${proxy.answer(outcome)}.`, causeOfAnswer(outcome));
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
      run.record(
        id,
        "fail",
        `${seen}: ${[...configProblems, ...(disabled ? ["keyStatus is not ENABLED"] : [])].join("; ")}${slow}.`,
      );
    } else if (disabled) {
      run.record(id, "fail", `${seen}: keyStatus is not ENABLED${slow}.`, "XKS_KEY_DISABLED");
    } else {
      run.record(id, "pass", `${seen}${slow}.`);
    }
  }
}
