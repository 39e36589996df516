/**
 * ANSI styling for the CLI: on only when writing to a terminal, never with `NO_COLOR`, forced with
 * `FORCE_COLOR`. Every function returns plain text when colour is off.
 */

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

const sgr =
  (open: number, close: number) =>
  (text: string): string =>
    `\u001b[${open}m${text}\u001b[${close}m`;

const plain = (text: string): string => text;

/**
 * The styles, ANSI or identity.
 *
 * @param colour - From {@link useColour}.
 * @returns The style functions.
 * @internal
 */
export function style(colour: boolean): Style {
  if (!colour) return { bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
  return {
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
  };
}

/**
 * Removes control characters (ANSI escapes included) from text that did not come from us, such as a
 * key store's name, so that it cannot rewrite the terminal.
 *
 * @param text - Foreign text.
 * @returns Printable text.
 * @internal
 */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ");
}
