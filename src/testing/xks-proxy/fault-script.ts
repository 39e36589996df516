/**
 * The fake XKS proxy's scripted faults: one per operation or for every operation (`"*"`), each for a
 * number of requests or until removed.
 */
import { XKS_OPERATIONS, type XksOperation } from "../../xks/spec.js";
import type { XksFaultOptions, XksFaultTarget, XksProxyFault } from "./types.js";

interface ScriptedFault {
  readonly fault: XksProxyFault;
  remaining: number | undefined;
}

/**
 * Checks a delay option.
 * @param name - The option's name, for the message.
 * @param ms - Milliseconds.
 * @returns `ms`.
 * @throws TypeError when it is not a finite, non-negative number.
 * @internal
 */
export const checkDelay = (name: string, ms: number): number => {
  if (!Number.isFinite(ms) || ms < 0)
    throw new TypeError(`${name} must be a non-negative number of milliseconds.`);
  return ms;
};

/**
 * The faults in force, by target; an operation's own fault wins over `"*"`.
 * @internal
 */
export class ProxyFaultScript {
  readonly #faults = new Map<XksFaultTarget, ScriptedFault>();

  /**
   * Sets (or, with `undefined`, removes) the fault of a target.
   * @param target - The operation, or `"*"`.
   * @param fault - The fault, or undefined.
   * @param options - `times`: how many requests it applies to (default: until removed).
   * @throws TypeError when the target, a delay or `times` is invalid.
   */
  set(target: XksFaultTarget, fault: XksProxyFault | undefined, options?: XksFaultOptions): void {
    if (target !== "*" && !XKS_OPERATIONS.includes(target)) {
      throw new TypeError(`target must be one of ${XKS_OPERATIONS.join(", ")} or "*".`);
    }
    if (fault === undefined) {
      this.#faults.delete(target);
      return;
    }
    if (typeof fault === "object" && "delayMs" in fault) checkDelay("delayMs", fault.delayMs);
    const times = options?.times;
    if (times !== undefined && (!Number.isInteger(times) || times < 1))
      throw new TypeError("times must be a positive integer.");
    this.#faults.set(target, { fault, remaining: times });
  }

  /**
   * Takes the fault that applies to a request of an operation, counting it down.
   * @param operation - The operation.
   * @returns The fault, or undefined.
   */
  take(operation: XksOperation): XksProxyFault | undefined {
    const target: XksFaultTarget | undefined = this.#faults.has(operation)
      ? operation
      : this.#faults.has("*")
        ? "*"
        : undefined;
    if (target === undefined) return undefined;
    const scripted = this.#faults.get(target) as ScriptedFault;
    if (scripted.remaining !== undefined) {
      scripted.remaining -= 1;
      if (scripted.remaining <= 0) this.#faults.delete(target);
    }
    return scripted.fault;
  }
}
