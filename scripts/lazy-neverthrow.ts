/**
 * A build step for the CommonJS builds: `src/neverthrow.ts`, the library's one door to neverthrow,
 * is replaced by a module that requires neverthrow on first use, so that requiring the library does
 * not load it (about 1.5 ms here). The replacement has the same exports; one missing fails the build
 * (esbuild refuses an import with no matching export), so the two cannot drift apart unnoticed.
 */
import type { Plugin } from "esbuild";

/** The module replaced. */
export const NEVERTHROW_DOOR = /[\\/]src[\\/]neverthrow\.ts$/;

const LAZY = `
let loaded;
const neverthrow = () => (loaded ??= require("neverthrow"));
export const ok = (value) => neverthrow().ok(value);
export const err = (error) => neverthrow().err(error);
export const resultAsync = (promise) => new (neverthrow().ResultAsync)(promise);
export const fromPromise = (promise, mapError) => neverthrow().ResultAsync.fromPromise(promise, mapError);
`;

/** The esbuild plugin. */
export const lazyNeverthrow: Plugin = {
  name: "lazy-neverthrow",
  setup(b) {
    b.onLoad({ filter: NEVERTHROW_DOOR }, () => ({ contents: LAZY, loader: "js" }));
  },
};
