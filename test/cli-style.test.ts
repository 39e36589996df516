import { describe, expect, it } from "vitest";
import { style, terminalSafe, useColour } from "../src/cli/style.js";

describe("useColour", () => {
  const colour = (env: Record<string, string | undefined>, isTTY: boolean) => useColour({ env, isTTY });

  it("follows the terminal when neither NO_COLOR nor FORCE_COLOR is set", () => {
    expect(colour({}, true)).toBe(true);
    expect(colour({}, false)).toBe(false);
  });

  it("turns colour off for any non-empty NO_COLOR, even with FORCE_COLOR; an empty one is unset", () => {
    for (const value of ["1", "0", "false", "x"]) {
      expect(colour({ NO_COLOR: value }, true), value).toBe(false);
      expect(colour({ NO_COLOR: value, FORCE_COLOR: "1" }, true), value).toBe(false);
    }
    expect(colour({ NO_COLOR: "" }, true)).toBe(true);
    expect(colour({ NO_COLOR: "", FORCE_COLOR: "1" }, false)).toBe(true);
  });

  it("forces colour on with FORCE_COLOR, off with 0 or false in any case", () => {
    for (const value of ["1", "2", "true", ""])
      expect(colour({ FORCE_COLOR: value }, false), value).toBe(true);
    for (const value of ["0", "false", "FALSE", "False"]) {
      expect(colour({ FORCE_COLOR: value }, true), value).toBe(false);
    }
  });
});

describe("terminalSafe", () => {
  it("keeps line breaks, text and the CLI's own colour codes", () => {
    const coloured = style(true).red("failed");
    expect(coloured).not.toBe("failed");
    expect(terminalSafe(`a\n${coloured} b`)).toBe(`a\n${coloured} b`);
    expect(terminalSafe("plain text, é, 日本")).toBe("plain text, é, 日本");
  });

  it("drops every other control, C1 and bidi character, one by one", () => {
    for (const c of [
      "\u0000",
      "\u0007",
      "\u0009",
      "\u000b",
      "\u000d",
      "\u001b",
      "\u007f",
      "\u0085",
      "\u009b",
    ]) {
      expect(terminalSafe(`a${c}b`), JSON.stringify(c)).toBe("ab");
    }
    for (const c of [
      "\u061c",
      "\u200e",
      "\u200f",
      "\u2028",
      "\u2029",
      "\u202a",
      "\u202e",
      "\u2066",
      "\u2069",
    ]) {
      expect(terminalSafe(`a${c}b`), JSON.stringify(c)).toBe("ab");
    }
    // An escape that is not a colour code loses its ESC, so the terminal reads it as text.
    expect(terminalSafe("\u001b]0;title\u0007x")).toBe("]0;titlex");
    expect(terminalSafe("\u001b[2J")).toBe("[2J");
  });
});
