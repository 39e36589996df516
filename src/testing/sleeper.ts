/**
 * Delays an emulator can cut short: every pending sleep ends at once when the emulator closes.
 */

/**
 * A set of pending sleeps.
 * @internal
 */
export interface Sleeper {
  /**
   * Waits, unless woken first.
   * @param ms - Milliseconds.
   * @returns A promise that settles after `ms`, or on {@link Sleeper.wakeAll}.
   */
  sleep(ms: number): Promise<void>;
  /** Ends every pending sleep now (their promises settle) and cancels their timers. */
  wakeAll(): void;
}

/**
 * A new, empty set of pending sleeps.
 * @returns The sleeper.
 * @internal
 */
export const createSleeper = (): Sleeper => {
  const pending = new Map<NodeJS.Timeout, () => void>();
  return {
    sleep: (ms) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(timer);
          resolve();
        }, ms);
        pending.set(timer, resolve);
      }),
    wakeAll: () => {
      for (const [timer, wake] of pending) {
        clearTimeout(timer);
        wake();
      }
      pending.clear();
    },
  };
};
