/**
 * One run of the XKS proxy probe: its validated options, the checks recorded so far (each built from
 * its `REQUIREMENTS` row), and the report. Node-only.
 * @internal
 */
import type { Cause } from "../catalog/index.js";
import type { Requirement } from "../catalog/requirements.js";
import { redact, type Secrets, secretsOf } from "../redact.js";
import {
  type CheckStatus,
  type Placeholders,
  type ProbeCheck,
  type ProbeCheckId,
  remediationOf,
  requirementOf,
  requirementText,
} from "./check.js";

/** KMS's per-call budget for the proxy (facts §4), in milliseconds. @internal */
export const KMS_BUDGET_MS = 250;

/**
 * The probe's report.
 * @example
 * ```ts
 * import { type ProbeReport, type ProbeXksProxyOptions, probeXksProxy } from "kms-keystore-errors/diagnostics";
 *
 * declare const options: ProbeXksProxyOptions;
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

/** The probe's options, checked and completed with their defaults. @internal */
export interface Validated {
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
  /** Aborts when the deadline passes (and only then). */
  readonly deadline: AbortSignal;
  /** The caller's own signal. */
  readonly callerSignal: AbortSignal | undefined;
  readonly ca: string | Buffer | undefined;
}

/** A check of the run, in order, with its requirement row and placeholder values. */
interface Planned {
  readonly id: ProbeCheckId;
  readonly row: Requirement;
  readonly vars: Placeholders;
}

/**
 * Records the checks of one probe: every evidence is redacted (before any cut), a failed check gets
 * its cause (the row's unless the step found another) and the catalog's remediation of it.
 * @internal
 */
export class ProbeRun {
  /** The options. */
  readonly o: Validated;
  #secrets: Secrets;
  readonly #plan: readonly Planned[];
  readonly #checks: ProbeCheck[] = [];
  readonly #started = performance.now();
  #stepStarted = performance.now();

  /**
   * @param o - The validated options.
   */
  constructor(o: Validated) {
    this.o = o;
    this.#secrets = secretsOf(o.credential.secretAccessKey, o.credential.accessKeyId);
    const budget = { "budget-ms": String(KMS_BUDGET_MS) };
    this.#plan = [
      ...(["dns", "tcp", "tls", "uri-path", "authentication", "health", "latency"] as const).map(
        (id): Planned => ({ id, row: requirementOf(id), vars: budget }),
      ),
      ...o.keyIds.map(
        (keyId): Planned => ({ id: `key:${keyId}`, row: requirementOf("key"), vars: { "key-id": keyId } }),
      ),
    ];
  }

  /** Whether the caller's signal or the deadline stopped the run. */
  get aborted(): boolean {
    return this.o.signal.aborted;
  }

  /**
   * Redacts the credential from a text, then cuts it.
   * @param text - The text.
   * @param max - The longest result.
   * @returns The redacted text.
   */
  clean(text: string, max = 300): string {
    return redact(text, this.#secrets, max);
  }

  /**
   * Adds a request's `Authorization` header, and its signature, to what {@link ProbeRun.clean}
   * redacts: both are computed from the credential, and a proxy may echo them.
   * @param authorization - The header as sent.
   */
  signed(authorization: string): void {
    const signature = /Signature=([0-9a-f]+)/i.exec(authorization)?.[1];
    this.#secrets = this.#secrets.with(secretsOf(authorization, signature ?? []));
  }

  /**
   * Milliseconds since the last check was recorded (or the run began).
   * @returns The milliseconds.
   */
  sinceLast(): number {
    return performance.now() - this.#stepStarted;
  }

  /**
   * Records a check.
   * @param id - The check.
   * @param status - Its outcome.
   * @param evidence - What was seen (redacted here).
   * @param cause - For a failed check, the cause found when it is not the row's.
   * @param durationMs - Milliseconds it took; by default, the time since the last check.
   */
  record(id: ProbeCheckId, status: CheckStatus, evidence: string, cause?: Cause, durationMs?: number): void {
    const ms = durationMs ?? this.sinceLast();
    const planned = this.#plan.find((p) => p.id === id) as Planned;
    const found = cause ?? planned.row.cause;
    this.#checks.push({
      id,
      requirement: requirementText(planned.row, planned.vars),
      status,
      evidence: this.clean(evidence),
      durationMs: Math.round(ms * 10) / 10,
      ...(status === "fail"
        ? { cause: found, remediation: remediationOf(planned.row, found, planned.vars) }
        : {}),
    });
    this.#stepStarted = performance.now();
  }

  /**
   * Marks every check not recorded yet as `unknown`, for this reason.
   * @param reason - The evidence.
   */
  rest(reason: string): void {
    const done = new Set(this.#checks.map((c) => c.id));
    for (const { id } of this.#plan) if (!done.has(id)) this.record(id, "unknown", reason, undefined, 0);
  }

  /**
   * The report; when the run was stopped, the checks not recorded say why.
   * @returns The report.
   */
  report(): ProbeReport {
    const o = this.o;
    if (o.signal.aborted) {
      this.rest(
        o.deadline.aborted && o.callerSignal?.aborted !== true
          ? `Not run: the probe's deadline of ${o.deadlineMs} ms passed (deadlineMs).`
          : "Not run: the probe was aborted.",
      );
    }
    return {
      endpoint: o.endpoint,
      uriPath: o.uriPath,
      checks: this.#plan.map(({ id }) => this.#checks.find((c) => c.id === id) as ProbeCheck),
      ok: this.#checks.every((c) => c.status === "pass"),
      durationMs: Math.round(performance.now() - this.#started),
    };
  }
}
