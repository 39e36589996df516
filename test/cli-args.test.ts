import { styleText } from "node:util";
import { explain } from "kms-keystore-errors";
import { describe, expect, it } from "vitest";
import { style } from "../src/cli/style.js";
import { runCli } from "./support/cli.js";

const run = runCli;

describe("the CLI's options (util.parseArgs)", () => {
  it("takes a value as --name=value and as --name value", async () => {
    for (const args of [
      ["doctor", "--endpoint=not a url"],
      ["doctor", "--endpoint", "not a url"],
    ]) {
      const out = await run(args);
      expect(out.code, args.join(" ")).toBe(2);
      expect(out.stderr).toContain("--endpoint must be a URL");
    }
  });

  it("collects a repeatable option in order (every value is checked)", async () => {
    const out = await run(["doctor", "--deep", "--key-store", "cks-1234567890abcdef0", "--key-store=nope"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('not "nope"');
  });

  it("reads - as a positional (stdin) and treats everything after -- as positionals", async () => {
    const stdin = await run(["explain", "--json", "-"], { readStdin: async () => "XKS_PROXY_TIMED_OUT\n" });
    expect(stdin.code).toBe(0);
    expect(JSON.parse(stdin.stdout).cause).toBe("XKS_PROXY_TIMED_OUT");

    const ended = await run(["explain", "--json", "--", "XKS_PROXY_TIMED_OUT"]);
    expect(JSON.parse(ended.stdout)).toEqual(JSON.parse(JSON.stringify(explain("XKS_PROXY_TIMED_OUT"))));
    // After --, "--all" is a query, not the option: nothing matches it (exit 1, not a usage error).
    const literal = await run(["explain", "--", "--all"]);
    expect(literal.code).toBe(1);
    expect(literal.stderr).toContain("no catalog entry matches");
  });

  it("quotes an unknown option of up to 40 characters whole, and cuts a longer one at 40", async () => {
    const forty = `--${"x".repeat(38)}`;
    const whole = await run(["doctor", forty]);
    expect(whole.code).toBe(2);
    expect(whole.stderr).toContain(`unknown option "${forty}"`);
    const cut = await run(["doctor", `${forty}y`]);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toContain(`unknown option "${forty}…"`);
    expect(cut.stderr).not.toContain(`${forty}y`);
  });

  it("refuses a value on a boolean flag and a missing value on a value flag", async () => {
    const cases: [string[], string][] = [
      [["explain", "--json=yes", "X"], "option --json takes no value"],
      [["explain", "--all=", "X"], "option --all takes no value"],
      [["doctor", "--region"], "option --region needs a value"],
      [["doctor", "--region="], "option --region needs a value"],
      [["doctor", "--region", "--json"], "option --region needs a value"],
      [["probe-xks", "--key-id"], "option --key-id needs a value"],
    ];
    for (const [args, message] of cases) {
      const out = await run(args);
      expect(out.code, args.join(" ")).toBe(2);
      expect(out.stdout).toBe("");
      expect(out.stderr).toContain(message);
    }
    // A value that starts with a dash can be attached.
    const attached = await run(["doctor", "--endpoint=-x"]);
    expect(attached.stderr).toContain("--endpoint must be a URL");
  });

  it("names an unknown option in at most 40 characters, never its value", async () => {
    const name = `--${"a".repeat(100)}`;
    const out = await run(["explain", `${name}=hunter2-secret-value`, "X"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`unknown option "${name.slice(0, 40)}…"`);
    expect(out.stderr).not.toContain(name.slice(0, 41));
    expect(out.stderr).not.toContain("hunter2");
    for (const args of [
      ["explain", "-x", "X"],
      ["doctor", "--no-json"],
      ["probe-xks", "--bogus"],
    ]) {
      const unknown = await run(args);
      expect(unknown.code, args.join(" ")).toBe(2);
      expect(unknown.stderr).toContain(`unknown option "${args[1]}"`);
    }
  });
});

describe("the CLI's colours (util.styleText)", () => {
  it("paints with util.styleText when colour is on, and not at all when it is off", () => {
    const on = style(true);
    for (const format of ["bold", "dim", "red", "green", "yellow", "cyan"] as const) {
      expect(on[format]("text")).toBe(styleText(format, "text", { validateStream: false }));
      expect(on[format]("text")).not.toBe("text");
      expect(style(false)[format]("text")).toBe("text");
    }
  });
});
