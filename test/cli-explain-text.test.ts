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
