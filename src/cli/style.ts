/**
 * Styling for the CLI through Node's own `util.styleText`: on only when writing to a terminal, never
 * with `NO_COLOR`, forced with `FORCE_COLOR`. Every function returns plain text when colour is off.
 */

import { styleText } from "node:util";
import { sanitize } from "../redact.js";

/** What the CLI needs to know to decide on colour. @internal */
export interface ColourEnvironment {
  /** The process environment (`NO_COLOR`, `FORCE_COLOR`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** True when stdout is a terminal. */
  readonly isTTY: boolean;
}

/**
 * Whether to colour output: `NO_COLOR` (any non-empty value) turns colour off, `FORCE_COLOR` turns it
 * on (`0` or `false` off), otherwise colour only on a terminal.
 *
 * @param io - The environment and whether stdout is a terminal.
 * @returns True for colour.
 * @internal
 */
export function useColour(io: ColourEnvironment): boolean {
  const noColour = io.env.NO_COLOR;
  if (noColour !== undefined && noColour !== "") return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  return io.isTTY;
}

/** The styles the CLI uses. @internal */
export interface Style {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly cyan: (text: string) => string;
}

/**
 * A `util.styleText` format. The CLI decides on colour itself ({@link useColour}, from the streams
 * and environment it is given), so `styleText` is told not to look at `process.stdout` again.
 */
const paint =
  (format: Parameters<typeof styleText>[0]) =>
  (text: string): string =>
    styleText(format, text, { validateStream: false });

const plain = (text: string): string => text;

/**
 * The styles, `util.styleText` or identity.
 *
 * @param colour - From {@link useColour}.
 * @returns The style functions.
 * @internal
 */
export function style(colour: boolean): Style {
  if (!colour) return { bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
  return {
    bold: paint("bold"),
    dim: paint("dim"),
    red: paint("red"),
    green: paint("green"),
    yellow: paint("yellow"),
    cyan: paint("cyan"),
  };
}

/**
 * The one sanitiser for everything the CLI prints that did not come from us (a key store's name, a
 * server's text): escape sequences removed, control, line-separator and bidi characters folded to a
 * space. The same function as the library's (`sanitize` in `redact.ts`).
 * @internal
 */
export const printable = sanitize;

/**
 * The last guard at the output: whatever reaches the terminal keeps only line breaks and the CLI's
 * own colour codes (`ESC [ digits m`); any other control, C1 or bidi character is dropped.
 *
 * @param text - What the CLI is about to write.
 * @returns The same text, without anything that could drive the terminal.
 * @internal
 */
export function terminalSafe(text: string): string {
  return text.replace(OUTPUT_UNSAFE, (match) => (match.length > 1 ? match : ""));
}
const OUTPUT_UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  /\u001b\[[0-9;]*m|[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * A count and a noun, plural unless the count is one: `1 check`, `2 checks`.
 * @param n - The count.
 * @param word - The noun, singular.
 * @returns The count and the noun.
 * @internal
 */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
