/**
 * `explain`'s text, word for word, through the CLI's `main` in-process: each field of an entry, the
 * retry advice, the key-store-type variants, the steps and docs, several matches with `--all`, and
 * the colours on a terminal. The snapshots are the text a user reads; a change to the catalog's
 * guidance updates them (`npx vitest run test/cli-explain-text.test.ts -u`), and the review reads it.
 */
import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

describe("explain's text", () => {
  it.each([
    // Retryable, for a store that failed to connect; codes; an external key store's.
    ["XKS_PROXY_TIMED_OUT"],
    // Retryable, without codes.
    ["XKS_PROXY_THROTTLED"],
    // A general KMS failure, not retryable, any store type.
    ["DisabledException"],
    // Steps for each key store type.
    ["INVALID_CREDENTIALS"],
  ])("%s", async (query) => {
    const run = await runCli(["explain", query]);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toMatchSnapshot();
  });

  it("every match with --all, most specific first", async () => {
    const run = await runCli(["explain", "--all", "KMSInvalidStateException: XKS_PROXY_TIMED_OUT"]);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toMatchSnapshot();
  });

  it("in colour on a terminal, wrapped to its width", async () => {
    const run = await runCli(["explain", "INVALID_CREDENTIALS"], { isTTY: true, columns: 100 });
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toMatchSnapshot();
  });
});

describe("explain when nothing matches", () => {
  it.each([
    [
      "a near miss, with the names it may mean",
      "XksProxyVpcEndpointServiceInvalidConfigurationExceptoin",
      'kms-keystore-errors explain: no catalog entry matches "XksProxyVpcEndpointServiceInvalidConfigurationExceptoin". Did you mean XksProxyVpcEndpointServiceInvalidConfiguration, XksProxyVpcEndpointServiceInvalidConfigurationException?\n',
    ],
    [
      "text that is not one short token, never echoed",
      "zzzz qqqq",
      "kms-keystore-errors explain: no catalog entry matches that text. Give an exception name, a ConnectionErrorCode, a cause, or a log line that names one.\n",
    ],
    [
      "a token longer than 120 characters, never echoed",
      "Q".repeat(121),
      "kms-keystore-errors explain: no catalog entry matches that text. Give an exception name, a ConnectionErrorCode, a cause, or a log line that names one.\n",
    ],
    [
      "a token of 120 characters, echoed",
      "Q".repeat(120),
      `kms-keystore-errors explain: no catalog entry matches "${"Q".repeat(120)}". Give an exception name, a ConnectionErrorCode, a cause, or a log line that names one.\n`,
    ],
  ])("exits 1 for %s", async (_name, query, stderr) => {
    expect(await runCli(["explain", ` ${query} `])).toEqual({ code: 1, stdout: "", stderr });
  });

  it("prints the entry, or every match, as JSON with --json", async () => {
    const one = await runCli(["explain", "--json", "XKS_PROXY_TIMED_OUT"]);
    expect([one.code, one.stderr, (JSON.parse(one.stdout) as { cause: string }).cause]).toEqual([
      0,
      "",
      "XKS_PROXY_TIMED_OUT",
    ]);
    const all = await runCli(["explain", "--json", "--all", "KMSInternalException"]);
    const causes = (JSON.parse(all.stdout) as { cause: string }[]).map((e) => e.cause);
    expect(causes.at(-1)).toBe("KMS_INTERNAL");
    expect(causes.length).toBeGreaterThan(1);
  });
});
