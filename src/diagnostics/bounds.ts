/**
 * The bounds of every network call `./diagnostics` makes: a per-request timeout and an overall
 * deadline, both on abort signals, so that a server that accepts and never answers, or trickles its
 * answer, cannot hold a diagnosis or a probe open.
 */

/** Milliseconds one AWS call of `diagnoseKeyStore` may take by default. @internal */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Milliseconds a whole `diagnoseKeyStore` may take by default. @internal */
export const DEFAULT_DIAGNOSIS_DEADLINE_MS = 120_000;
/** Milliseconds a whole `probeXksProxy` may take by default. @internal */
export const DEFAULT_PROBE_DEADLINE_MS = 60_000;
/** The longest deadline accepted (one hour). @internal */
export const MAX_DEADLINE_MS = 3_600_000;

/** The signals of one bounded run. @internal */
export interface Bounded {
  /** Aborts when the caller's signal does or the deadline passes: pass it to every call. */
  readonly signal: AbortSignal;
  /** Aborts when the deadline passes (and only then). */
  readonly deadline: AbortSignal;
}

/**
 * The caller's signal joined with a deadline.
 *
 * @param signal - The caller's signal, if any.
 * @param deadlineMs - Milliseconds from now.
 * @returns The joined signal and the deadline's own.
 * @internal
 */
export function bounded(signal: AbortSignal | undefined, deadlineMs: number): Bounded {
  const deadline = AbortSignal.timeout(deadlineMs);
  return { deadline, signal: signal === undefined ? deadline : AbortSignal.any([signal, deadline]) };
}

/**
 * A signal for one request: aborts with `signal`, or when `timeoutMs` passes.
 *
 * @param signal - The run's signal.
 * @param timeoutMs - The request's own timeout.
 * @returns The request's signal.
 * @internal
 */
export const requestSignal = (signal: AbortSignal, timeoutMs: number): AbortSignal =>
  AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);

/**
 * A validated millisecond option: `fallback` when undefined, else a finite number in `(0, max]`.
 *
 * @param owner - The function, for the message.
 * @param name - The option.
 * @param value - What the caller passed.
 * @param fallback - The default.
 * @param max - The largest value accepted.
 * @returns The milliseconds.
 * @throws TypeError naming the option and its range.
 * @internal
 */
export function milliseconds(
  owner: string,
  name: string,
  value: unknown,
  fallback: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > max) {
    throw new TypeError(`${owner}: \`${name}\` must be a number of milliseconds from 1 to ${max}.`);
  }
  return value;
}
