/**
 * The library's one door to neverthrow (a peer dependency): every Result it makes is made here. The
 * CommonJS build replaces this module with one that requires neverthrow on first use
 * (`scripts/lazy-neverthrow.ts`), so that requiring the library does not load it; ES modules cannot
 * load a module lazily and stay synchronous, so the ESM build imports it as written.
 */
import { err, ok, type Result, ResultAsync } from "neverthrow";

export { err, ok };

/**
 * A `ResultAsync` over a promise of a `Result` that never rejects.
 * @internal
 */
export const resultAsync = <T, E>(promise: Promise<Result<T, E>>): ResultAsync<T, E> =>
  new ResultAsync(promise);

/**
 * A `ResultAsync` of a promise: `Ok` of its value, or `Err` of its rejection mapped by `mapError`.
 * @internal
 */
export const fromPromise = <T, E>(
  promise: PromiseLike<T>,
  mapError: (error: unknown) => E,
): ResultAsync<T, E> => ResultAsync.fromPromise(promise, mapError);
