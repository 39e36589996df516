/**
 * The XKS proxy probe: checks, from where it runs, every requirement KMS places on an external key
 * store proxy (DNS, TCP, TLS, URI path, SigV4 credential, health, latency, external keys) and says
 * which one fails, with evidence and the catalog's remediation. Node-only.
 */
import { KEY_ID_PATTERN, URI_PATH_PATTERN, URI_PATH_SUFFIX } from "../xks/spec.js";
import { bounded, DEFAULT_PROBE_DEADLINE_MS, MAX_DEADLINE_MS } from "./bounds.js";
import type { CheckStatus } from "./check.js";
import { type ProbeReport, ProbeRun, type Validated } from "./probe-run.js";
import {
  authenticationStep,
  dnsStep,
  type FirstAnswer,
  healthStep,
  isRecord,
  keySteps,
  latencyStep,
  ProxyCaller,
  tcpStep,
  tlsStep,
  uriPathStep,
} from "./probe-steps.js";

/**
 * Options of {@link probeXksProxy}.
 * @example
 * ```ts
 * import type { ProbeXksProxyOptions } from "kms-keystore-errors/diagnostics";
 *
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
 * The outcome of a probe check.
 * @deprecated Use {@link CheckStatus}, the status of every check of `./diagnostics`.
 * @public
 */
export type ProbeStatus = CheckStatus;

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i;

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
    callerSignal: options.signal,
    ca: options.ca,
  };
}

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
 * import { probeXksProxy } from "kms-keystore-errors/diagnostics";
 *
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
  const run = new ProbeRun(validate(options));
  if (run.aborted) return run.report();
  const address = await dnsStep(run);
  if (address === undefined || !(await tcpStep(run, address)) || !(await tlsStep(run, address))) {
    return run.report();
  }
  const proxy = new ProxyCaller(run, address);
  try {
    const outcome = await proxy.call("health");
    if (run.aborted) return run.report();
    const first: FirstAnswer = { outcome, said: proxy.answer(outcome), ms: run.sinceLast() };
    if (!uriPathStep(run, first) || !authenticationStep(run, first)) return run.report();
    healthStep(run, first);
    if (await latencyStep(run, proxy, first)) await keySteps(run, proxy, first);
    return run.report();
  } catch (error) {
    // Not expected: every step resolves. A bug must not turn into a throw for a failing endpoint.
    const name = error instanceof Error ? error.name : typeof error;
    run.rest(`Not checked: the probe failed unexpectedly (${name}).`);
    return run.report();
  } finally {
    proxy.destroy();
  }
}
