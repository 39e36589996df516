/**
 * Wrapping of the CLI's text output to the terminal's width: prose breaks at spaces, continuation
 * lines hang under the text they continue (after a step's number, a bullet, or a field's label), and
 * a URL or a command in backticks is never broken (one longer than the line stays whole on its own
 * line). A line starting with `$ ` is a shell command and is kept whole, with the lines it continues
 * with a trailing backslash. Table rows (more than one aligned gap) are left as they are. Colour
 * codes take no width. JSON is never passed through here.
 */

/** The width used when stdout is not a terminal, or the terminal does not say. @internal */
export const DEFAULT_WIDTH = 80;

/** The narrowest width wrapped to: below it the hanging indents would leave no room for text. */
const MIN_WIDTH = 40;

/**
 * The width to wrap to: the terminal's columns when stdout is a terminal that reports them, else
 * {@link DEFAULT_WIDTH}.
 *
 * @param isTTY - True when stdout is a terminal.
 * @param columns - The terminal's columns (`process.stdout.columns`), if known.
 * @returns The width in columns, at least 40.
 * @internal
 */
export function outputWidth(isTTY: boolean, columns: number | undefined): number {
  if (!isTTY || columns === undefined || !Number.isInteger(columns) || columns <= 0) return DEFAULT_WIDTH;
  return Math.max(MIN_WIDTH, columns);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes are what this skips.
const SGR = /\u001b\[[0-9;]*m/g;

/** Width of text on screen: colour codes take none. */
const visible = (text: string): number => text.replace(SGR, "").length;

/**
 * Where a line's continuation lines start, in columns: after a step number (`1. `) or a bullet
 * (`- `), after a field label and the spaces that align its value (`Kinds:    value`,
 * `--timeout S   Seconds…`), after a short `Label: ` on an indented line (`  Why: …`), else at the
 * line's own indentation.
 */
function hangingIndent(plain: string): number {
  const marker = /^( *)(\d+\. |[-*] )/.exec(plain);
  if (marker !== null) return marker[0].length;
  const field = /^( *)\S+(?: \S+)*? {2,}(?=\S)/.exec(plain);
  if (field !== null) return field[0].length;
  const label = /^( +)[A-Z][A-Za-z ]{0,24}: (?=\S)/.exec(plain);
  if (label !== null) return label[0].length;
  return indentOf(plain);
}

/** The number of spaces a line starts with. */
const indentOf = (plain: string): number => plain.search(/[^ ]|$/);

/** A line with more than one aligned gap is a table row: it is left as it is. */
const isTableRow = (plain: string): boolean => plain.trim().split(/ {2,}/).length > 2;

/** The index in `raw` after `columns` visible characters (colour codes there are included). */
function rawIndex(raw: string, columns: number): number {
  let seen = 0;
  let i = 0;
  while (i < raw.length) {
    SGR.lastIndex = i;
    const code = raw[i] === "\u001b" ? SGR.exec(raw) : null;
    if (code !== null && code.index === i) {
      i += code[0].length;
      continue;
    }
    if (seen === columns) break;
    seen++;
    i++;
  }
  return i;
}

/** Words of a line, a span in backticks (a command) kept as one word. */
function words(text: string): string[] {
  const out: string[] = [];
  let open: string | undefined;
  for (const word of text.split(/ +/)) {
    if (word === "") continue;
    const ticks = (word.replace(SGR, "").match(/`/g) ?? []).length;
    if (open !== undefined) {
      open = `${open} ${word}`;
      if (ticks % 2 === 1) {
        out.push(open);
        open = undefined;
      }
    } else if (ticks % 2 === 1) {
      open = word;
    } else {
      out.push(word);
    }
  }
  if (open !== undefined) out.push(...open.split(" "));
  return out;
}

/** One line wrapped to `width`. */
function wrapLine(raw: string, width: number): string[] {
  if (visible(raw) <= width) return [raw];
  const plain = raw.replace(SGR, "");
  if (isTableRow(plain)) return [raw];
  const start = hangingIndent(plain);
  const indent = indentOf(plain);
  // A hanging indent past half the width leaves too little room: hang a little under the indentation.
  const hang = start > width / 2 ? Math.min(indent + 4, Math.floor(width / 2)) : start;
  const pad = " ".repeat(hang);
  const cut = rawIndex(raw, start);
  const lines: string[] = [];
  let current = raw.slice(0, cut);
  let currentWidth = start;
  let empty = true;
  for (const word of words(raw.slice(cut))) {
    const w = visible(word);
    if (empty || currentWidth + 1 + w <= width) {
      current += empty ? word : ` ${word}`;
      currentWidth += empty ? w : 1 + w;
      empty = false;
    } else {
      lines.push(current);
      current = pad + word;
      currentWidth = hang + w;
    }
  }
  lines.push(current);
  return lines;
}

/**
 * Wraps text to a width, line by line (see the module's description).
 *
 * @param text - The CLI's text output.
 * @param width - Columns, e.g. from {@link outputWidth}.
 * @returns The wrapped text; lines that fit are unchanged.
 * @internal
 */
export function wrapText(text: string, width: number): string {
  const out: string[] = [];
  let continued = false;
  for (const line of text.split("\n")) {
    const plain = line.replace(SGR, "");
    // A shell command (`$ …`, and the lines it continues with a trailing backslash) is kept whole.
    if (continued || /^ *\$ /.test(plain)) out.push(line);
    else out.push(...wrapLine(line, width));
    continued = (continued || /^ *\$ /.test(plain)) && plain.endsWith("\\");
  }
  return out.join("\n");
}
