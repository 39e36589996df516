import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { explain } from "kms-keystore-errors";
import { describe, expect, it } from "vitest";
import { DEFAULT_WIDTH, outputWidth, wrapText } from "../src/cli/wrap.js";
import { runCli } from "./support/cli.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
// biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes are what is removed.
const SGR = /\u001b\[[0-9;]*m/g;
const plain = (text: string): string => text.replace(SGR, "");
const VPC = "XksProxyVpcEndpointServiceInvalidConfigurationException";

const run = runCli;

/**
 * The lines over the width that are not one unbreakable word (a URL, an identifier, a command in
 * backticks) after their indentation and step number, bullet or field label.
 */
function overWidth(text: string, width: number): string[] {
  return plain(text)
    .split("\n")
    .filter((line) => line.length > width)
    .filter((line) => {
      const body = line.replace(/^ *(?:\d+\. |- |[A-Z][A-Za-z ]*: +)?/, "");
      return !/^\S+$/.test(body) && !/^\(?`[^`]+`[.,;:)]*$/.test(body);
    });
}

const words = (text: string): string => plain(text).replace(/\s+/g, " ").trim();

describe("the CLI's text output is wrapped to the terminal", () => {
  it("wraps explain to 80 columns when stdout is not a terminal, whatever the terminal's columns", async () => {
    const wide = await run(["explain", VPC], { isTTY: true, columns: 100_000 });
    for (const columns of [undefined, 200]) {
      const out = await run(["explain", VPC], { isTTY: false, columns });
      expect(out.code).toBe(0);
      expect(overWidth(out.stdout, DEFAULT_WIDTH)).toEqual([]);
      // Only whitespace changes: every word is there, in order.
      expect(words(out.stdout)).toBe(words(wide.stdout));
      expect(out.stdout.split("\n").length).toBeGreaterThan(wide.stdout.split("\n").length);
    }
  });

  it("wraps to the terminal's columns on a terminal; colour codes take no width", async () => {
    for (const columns of [60, 100, 132]) {
      const coloured = await run(["explain", VPC], { isTTY: true, columns });
      const uncoloured = await run(["explain", VPC], { isTTY: true, columns, env: { NO_COLOR: "1" } });
      expect(coloured.stdout).toMatch(SGR);
      expect(overWidth(coloured.stdout, columns)).toEqual([]);
      expect(plain(coloured.stdout)).toBe(uncoloured.stdout);
      expect(
        plain(coloured.stdout)
          .split("\n")
          .some((line) => line.length > columns - 10),
      ).toBe(true);
    }
  });

  it("keeps numbered steps, fields and bullets readable: continuation lines hang under their text", async () => {
    const out = (await run(["explain", VPC])).stdout.split("\n");
    const step = out.findIndex((line) => /^ {4}1\. /.test(line));
    expect(step).toBeGreaterThan(0);
    expect(out[step + 1]).toMatch(/^ {7}\S/);
    const kinds = out.findIndex((line) => line.startsWith("  Kinds:"));
    const valueColumn = (out[kinds] as string).indexOf("XksProxy");
    expect(valueColumn).toBeGreaterThan(10);
    // Every numbered step starts a line, with its number; URLs and commands are never split.
    const entry = explain(VPC);
    expect(out.filter((line) => /^ {4}\d+\. /.test(line))).toHaveLength(
      entry?.remediation.steps.length ?? -1,
    );
    for (const url of entry?.remediation.docs ?? []) expect(out).toContain(`    - ${url}`);
    const commands = (entry?.remediation.steps ?? []).flatMap((s) => s.match(/`[^`]+`/g) ?? []);
    expect(commands.length).toBeGreaterThan(3);
    for (const command of commands) expect(out.join("\n")).toContain(command);
  });

  it("never wraps --json output, nor the one-line messages on stderr", async () => {
    const json = await run(["explain", VPC, "--json"], { isTTY: true, columns: 40 });
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(explain(VPC))));
    expect(json.stdout.split("\n").some((line) => line.length > 200)).toBe(true);
    const miss = await run(["explain", `${VPC}x`], { isTTY: true, columns: 40 });
    expect(miss.code).toBe(1);
    expect(miss.stderr.length).toBeGreaterThan(80);
    expect(miss.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("fits the help of every command in 80 columns, examples kept whole", async () => {
    for (const args of [["--help"], ["explain", "--help"], ["doctor", "--help"], ["probe-xks", "--help"]]) {
      const out = await run(args);
      expect(out.code).toBe(0);
      expect(overWidth(out.stdout, 80), args.join(" ")).toEqual([]);
    }
    expect((await run(["explain", "--help"])).stdout).toContain(
      "  $ kms-keystore-errors explain XKS_PROXY_TIMED_OUT --json\n",
    );
  });

  it("wraps the built CLI's output too (80 columns through a pipe)", { tags: ["built"] }, async () => {
    expect(existsSync(CLI)).toBe(true);
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, "explain", "XKS_PROXY_TIMED_OUT"], {
        env: { PATH: process.env.PATH ?? "" },
      });
      let text = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        text += d;
      });
      child.on("error", reject);
      child.on("close", () => resolve(text));
    });
    expect(stdout.split("\n")[0]).toBe("XKS_PROXY_TIMED_OUT");
    expect(overWidth(stdout, 80)).toEqual([]);
  });
});

describe(wrapText.name, () => {
  it("breaks prose at spaces with a hanging indent after a step number, a bullet or a field label", () => {
    expect(wrapText("    1. alpha beta gamma delta epsilon", 20)).toBe(
      "    1. alpha beta\n       gamma delta\n       epsilon",
    );
    expect(wrapText("  - alpha beta gamma delta", 16)).toBe("  - alpha beta\n    gamma delta");
    expect(wrapText("  Kinds:   alpha beta gamma delta", 24)).toBe(
      "  Kinds:   alpha beta\n           gamma delta",
    );
    expect(wrapText("  Why: alpha beta gamma delta", 20)).toBe("  Why: alpha beta\n       gamma delta");
    expect(wrapText("alpha beta gamma delta", 12)).toBe("alpha beta\ngamma delta");
  });

  it("keeps a URL or a command in backticks whole, alone on its line when longer than the width", () => {
    const url = "https://docs.aws.amazon.com/kms/latest/developerguide/xks-troubleshooting.html";
    expect(wrapText(`  - ${url}`, 40)).toBe(`  - ${url}`);
    expect(wrapText("Run `aws kms connect-custom-key-store --custom-key-store-id <id>` now.", 30)).toBe(
      "Run\n`aws kms connect-custom-key-store --custom-key-store-id <id>`\nnow.",
    );
    expect(wrapText("Then `aws kms describe` and wait.", 24)).toBe("Then `aws kms describe`\nand wait.");
  });

  it("leaves lines that fit, table rows and shell commands alone", () => {
    expect(wrapText("short line\n\n  also short", 20)).toBe("short line\n\n  also short");
    const row = "cks-1234567890abcdef0  payments-xks  EXTERNAL_KEY_STORE  FAILED  XKS_PROXY_TIMED_OUT";
    expect(wrapText(row, 40)).toBe(row);
    const command = "  $ kms-keystore-errors explain \\\n      --json XKS_PROXY_TIMED_OUT and more words";
    expect(wrapText(command, 30)).toBe(command);
  });

  it("does not count colour codes toward the width", () => {
    const red = (t: string) => `\u001b[31m${t}\u001b[39m`;
    const text = `  Retryable: ${red("yes")} alpha beta gamma`;
    expect(wrapText(text, 33)).toBe(text);
    expect(wrapText(text, 30)).toBe(`  Retryable: ${red("yes")} alpha beta\n             gamma`);
  });

  it("uses the terminal's columns only on a terminal", () => {
    expect(outputWidth(false, 132)).toBe(80);
    expect(outputWidth(true, undefined)).toBe(80);
    expect(outputWidth(true, 132)).toBe(132);
    expect(outputWidth(true, 10)).toBe(40);
    // A terminal that reports no usable width gets the default, not the minimum.
    for (const columns of [0, -1, 100.5, Number.NaN])
      expect(outputWidth(true, columns), `${columns}`).toBe(80);
  });
});

describe("wrapText, line by line", () => {
  const red = (text: string) => `\u001b[31m${text}\u001b[39m`;

  it("leaves a line of exactly the width alone and wraps one a column longer", () => {
    const line = `${"a".repeat(14)} ${"b".repeat(15)}`;
    expect(line).toHaveLength(30);
    expect(wrapText(line, 30)).toBe(line);
    expect(wrapText(`${line}b`, 30)).toBe(`${"a".repeat(14)}\n${"b".repeat(16)}`);
  });

  it("hangs continuation lines after a step number of any length, a bullet, a field or a label", () => {
    expect(wrapText("1. alpha beta gamma delta epsilon", 20)).toBe("1. alpha beta gamma\n   delta epsilon");
    expect(wrapText("  12. alpha beta gamma delta", 20)).toBe("  12. alpha beta\n      gamma delta");
    expect(wrapText("- alpha beta gamma delta epsilon", 20)).toBe("- alpha beta gamma\n  delta epsilon");
    expect(wrapText("* alpha beta gamma delta epsilon", 20)).toBe("* alpha beta gamma\n  delta epsilon");
    expect(wrapText("Kinds:   alpha beta gamma delta", 20)).toBe("Kinds:   alpha beta\n         gamma delta");
    expect(wrapText("--to S  alpha beta gamma delta", 20)).toBe("--to S  alpha beta\n        gamma delta");
    expect(wrapText("  Why: alpha beta gamma delta", 20)).toBe("  Why: alpha beta\n       gamma delta");
    expect(wrapText("    alpha beta gamma delta", 20)).toBe("    alpha beta gamma\n    delta");
  });

  it("reads a marker, a field or a label only at the start of a line", () => {
    expect(wrapText("see 1. alpha beta gamma delta", 20)).toBe("see 1. alpha beta\ngamma delta");
    expect(wrapText("x - alpha beta gamma delta", 20)).toBe("x - alpha beta gamma\ndelta");
    expect(wrapText("Why: alpha beta gamma delta", 20)).toBe("Why: alpha beta\ngamma delta");
    expect(wrapText("  why: alpha beta gamma delta", 20)).toBe("  why: alpha beta\n  gamma delta");
  });

  it("hangs a little under the indentation when the hanging indent passes half the width", () => {
    expect(wrapText("  Field name here:   alpha beta gamma", 30)).toBe(
      "  Field name here:   alpha\n      beta gamma",
    );
  });

  it("hangs at most at half the width, even when the indentation is deeper", () => {
    expect(wrapText(`${" ".repeat(14)}Fields:  alpha beta gamma delta`, 30)).toBe(
      `${" ".repeat(14)}Fields:  alpha\n${" ".repeat(15)}beta gamma\n${" ".repeat(15)}delta`,
    );
  });

  it("leaves no blank at the end of a wrapped line", () => {
    expect(wrapText("alpha beta gamma delta epsilon ", 20)).toBe("alpha beta gamma\ndelta epsilon");
  });

  it("wraps prose that holds a `$ ` or ends in a backslash: only a line starting with `$ ` is a command", () => {
    expect(wrapText("alpha $ beta gamma delta epsilon", 20)).toBe("alpha $ beta gamma\ndelta epsilon");
    expect(wrapText("alpha beta \\\nalpha beta gamma delta epsilon", 20)).toBe(
      "alpha beta \\\nalpha beta gamma\ndelta epsilon",
    );
    expect(wrapText("alpha $ beta \\\nalpha beta gamma delta epsilon", 20)).toBe(
      "alpha $ beta \\\nalpha beta gamma\ndelta epsilon",
    );
  });

  it("keeps a hanging indent of exactly half the width", () => {
    expect(wrapText("Kinds:         alpha beta gamma delta", 30)).toBe(
      `Kinds:         alpha beta\n${" ".repeat(15)}gamma delta`,
    );
  });

  it("takes only `$` and a space for a shell command: a price is prose", () => {
    expect(wrapText("$5 per alpha beta gamma delta", 20)).toBe("$5 per alpha beta\ngamma delta");
  });

  it("knows a shell command by its text, not its colour", () => {
    const command = "$ aws kms list-keys --region eu-west-1 --output json";
    expect(wrapText(red(command), 20)).toBe(red(command));
  });

  it("keeps a table row (two aligned gaps or more) as it is", () => {
    const row = "name  value  another value that runs long";
    expect(wrapText(row, 20)).toBe(row);
  });

  it("counts colour codes as no width and wraps coloured text where it wraps plain text", () => {
    const uncoloured = "1. alpha beta gamma delta epsilon";
    const coloured = `1. ${red("alpha")} beta ${red("gamma")} delta epsilon`;
    expect(plain(wrapText(coloured, 20))).toBe(wrapText(uncoloured, 20));
    expect(wrapText(`${red("1.")} alpha beta gamma delta`, 20)).toBe(
      `${red("1.")} alpha beta gamma\n   delta`,
    );
    expect(wrapText(red("a".repeat(20)), 20)).toBe(red("a".repeat(20)));
  });

  it("keeps a command in backticks on one line, and splits an unclosed backtick's words", () => {
    expect(wrapText("Run `aws kms describe-key --key-id k` now", 20)).toBe(
      "Run\n`aws kms describe-key --key-id k`\nnow",
    );
    expect(wrapText("Run `aws kms describe-key --key-id k now", 20)).toBe(
      "Run `aws kms\ndescribe-key\n--key-id k now",
    );
  });

  it("keeps a shell command and its backslash continuations whole, then wraps again", () => {
    const text = [
      "$ aws kms describe-custom-key-stores --custom-key-store-id cks-1 \\",
      "    --region eu-west-1 --output json --query CustomKeyStores",
      "alpha beta gamma delta epsilon zeta",
    ].join("\n");
    expect(wrapText(text, 20).split("\n")).toEqual([
      "$ aws kms describe-custom-key-stores --custom-key-store-id cks-1 \\",
      "    --region eu-west-1 --output json --query CustomKeyStores",
      "alpha beta gamma",
      "delta epsilon zeta",
    ]);
    expect(wrapText("  $ aws kms list-keys --region eu-west-1 --output json", 20)).toBe(
      "  $ aws kms list-keys --region eu-west-1 --output json",
    );
  });
});
