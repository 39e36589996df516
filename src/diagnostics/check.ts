/**
 * The one check model of `./diagnostics`: a deep check and a probe step are a {@link Check} of a
 * requirement row of `REQUIREMENTS` (a health finding is a `Check` of a `HEALTH_CHECKS` row), built here from the row and what the
 * check saw. The checks find evidence; the wording comes from the row.
 */
import { type Cause, catalogEntry } from "../catalog/index.js";
import {
  REQUIREMENTS,
  type Requirement,
  type RequirementId,
  type RequirementIdOf,
  type RequirementScope,
  type RequirementSource,
  SCOPE_KEY_STORE_TYPES,
} from "../catalog/requirements.js";
import type { Remediation } from "../catalog/schema.js";

/**
 * The outcome of one check.
 * - `pass`: what the check saw shows the requirement is met.
 * - `fail`: it shows the requirement is not met.
 * - `unknown`: the check could not see (no client, access denied, another account owns the
 *   resource, a prerequisite failed, the run was aborted or passed its deadline); never read it as
 *   `pass`.
 * @example
 * ```ts
 * import type { CheckStatus, ProbeReport } from "kms-keystore-errors/diagnostics";
 *
 * declare const report: ProbeReport; // from probeXksProxy
 * const failing = report.checks.filter((c) => c.status === ("fail" satisfies CheckStatus));
 * ```
 * @public
 */
export type CheckStatus = "pass" | "fail" | "unknown";

/**
 * One requirement, checked: the shape shared by every check of `./diagnostics`. `Id` is the check's
 * id (a requirement id, or the probe's `key:<id>`); `Status` is {@link CheckStatus} unless a kind of
 * check grades more finely.
 * @example
 * ```ts
 * import type { Check } from "kms-keystore-errors/diagnostics";
 *
 * const line = (c: Check): string => `${c.status} ${c.id}: ${c.evidence}`;
 * ```
 * @public
 */
export interface Check<Id extends string = string, Status extends string = CheckStatus> {
  /** Which check (see `REQUIREMENTS`). */
  readonly id: Id;
  /** The requirement, in one sentence, with the values the check knows filled in. */
  readonly requirement: string;
  /** What the check found. */
  readonly status: Status;
  /** What the check saw (or why it could not see), naming the resources and values. */
  readonly evidence: string;
  /** The catalog cause KMS reports when the requirement is not met. */
  readonly cause?: Cause;
  /** What to do when the requirement is not met. */
  readonly remediation?: Remediation;
  /** Milliseconds the check took. */
  readonly durationMs?: number;
}

/**
 * A check of `diagnoseKeyStore`: always carries the requirement's cause and remediation (with the
 * resources the check knows filled in), whatever its status.
 * @example
 * ```ts
 * import type { DeepCheck } from "kms-keystore-errors/diagnostics";
 *
 * const steps = (c: DeepCheck): readonly string[] => c.remediation.steps;
 * ```
 * @public
 */
export interface DeepCheck extends Check<RequirementIdOf<"xks-vpc" | "xks-public" | "cloudhsm">> {
  /** The catalog cause KMS reports when the requirement is not met. */
  readonly cause: Cause;
  /** What to do when the requirement is not met, with the resources the check knows filled in. */
  readonly remediation: Remediation;
}

/**
 * The checks of `probeXksProxy`, in the order they run; `key:<id>` once per key id.
 * @example
 * ```ts
 * import type { ProbeCheckId } from "kms-keystore-errors/diagnostics";
 *
 * const id: ProbeCheckId = "key:key-1";
 * ```
 * @public
 */
export type ProbeCheckId = Exclude<RequirementIdOf<"xks-proxy">, "key"> | `key:${string}`;

/**
 * A step of `probeXksProxy`. A failed step carries the catalog cause it found and the catalog's
 * remediation of that cause for an external key store; a passed or unknown one carries neither.
 * @example
 * ```ts
 * import type { ProbeCheck, ProbeReport } from "kms-keystore-errors/diagnostics";
 *
 * declare const report: ProbeReport; // from probeXksProxy
 * const tls: ProbeCheck | undefined = report.checks.find((c) => c.id === "tls");
 * if (tls?.status === "fail") console.log(tls.evidence, tls.remediation?.steps);
 * ```
 * @public
 */
export interface ProbeCheck extends Check<ProbeCheckId> {
  /** Milliseconds the check took. */
  readonly durationMs: number;
}

/**
 * Values a check knows, to fill the placeholders of a requirement row (`<service-id>` …).
 * @internal
 */
export type Placeholders = Readonly<Record<string, string | undefined>>;

const fill = (text: string, vars: Placeholders): string =>
  text.replace(/<([a-z-]+)>/g, (whole, key: string) => vars[key] ?? whole);

/**
 * The requirement row of an id.
 * @param id - The requirement.
 * @returns Its row.
 * @internal
 */
export const requirementOf = (id: RequirementId): Requirement =>
  REQUIREMENTS.find((r) => r.id === id) as Requirement;

/**
 * The requirement sentence of a row, placeholders filled.
 * @param row - The requirement.
 * @param vars - The values the check knows.
 * @returns The sentence.
 * @internal
 */
export const requirementText = (row: Requirement, vars: Placeholders): string => fill(row.requirement, vars);

/**
 * What to do when a requirement is not met: the row's own remediation (placeholders filled), else the
 * catalog's remediation of `cause` for the row's key store type.
 * @param row - The requirement.
 * @param cause - The cause the check found.
 * @param vars - The values the check knows.
 * @returns The remediation.
 * @internal
 */
export function remediationOf(row: Requirement, cause: Cause, vars: Placeholders): Remediation {
  if (row.remediation === undefined) {
    const entry = catalogEntry(cause);
    return entry.byKeyStoreType?.[SCOPE_KEY_STORE_TYPES[row.scope]] ?? entry.remediation;
  }
  return fillRemediation(row.remediation, vars);
}

/**
 * A remediation of the catalog with the placeholders the check knows filled in.
 * @param remediation - The catalog's remediation.
 * @param vars - The values the check knows.
 * @returns A new remediation.
 * @internal
 */
export const fillRemediation = (remediation: Remediation, vars: Placeholders): Remediation => ({
  summary: fill(remediation.summary, vars),
  steps: remediation.steps.map((s) => fill(s, vars)),
  docs: [...remediation.docs],
});

/**
 * The ids of the requirements of one scope, in order, optionally only those a given source shows.
 * @param scope - The scope.
 * @param service - Only the requirements whose check reads this.
 * @returns The ids.
 * @internal
 */
export const idsOf = <S extends RequirementScope>(
  scope: S,
  service?: RequirementSource,
): RequirementIdOf<S>[] =>
  REQUIREMENTS.filter((r) => r.scope === scope && (service === undefined || r.service === service)).map(
    (r) => r.id as RequirementIdOf<S>,
  );

/** The scopes of `diagnoseKeyStore`. @internal */
export type DeepScope = "xks-vpc" | "xks-public" | "cloudhsm";

/**
 * Collects the outcomes of the deep checks of one scope, then reports them in `REQUIREMENTS` order.
 * @internal
 */
export class CheckSet<S extends DeepScope> {
  readonly #scope: S;
  readonly #outcomes = new Map<RequirementId, { status: CheckStatus; evidence: string }>();

  /**
   * @param scope - The requirements this set reports.
   */
  constructor(scope: S) {
    this.#scope = scope;
  }

  /**
   * Records a check's outcome (the first outcome of an id wins).
   * @param id - The requirement.
   * @param status - The outcome.
   * @param evidence - What was seen.
   */
  set(id: RequirementIdOf<S>, status: CheckStatus, evidence: string): void {
    if (!this.#outcomes.has(id)) this.#outcomes.set(id, { status, evidence });
  }

  /**
   * Records the same outcome for several checks.
   * @param ids - The requirements.
   * @param status - The outcome.
   * @param evidence - What was seen.
   */
  setAll(ids: readonly RequirementIdOf<S>[], status: CheckStatus, evidence: string): void {
    for (const id of ids) this.set(id, status, evidence);
  }

  /**
   * Records the same outcome for every check of the scope not recorded yet.
   * @param status - The outcome.
   * @param evidence - What was seen.
   */
  setRest(status: CheckStatus, evidence: string): void {
    this.setAll(idsOf(this.#scope), status, evidence);
  }

  /**
   * The checks of the scope, in `REQUIREMENTS` order; a check never recorded is `unknown`.
   * @param vars - Placeholder values for the requirement and remediation texts.
   * @returns The checks.
   */
  build(vars: Placeholders): DeepCheck[] {
    return idsOf(this.#scope).map((id) => {
      const row = requirementOf(id);
      const outcome = this.#outcomes.get(id) ?? { status: "unknown" as const, evidence: "not checked" };
      return {
        id,
        requirement: requirementText(row, vars),
        cause: row.cause,
        status: outcome.status,
        evidence: outcome.evidence,
        remediation: remediationOf(row, row.cause, vars),
      };
    });
  }
}

/**
 * A span of time in words, for evidence and alarm descriptions: `a minute`, `5 minutes`, `3 hours`.
 * @param seconds - Whole minutes, in seconds.
 * @returns The words.
 * @internal
 */
export const spanText = (seconds: number): string =>
  seconds === 60
    ? "a minute"
    : seconds % 3600 === 0
      ? `${seconds / 3600} hour${seconds === 3600 ? "" : "s"}`
      : `${seconds / 60} minutes`;
