/**
 * `kms-keystore-errors alarms` through `main()` against the KMS emulator: the stores are listed with
 * DescribeCustomKeyStores, the alarms of the external key stores printed unwrapped, bad input refused
 * with one line and exit 2.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { KMSClient } from "@aws-sdk/client-kms";
import { parse as parseHcl } from "@cdktf/hcl2json";
import { keyStoreAlarms } from "kms-keystore-errors/diagnostics";
import { type KmsEmulator, startKmsEmulator } from "kms-keystore-errors/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { runCli } from "./support/cli.js";
import { clientFor, createHsmStore, createXksStore } from "./support/kms.js";

const STACK = /^\s+at /m;

const run = runCli;

describe("alarms (CLI)", () => {
  let emulator: KmsEmulator;
  let kms: KMSClient;
  let xks: string;
  const at = () => ["--endpoint", emulator.endpoint, "--region", emulator.region];

  beforeAll(async () => {
    emulator = await startKmsEmulator();
    kms = clientFor(emulator);
    xks = await createXksStore(kms, emulator.region, 1, {
      name: "payments-xks",
      accessKeyId: "ABCDEFGHIJKLMNOPQRST",
    });
    await createHsmStore(kms, { name: "hsm-store", clusterId: "cluster-1234567abcd" });
  });
  afterAll(async () => {
    kms?.destroy();
    await emulator?.close();
  });
  afterEach(() => vi.unstubAllEnvs());
  const credentials = () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test-secret-not-used");
  };

  it("prints the alarms of every external key store, exactly as keyStoreAlarms writes them, unwrapped", async () => {
    credentials();
    const expected = keyStoreAlarms([{ customKeyStoreId: xks, customKeyStoreName: "payments-xks" }], {
      format: "cli",
      snsTopicArn: "arn:aws:sns:us-east-1:111122223333:kms",
    });
    const out = await run(["alarms", ...at(), "--sns-topic", "arn:aws:sns:us-east-1:111122223333:kms"]);
    expect(out).toEqual({ code: 0, stdout: expected, stderr: "" });
    expect(out.stdout.split("\n").some((line) => line.length > 200)).toBe(true);
  });

  it("prints a CloudFormation template and Terraform with --format", async () => {
    credentials();
    const cfn = await run(["alarms", ...at(), "--format", "cloudformation"]);
    expect(cfn.code).toBe(0);
    const template = JSON.parse(cfn.stdout) as { Resources: Record<string, unknown> };
    expect(Object.keys(template.Resources)).toHaveLength(4);
    const tf = await run(["alarms", ...at(), "--format=terraform"]);
    expect(tf.code).toBe(0);
    expect(tf.stdout.match(/^resource "aws_cloudwatch_metric_alarm"/gm)).toHaveLength(4);
  });

  it("the built CLI prints Terraform that HashiCorp's parser reads (a pipe: nothing wrapped)", {
    tags: ["built"],
  }, async () => {
    const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first (npm test does).`);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        cli,
        "alarms",
        ...at(),
        "--format",
        "terraform",
        "--sns-topic",
        "arn:aws:sns:us-east-1:111122223333:kms",
      ],
      {
        env: {
          PATH: process.env.PATH ?? "",
          AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
          AWS_SECRET_ACCESS_KEY: "test-secret-not-used",
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        },
      },
    );
    const parsed = (await parseHcl("alarms.tf", stdout)) as {
      resource: { aws_cloudwatch_metric_alarm: Record<string, unknown> };
    };
    expect(Object.keys(parsed.resource.aws_cloudwatch_metric_alarm)).toHaveLength(4);
  });

  it("says so on stderr, exit 0, when no store is an external key store", async () => {
    credentials();
    const empty = await startKmsEmulator();
    try {
      const out = await run(["alarms", "--endpoint", empty.endpoint, "--region", empty.region]);
      expect(out.code).toBe(0);
      expect(out.stdout).toBe("");
      expect(out.stderr).toMatch(/^kms-keystore-errors alarms: no external key store in us-east-1: /);
    } finally {
      await empty.close();
    }
  });

  it("exits 2 with one line when the stores cannot be described", async () => {
    credentials();
    emulator.failNext("DescribeCustomKeyStores", { exception: "AccessDeniedException", times: 1 });
    const out = await run(["alarms", ...at()]);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe("");
    expect(out.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(out.stderr).toMatch(
      /^kms-keystore-errors alarms: could not describe the custom key stores: AccessDeniedException/,
    );
    expect(out.stderr).not.toMatch(STACK);
  });

  it("exits 2 with one line when there is no Region", async () => {
    credentials();
    const out = await run(["alarms", "--endpoint", emulator.endpoint]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^kms-keystore-errors alarms: no AWS Region/);
  });

  it("refuses bad input with a usage error, exit 2", async () => {
    for (const [args, message] of [
      [["--format", "yaml"], /--format must be one of cli, cloudformation, terraform/],
      [["--sns-topic", "arn:aws:sqs:us-east-1:111122223333:q"], /--sns-topic must be an SNS topic ARN/],
      [["--endpoint", "not a url"], /--endpoint must be a URL/],
      [["--timeout", "0"], /--timeout must be a whole number/],
      [["extra"], /unexpected argument "extra"/],
      [["--nope"], /unknown option "--nope"/],
      [["--format"], /option --format needs a value/],
    ] as const) {
      const out = await run(["alarms", ...args]);
      expect(out.code, args.join(" ")).toBe(2);
      expect(out.stderr, args.join(" ")).toMatch(message);
      expect(out.stderr).toContain("Run 'kms-keystore-errors alarms --help' for usage.");
    }
  });

  it("has help that fits 80 columns, and is listed in the program's help", async () => {
    const help = await run(["alarms", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--format F");
    expect(help.stdout.split("\n").filter((line) => line.length > 80)).toEqual([]);
    expect((await run(["help", "alarms"])).stdout).toBe(help.stdout);
    expect((await run(["--help"])).stdout).toContain("alarms [--format cli|cloudformation|terraform]");
  });
});
