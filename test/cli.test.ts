import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  ConnectCustomKeyStoreCommand,
  CreateCustomKeyStoreCommand,
  DeleteCustomKeyStoreCommand,
  type KMSClient,
} from "@aws-sdk/client-kms";
import {
  catalog,
  checkKeyStores,
  classify,
  explain,
  formatFailure,
  type KeyStoreReport,
  lookup,
  toLogEntry,
} from "kms-keystore-errors";
import type { Diagnosis, ProbeReport } from "kms-keystore-errors/diagnostics";
import {
  type AwsEmulator,
  type KmsEmulator,
  startAwsEmulator,
  startKmsEmulator,
  startXksProxy,
  type XksProxy,
  type XksVpcSetup,
} from "kms-keystore-errors/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { renderDeep, runDeep } from "../src/cli/deep.js";
import { runDoctor } from "../src/cli/doctor.js";
import { InputTooLargeError, main } from "../src/cli/main.js";
import { isCredentialFlag, renderProbe } from "../src/cli/probe.js";
import { style } from "../src/cli/style.js";
import { USAGE } from "../src/cli/usage.js";
import { wrapText } from "../src/cli/wrap.js";
import { runCli } from "./support/cli.js";
import { closeHostileServers, hostile, kmsJson } from "./support/hostile.js";
import { clientFor } from "./support/kms.js";
import { recordingLoaders } from "./support/loaders.js";
import { REMEDIATION, remediationBlock } from "./support/remediation.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const PACKAGE = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for ANSI escapes is the point.
const ANSI = /\u001b\[/;
const STACK = /^\s+at /m;

const SECRET_KEY = "SECRETMARKERsecretmarkerSECRETMARKER0123456";
const SECRET_ID = "AKIAMARKERMARKERMARKQ";
const TIMEOUT_LINE =
  "KMSInvalidStateException: The external key store proxy did not respond in time. Retry the request.";

let home: string;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does).`);
  home = mkdtempSync(join(tmpdir(), "kms-cli-home-"));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The built CLI as a user runs it: a child process with a clean environment (no AWS config). */
function cli(
  args: readonly string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: home, AWS_EC2_METADATA_DISABLED: "true", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
  });
}

const inProcess = runCli;

/** A usage error as the CLI prints it on stderr. */
const usage = (command: string, message: string) =>
  `kms-keystore-errors${command === "" ? "" : ` ${command}`}: ${message}\nRun 'kms-keystore-errors${
    command === "" ? "" : ` ${command}`
  } --help' for usage.\n`;

const credentials = { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "test-secret-not-used" };

let counter = 0;
async function createXks(kms: KMSClient, emulator: KmsEmulator, secret = false): Promise<string> {
  counter++;
  const out = await kms.send(
    new CreateCustomKeyStoreCommand({
      CustomKeyStoreName: `xks-${counter}`,
      CustomKeyStoreType: "EXTERNAL_KEY_STORE",
      XksProxyConnectivity: "VPC_ENDPOINT_SERVICE",
      XksProxyUriEndpoint: `https://xks-${counter}.example.com`,
      XksProxyUriPath: "/kms/xks/v1",
      XksProxyVpcEndpointServiceName: `com.amazonaws.vpce.${emulator.region}.vpce-svc-0${counter}23456789abcdef`,
      XksProxyAuthenticationCredential: {
        AccessKeyId: secret ? SECRET_ID : "ABCDEFGHIJKLMNOPQRST",
        RawSecretAccessKey: secret ? SECRET_KEY : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ",
      },
    }),
  );
  return out.CustomKeyStoreId as string;
}

describe("kms-keystore-errors (spawned)", () => {
  it("--version and -v print the package.json version", { tags: ["built"] }, async () => {
    const [long, short] = await Promise.all([cli(["--version"]), cli(["-v"])]);
    for (const run of [long, short]) {
      expect(run).toMatchObject({ code: 0, stderr: "" });
      expect(run.stdout.trim()).toBe(PACKAGE.version);
    }
  });

  it("--help lists every command; no command prints usage and exits 2", { tags: ["built"] }, async () => {
    const [help, none] = await Promise.all([cli(["--help"]), cli([])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("explain <name|code|log line...>");
    expect(help.stdout).toContain("doctor [--region R]");
    expect(help.stdout).toContain("doctor --deep");
    expect(help.stdout).toContain("probe-xks --uri-endpoint URL");
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Usage:");
  });

  it("explains an exception name with its cause and docs", { tags: ["built"] }, async () => {
    const run = await cli(["explain", "XksProxyVpcEndpointServiceInvalidConfigurationException"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION");
    expect(run.stdout).toContain("https://docs.aws.amazon.com/kms/");
    expect(run.stdout).not.toMatch(ANSI);
  });

  it("--json prints exactly what explain() returns", { tags: ["built"] }, async () => {
    const run = await cli(["explain", "XKS_PROXY_TIMED_OUT", "--json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(JSON.stringify(explain("XKS_PROXY_TIMED_OUT"))));
  });

  it("reads a log line from stdin with -", { tags: ["built"] }, async () => {
    const run = await cli(["explain", "-", "--json"], { stdin: `${TIMEOUT_LINE}\n` });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).cause).toBe("XKS_PROXY_TIMED_OUT");
  });

  it("unknown input exits 1 with a did-you-mean hint on stderr", { tags: ["built"] }, async () => {
    const run = await cli(["explain", "XksProxyVpcEndpointServiceInvalidConfigurationExceptoin"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("Did you mean");
    expect(run.stderr).toContain("XksProxyVpcEndpointServiceInvalidConfigurationException?");
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("an unknown option or command exits 2 with a usage hint", { tags: ["built"] }, async () => {
    const runs = await Promise.all([
      cli(["explain", "--bogus", "X"]),
      cli(["doctor", "--nope"]),
      cli(["frobnicate"]),
    ]);
    for (const run of runs) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("--help");
      expect(run.stdout).toBe("");
    }
  });

  describe("doctor against the emulator", () => {
    let emulator: KmsEmulator;
    let kms: KMSClient;
    afterEach(() => emulator.close());
    const start = async () => {
      emulator = await startKmsEmulator({ connectDelayMs: 5 });
      kms = clientFor(emulator);
    };
    const doctor = (...extra: string[]) =>
      cli(["doctor", "--endpoint", emulator.endpoint, "--region", emulator.region, ...extra], {
        env: credentials,
      });

    it("exits 1 when a store is FAILED, and --json prints the reports", { tags: ["built"] }, async () => {
      await start();
      const failed = await createXks(kms, emulator, true);
      await createXks(kms, emulator);
      emulator.keyStore(failed).failConnect("XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION");
      await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: failed }));
      await vi.waitFor(() => expect(emulator.keyStore(failed).state()).toBe("FAILED"));

      const [json, text] = await Promise.all([doctor("--json"), doctor()]);
      expect(json.code).toBe(1);
      const reports = JSON.parse(json.stdout) as { customKeyStoreId: string; failure?: { cause: string } }[];
      expect(reports).toHaveLength(2);
      expect(reports.find((r) => r.customKeyStoreId === failed)?.failure?.cause).toBe(
        "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
      );
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(/ID\s+NAME\s+TYPE\s+STATE\s+ERROR CODE/);
      expect(text.stdout).toContain("XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION");
      expect(text.stdout).toContain("What to do:");
      expect(text.stdout).toContain("KEY_STORE_NOT_CONNECTED");
      for (const run of [json, text]) {
        expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET_KEY);
        expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET_ID);
        expect(`${run.stdout}${run.stderr}`).not.toMatch(ANSI);
        expect(run.stderr).toBe("");
      }
    });

    it("in-process: the table, the summary and each store's guidance, word for word", async () => {
      await start();
      vi.stubEnv("AWS_ACCESS_KEY_ID", credentials.AWS_ACCESS_KEY_ID);
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", credentials.AWS_SECRET_ACCESS_KEY);
      const create = async (name: string) =>
        (
          await kms.send(
            new CreateCustomKeyStoreCommand({
              CustomKeyStoreName: name,
              CustomKeyStoreType: "EXTERNAL_KEY_STORE",
              XksProxyConnectivity: "PUBLIC_ENDPOINT",
              XksProxyUriEndpoint: `https://${name.slice(0, 20)}.example.com`,
              XksProxyUriPath: "/kms/xks/v1",
              XksProxyAuthenticationCredential: { AccessKeyId: SECRET_ID, RawSecretAccessKey: SECRET_KEY },
            }),
          )
        ).CustomKeyStoreId as string;
      const longName = `ledger-${"x".repeat(60)}`;
      const connected = await create("payments");
      const failed = await create(longName);
      const idle = await create("archive");
      emulator.keyStore(connected).setState("CONNECTED");
      emulator.keyStore(failed).setState("FAILED", "XKS_PROXY_TIMED_OUT");
      try {
        const options = {
          region: emulator.region,
          endpoint: emulator.endpoint,
          json: false,
          deadlineMs: 60_000,
        };
        const [plain, coloured] = await Promise.all([
          runDoctor({ ...options, style: style(false) }),
          runDoctor({ ...options, style: style(true) }),
        ]);
        // The columns: ids of 21 characters, names cut at 40, the type, the state; the error code only
        // for a FAILED store, and no padding after the last cell.
        const row = (...cells: string[]) =>
          [cells[0]?.padEnd(21), cells[1]?.padEnd(40), cells[2]?.padEnd(18), cells[3]?.padEnd(12), cells[4]]
            .join("  ")
            .trimEnd();
        const cut = `${longName.slice(0, 39)}…`;
        expect([plain.code, plain.stderr]).toEqual([1, ""]);
        expect(plain.stdout.split("\n").slice(0, 8)).toEqual([
          `Custom key stores in ${emulator.region}`,
          "",
          row("ID", "NAME", "TYPE", "STATE", "ERROR CODE"),
          row(connected, "payments", "EXTERNAL_KEY_STORE", "CONNECTED", ""),
          row(failed, cut, "EXTERNAL_KEY_STORE", "FAILED", "XKS_PROXY_TIMED_OUT"),
          row(idle, "archive", "EXTERNAL_KEY_STORE", "DISCONNECTED", ""),
          "",
          "3 custom key stores: 1 connected, 1 failed, 1 disconnected.",
        ]);
        // Each store with a failure: its id, name (cut at 60) and state, then its guidance indented.
        const reports = (await checkKeyStores(kms))._unsafeUnwrap();
        const blocks = reports.flatMap((r) =>
          r.failure === undefined
            ? []
            : [
                "",
                `${r.customKeyStoreId} (${r.customKeyStoreId === failed ? `${longName.slice(0, 59)}…` : r.customKeyStoreName}): ${r.connectionState}`,
                ...formatFailure(r.failure)
                  .split("\n")
                  .map((line) => (line === "" ? "" : `  ${line}`)),
              ],
        );
        expect(blocks.filter((l) => l.endsWith(": FAILED") || l.endsWith(": DISCONNECTED"))).toHaveLength(2);
        expect(plain.stdout).toBe(
          [...plain.stdout.split("\n").slice(0, 8), ...blocks].join("\n").concat("\n"),
        );
        const paint = style(true);
        const lines = coloured.stdout.split("\n");
        expect(lines[2]).toBe(
          ["ID".padEnd(21), "NAME".padEnd(40), "TYPE".padEnd(18), "STATE".padEnd(12), "ERROR CODE"]
            .map((cell) => paint.bold(cell))
            .join("  "),
        );
        expect(lines[3]).toContain(`  ${paint.green("CONNECTED".padEnd(12))}`);
        expect(lines[4]).toContain(`  ${paint.red("FAILED".padEnd(12))}  XKS_PROXY_TIMED_OUT`);
        expect(lines[5]).toContain(`  ${paint.yellow("DISCONNECTED")}`);
      } finally {
        vi.unstubAllEnvs();
      }
    });

    it("in-process: states in transition in yellow, others unpainted, and a store whose answer lacks its fields", async () => {
      await start();
      const kmsAnswer = await hostile((_req, res) =>
        kmsJson(res, {
          CustomKeyStores: [
            {
              CustomKeyStoreId: "cks-0000000000000000a",
              CustomKeyStoreName: "a",
              CustomKeyStoreType: "EXTERNAL_KEY_STORE",
              ConnectionState: "CONNECTING",
            },
            {
              CustomKeyStoreId: "cks-0000000000000000b",
              CustomKeyStoreName: "b",
              CustomKeyStoreType: "EXTERNAL_KEY_STORE",
              ConnectionState: "DISCONNECTING",
            },
            {
              CustomKeyStoreId: "cks-0000000000000000c",
              CustomKeyStoreName: "c",
              CustomKeyStoreType: "EXTERNAL_KEY_STORE",
              ConnectionState: "REPAIRING",
            },
            { CustomKeyStoreId: "cks-0000000000000000d" },
          ],
        }),
      );
      vi.stubEnv("AWS_ACCESS_KEY_ID", credentials.AWS_ACCESS_KEY_ID);
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", credentials.AWS_SECRET_ACCESS_KEY);
      try {
        const run = await runDoctor({
          region: "us-east-1",
          endpoint: kmsAnswer.url,
          json: false,
          deadlineMs: 30_000,
          style: style(true),
        });
        const paint = style(true);
        const lines = run.stdout.split("\n");
        expect(lines[3]).toContain(`  ${paint.yellow("CONNECTING".padEnd(13))}`);
        expect(lines[4]).toContain(`  ${paint.yellow("DISCONNECTING")}`);
        expect(lines[5]).toMatch(/ {2}REPAIRING$/);
        // No name, type or state: empty cells, and the state counted as unknown.
        expect(lines[6]).toBe("cks-0000000000000000d");
        expect(lines[8]).toBe("4 custom key stores: 1 connecting, 1 disconnecting, 1 repairing, 1 unknown.");
      } finally {
        vi.unstubAllEnvs();
        await closeHostileServers();
      }
    });

    it("exits 0 when stores are only DISCONNECTED (listed with guidance)", { tags: ["built"] }, async () => {
      await start();
      await createXks(kms, emulator);
      const run = await doctor();
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("DISCONNECTED");
      expect(run.stdout).toContain("KEY_STORE_NOT_CONNECTED");
    });

    it("in-process: one line (or the error as JSON) when the stores cannot be described", async () => {
      await start();
      emulator.failNext("DescribeCustomKeyStores", {
        exception: "AccessDeniedException",
        message:
          "User: arn:aws:iam::111122223333:user/ops is not authorized to perform: kms:DescribeCustomKeyStores...",
        times: 2,
      });
      vi.stubEnv("AWS_ACCESS_KEY_ID", credentials.AWS_ACCESS_KEY_ID);
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", credentials.AWS_SECRET_ACCESS_KEY);
      try {
        const options = {
          region: emulator.region,
          endpoint: emulator.endpoint,
          deadlineMs: 30_000,
          style: style(false),
        };
        const text = await runDoctor({ ...options, json: false });
        const json = await runDoctor({ ...options, json: true });
        const summary = lookup("AccessDeniedException")[0]?.remediation.summary;
        expect(text).toEqual({
          code: 2,
          stdout: "",
          stderr: `kms-keystore-errors doctor: could not describe the custom key stores: AccessDeniedException (ACCESS_DENIED): User: arn:aws:iam::111122223333:user/ops is not authorized to perform: kms:DescribeCustomKeyStores. ${summary}\n`,
        });
        expect([json.code, json.stderr]).toEqual([2, ""]);
        expect(JSON.parse(json.stdout)).toEqual({
          error: expect.objectContaining({
            "error.type": "AccessDeniedException",
            "rpc.method": "DescribeCustomKeyStores",
            "kms.failure.cause": "ACCESS_DENIED",
          }),
        });
      } finally {
        vi.unstubAllEnvs();
      }
    });

    it("exits 2 with one line when the stores cannot be described", { tags: ["built"] }, async () => {
      await start();
      emulator.failNext("DescribeCustomKeyStores", {
        exception: "AccessDeniedException",
        message:
          "User: arn:aws:iam::111122223333:user/ops is not authorized to perform: kms:DescribeCustomKeyStores",
        times: 10,
      });
      const [text, json] = await Promise.all([doctor(), doctor("--json")]);
      expect(text.code).toBe(2);
      expect(text.stdout).toBe("");
      expect(text.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(text.stderr).toContain("AccessDeniedException");
      expect(text.stderr).not.toMatch(STACK);
      expect(json.code).toBe(2);
      expect(JSON.parse(json.stdout).error).toMatchObject({
        "error.type": "AccessDeniedException",
        "rpc.method": "DescribeCustomKeyStores",
      });
    });
  });

  it("doctor without a Region exits 2 with one line", { tags: ["built"] }, async () => {
    const run = await cli(["doctor", "--endpoint", "http://127.0.0.1:9"], { env: credentials });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("Region");
    expect(run.stderr).not.toMatch(STACK);
  });
});

describe(main.name, () => {
  it("explains a name, a code, a cause and a log line", async () => {
    const causeOnly = catalog.find((e) => !e.codes.includes(e.cause));
    expect(causeOnly).toBeDefined();
    const cases: [string, string][] = [
      [
        "XksProxyVpcEndpointServiceInvalidConfigurationException",
        "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
      ],
      ["XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION", "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION"],
      [causeOnly?.cause as string, causeOnly?.cause as string],
      [TIMEOUT_LINE, "XKS_PROXY_TIMED_OUT"],
    ];
    for (const [query, cause] of cases) {
      const run = await inProcess(["explain", ...query.split(" ")]);
      expect(run.code, query).toBe(0);
      expect(run.stdout.split("\n")[0]).toBe(cause);
      expect(run.stdout).toMatch(/Retryable:\s+(yes|no)/);
      expect(run.stdout).toContain("https://docs.aws.amazon.com/kms/");
    }
  });

  it("shows the per-store-type variants of a shared code", async () => {
    const shared = catalog.find((e) => e.byKeyStoreType !== undefined);
    expect(shared).toBeDefined();
    const run = await inProcess(["explain", shared?.cause as string]);
    for (const type of Object.keys(shared?.byKeyStoreType ?? {}))
      expect(run.stdout).toContain(`For ${type} key stores:`);
  });

  it("--all prints every match; with --json exactly what lookup() returns", async () => {
    const text = await inProcess(["explain", "KMSInvalidStateException", "--all"]);
    const all = lookup("KMSInvalidStateException");
    expect(all.length).toBeGreaterThan(1);
    for (const entry of all) expect(text.stdout).toContain(entry.cause);
    const json = await inProcess(["explain", "--all", "--json", "KMSInvalidStateException"]);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(all)));
  });

  it("never echoes a pasted log line it cannot explain (it may carry secrets)", async () => {
    const run = await inProcess(["explain", `something odd happened ${SECRET_KEY}`]);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain(SECRET_KEY);
  });

  it("a log line with a secret explains without printing the secret", async () => {
    const run = await inProcess(["explain", `${TIMEOUT_LINE} credential ${SECRET_ID}:${SECRET_KEY}`]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain(SECRET_KEY);
    expect(run.stdout).not.toContain(SECRET_ID);
  });

  it("reads stdin for -", async () => {
    const run = await inProcess(["explain", "-"], { readStdin: async () => `${TIMEOUT_LINE}\n` });
    expect(run.stdout.split("\n")[0]).toBe("XKS_PROXY_TIMED_OUT");
  });

  it("prints usage for help, <command> --help and -h", async () => {
    for (const args of [
      ["help"],
      ["-h"],
      ["help", "doctor"],
      ["doctor", "--help"],
      ["explain", "-h"],
      ["help", "probe-xks"],
      ["probe-xks", "--help"],
    ]) {
      const run = await inProcess(args);
      expect(run.code, args.join(" ")).toBe(0);
      expect(run.stdout).toContain("Usage:");
    }
    expect((await inProcess(["doctor", "-h"])).stdout).toContain("--profile P");
    const deepHelp = (await inProcess(["doctor", "--help"])).stdout;
    for (const option of ["--deep", "--key-store cks-ID", "--aws-endpoint URL", "@aws-sdk/client-ec2"])
      expect(deepHelp).toContain(option);
    const probeHelp = (await inProcess(["probe-xks", "-h"])).stdout;
    for (const text of ["XKS_PROXY_ACCESS_KEY_ID", "XKS_PROXY_SECRET_ACCESS_KEY", "--key-id ID", "--ca FILE"])
      expect(probeHelp).toContain(text);
  });

  it("rejects usage errors with status 2", async () => {
    const cases = [
      ["explain"],
      ["explain", "--json=yes", "X"],
      ["doctor", "--region"],
      ["doctor", "extra"],
      ["doctor", "--endpoint", "not a url"],
      ["doctor", "--key-store", "cks-1234567890abcdef0"],
      ["doctor", "--aws-endpoint", "http://127.0.0.1:9"],
      ["doctor", "--deep", "--aws-endpoint", "not a url"],
      ["doctor", "--deep", "--key-store", "not-an-id"],
      ["probe-xks"],
      ["probe-xks", "--uri-endpoint", "https://xks.example.com", "--uri-path", "/kms/xks/v1"],
      [
        "probe-xks",
        "--uri-endpoint",
        "https://x.example.com",
        "--uri-path",
        "/kms/xks/v1",
        "--region",
        "r",
        "x",
      ],
      ["probe-xks", "--samples", "0"],
      ["help", "nope"],
      ["--bogus"],
    ];
    for (const args of cases) {
      const run = await inProcess(args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain("kms-keystore-errors");
    }
  });

  it("colours only on a terminal without NO_COLOR, or with FORCE_COLOR", async () => {
    const args = ["explain", "XKS_PROXY_TIMED_OUT"];
    expect((await inProcess(args, { isTTY: true })).stdout).toMatch(ANSI);
    expect((await inProcess(args, { isTTY: true, env: { NO_COLOR: "1" } })).stdout).not.toMatch(ANSI);
    expect((await inProcess(args, { isTTY: false })).stdout).not.toMatch(ANSI);
    expect((await inProcess(args, { isTTY: false, env: { FORCE_COLOR: "1" } })).stdout).toMatch(ANSI);
    expect((await inProcess(args, { isTTY: true, env: { FORCE_COLOR: "0" } })).stdout).not.toMatch(ANSI);
    const json = await inProcess([...args, "--json"], { isTTY: true });
    expect(json.stdout).not.toMatch(ANSI);
  });

  describe("doctor", () => {
    let emulator: KmsEmulator;
    afterEach(async () => {
      vi.unstubAllEnvs();
      await emulator.close();
    });

    it("prints a table and the guidance for failed and disconnected stores", async () => {
      vi.stubEnv("AWS_ACCESS_KEY_ID", credentials.AWS_ACCESS_KEY_ID);
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", credentials.AWS_SECRET_ACCESS_KEY);
      emulator = await startKmsEmulator({ connectDelayMs: 5 });
      const kms = clientFor(emulator);
      const failed = await createXks(kms, emulator, true);
      const connected = await createXks(kms, emulator);
      emulator.keyStore(failed).setState("FAILED", "INVALID_CREDENTIALS");
      emulator.keyStore(connected).setState("CONNECTED");
      const run = await inProcess(["doctor", "--endpoint", emulator.endpoint, "--region", emulator.region]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain("Custom key stores in us-east-1");
      expect(run.stdout).toContain("2 custom key stores: 1 failed, 1 connected.");
      expect(run.stdout).toContain(`${failed} (xks-${counter - 1}): FAILED`);
      expect(run.stdout).toContain("INVALID_CREDENTIALS");
      expect(run.stdout).not.toContain(SECRET_ID);
      expect(run.stdout).not.toContain(SECRET_KEY);
      // No line ends in blanks (blank lines inside the guidance are not indented).
      expect(run.stdout.split("\n").filter((line) => /\s$/.test(line))).toEqual([]);
      const json = await inProcess([
        "doctor",
        "--json",
        "--endpoint",
        emulator.endpoint,
        "--region",
        emulator.region,
      ]);
      expect(Array.isArray(JSON.parse(json.stdout))).toBe(true);
      const empty = await startKmsEmulator();
      try {
        const none = await inProcess(["doctor", "--endpoint", empty.endpoint, "--region", empty.region]);
        expect(none).toMatchObject({ code: 0, stdout: "No custom key stores in us-east-1.\n" });
      } finally {
        await empty.close();
      }
    });
  });
});

describe("doctor in-process: Region, profile and a store list KMS will not give", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kms-cli-config-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    vi.unstubAllEnvs();
    await closeHostileServers();
  });
  /** Credentials from the environment, and shared config files that say only `config` (no Region). */
  const environment = (config = "") => {
    const file = join(dir, `config-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, config);
    vi.stubEnv("AWS_CONFIG_FILE", file);
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", join(dir, "no-credentials"));
    vi.stubEnv("AWS_REGION", undefined);
    vi.stubEnv("AWS_ACCESS_KEY_ID", credentials.AWS_ACCESS_KEY_ID);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", credentials.AWS_SECRET_ACCESS_KEY);
    vi.stubEnv("AWS_MAX_ATTEMPTS", "1");
  };

  it("cuts store names at 40 characters in the table and at 60 in a store's heading, not before", async () => {
    environment();
    const store = (id: string, name: string, state: string) => ({
      CustomKeyStoreId: `cks-000000000000000${id}`,
      CustomKeyStoreName: name,
      CustomKeyStoreType: "EXTERNAL_KEY_STORE",
      ConnectionState: state,
      ...(state === "FAILED" ? { ConnectionErrorCode: "INVALID_CREDENTIALS" } : {}),
    });
    const server = await hostile((_req, res) =>
      kmsJson(res, {
        CustomKeyStores: [
          store("0a", "a".repeat(40), "CONNECTED"),
          store("0b", "b".repeat(41), "CONNECTED"),
          store("0c", "c".repeat(60), "FAILED"),
          store("0d", "d".repeat(61), "FAILED"),
        ],
      }),
    );
    // A wide terminal without colour: no heading is wrapped.
    const run = await inProcess(["doctor", "--region", "us-east-1", "--endpoint", server.url], {
      columns: 200,
    });
    const lines = run.stdout.split("\n");
    const row = (id: string) => lines.find((l) => l.startsWith(`cks-000000000000000${id} `));
    expect(row("0a")).toContain(` ${"a".repeat(40)} `);
    expect(row("0b")).toContain(` ${"b".repeat(39)}… `);
    // Each heading is wrapped at 80 columns after its id.
    expect(lines).toContain(`(${"c".repeat(60)}): FAILED`);
    expect(lines).toContain(`(${"d".repeat(59)}…): FAILED`);
  });

  it("without a Region says where to set one, in one line or as JSON", async () => {
    environment();
    const run = await inProcess(["doctor", "--endpoint", "http://127.0.0.1:9"]);
    expect(run).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "kms-keystore-errors doctor: no AWS Region: pass --region, set AWS_REGION, or set region in the profile in ~/.aws/config.\n",
    });
    const json = await inProcess(["doctor", "--json", "--endpoint", "http://127.0.0.1:9"]);
    expect(json.code).toBe(2);
    expect((JSON.parse(json.stdout) as { error: Record<string, unknown> }).error).toMatchObject({
      "kms.failure.cause": "REGION_MISSING",
      "rpc.method": "DescribeCustomKeyStores",
    });
  });

  it("takes the Region of --profile from the shared config file", async () => {
    environment(
      `[profile other]\nregion = eu-west-3\naws_access_key_id = ${credentials.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${credentials.AWS_SECRET_ACCESS_KEY}\n`,
    );
    const server = await hostile((_req, res) => kmsJson(res, { CustomKeyStores: [] }));
    const run = await inProcess(["doctor", "--profile", "other", "--endpoint", server.url]);
    expect(run).toEqual({ code: 0, stdout: "No custom key stores in eu-west-3.\n", stderr: "" });
  });

  it.each([
    [
      "without a message (the SDK names what it could not read)",
      { __type: "KMSInternalException" },
      "KMSInternalException (KMS_INTERNAL): UnknownError",
    ],
    [
      "with blanks, line breaks and closing dots in its message",
      { __type: "KMSInternalException", message: "Try  again.\n\tLater, please..." },
      "KMSInternalException (KMS_INTERNAL): Try again. Later, please",
    ],
  ])(
    "says in one line that the stores could not be described, for an answer %s",
    async (_name, body, said) => {
      environment();
      const server = await hostile((_req, res) => kmsJson(res, body, 500));
      const run = await inProcess(["doctor", "--region", "us-east-1", "--endpoint", server.url]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        new RegExp(
          `^kms-keystore-errors doctor: could not describe the custom key stores: ${said.replace(/[().]/g, "\\$&")}\\. \\S[^\\n]*\\S\\n$`,
        ),
      );
    },
  );
});

// ---------------------------------------------------------------------------------------------------
// doctor --deep: the seed scenario against the KMS emulator and the AWS emulator (EC2, ELBv2)

const SEED_FAILING = ["xks-vpc-acceptance-not-required", "xks-vpc-kms-principal-allowed"];

describe("the command line in-process, word for word", () => {
  const version = (
    JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
  ).version;

  // Through a pipe: standard output is wrapped to 80 columns, standard error is not.
  it("prints the version, the usage and each command's usage", async () => {
    for (const flag of ["--version", "-v"]) {
      expect(await inProcess([flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    }
    expect(await inProcess([])).toEqual({ code: 2, stdout: "", stderr: USAGE[""] });
    for (const args of [["--help"], ["-h"], ["help"]]) {
      expect(await inProcess(args)).toEqual({ code: 0, stdout: wrapText(USAGE[""], 80), stderr: "" });
    }
    for (const command of ["explain", "doctor", "probe-xks", "alarms"] as const) {
      expect(await inProcess(["help", command])).toEqual({
        code: 0,
        stdout: wrapText(USAGE[command], 80),
        stderr: "",
      });
      expect(await inProcess([command, "--help"])).toEqual({
        code: 0,
        stdout: wrapText(USAGE[command], 80),
        stderr: "",
      });
    }
  });

  it("ends doctor and alarms at --timeout while KMS pages slowly, saying what did not finish", async () => {
    // Each page within the request timeout (half the deadline), endless pages.
    let page = 0;
    const slow = await hostile((_req, res) => {
      page += 1;
      setTimeout(() => kmsJson(res, { CustomKeyStores: [], Truncated: true, NextMarker: `m${page}` }), 150);
    });
    const kmsAt = ["--region", "us-east-1", "--endpoint", slow.url, "--timeout", "1"];
    const aws = ["--aws-endpoint", slow.url];
    const cases: [string[], string, string][] = [
      [["doctor", ...kmsAt], "doctor", "describing the key stores"],
      [["doctor", "--deep", ...aws, ...kmsAt], "doctor", "describing the key stores and the deep checks"],
      [["doctor", "--health", ...aws, ...kmsAt], "doctor", "describing the key stores and the health checks"],
      [
        ["doctor", "--deep", "--health", ...aws, ...kmsAt],
        "doctor",
        "describing the key stores and the deep checks and health checks",
      ],
      [["alarms", ...kmsAt], "alarms", "describing the key stores"],
    ];
    vi.stubEnv("AWS_ACCESS_KEY_ID", credentials.AWS_ACCESS_KEY_ID);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", credentials.AWS_SECRET_ACCESS_KEY);
    try {
      const runs = await Promise.all(cases.map(([args]) => inProcess(args)));
      expect(runs).toEqual(
        cases.map(([, command, what]) => ({
          code: 2,
          stdout: "",
          stderr: `kms-keystore-errors ${command}: stopped after 1 s (--timeout): ${what} did not finish in time. Check the network path, or give it longer with --timeout <seconds>.\n`,
        })),
      );
    } finally {
      vi.unstubAllEnvs();
      await closeHostileServers();
    }
  });

  it("turns an unexpected error into one line naming its type, and status 2", async () => {
    const failing = (reason: unknown) => async () => {
      throw reason;
    };
    expect(await inProcess(["explain", "-"], { readStdin: failing(new RangeError("boom")) })).toEqual({
      code: 2,
      stdout: "",
      stderr: "kms-keystore-errors: unexpected RangeError; please report it.\n",
    });
    expect(await inProcess(["explain", "-"], { readStdin: failing(new InputTooLargeError()) })).toEqual({
      code: 2,
      stdout: "",
      stderr: usage(
        "explain",
        "standard input is larger than 1 MiB: paste only the error line (or its first 1 MiB)",
      ),
    });
    expect(await inProcess(["explain", "-"], { readStdin: failing("boom") })).toEqual({
      code: 2,
      stdout: "",
      stderr: "kms-keystore-errors: unexpected string; please report it.\n",
    });
  });

  it.each([
    [["help", "nope"], "", 'unknown command "nope"'],
    [["--bogus=secret-value"], "", 'unknown option "--bogus"'],
    [["-x"], "", 'unknown option "-x"'],
    [["frobnicate"], "", 'unknown command "frobnicate"'],
    [["alarms", "extra"], "alarms", 'unexpected argument "extra"'],
    [
      ["alarms", "--format", "yaml"],
      "alarms",
      '--format must be one of cli, cloudformation, terraform, not "yaml"',
    ],
    [
      ["alarms", "--sns-topic", "arn:aws:sqs:eu-west-1:111122223333:q"],
      "alarms",
      "--sns-topic must be an SNS topic ARN, like arn:aws:sns:eu-west-1:111122223333:kms-alarms",
    ],
    [
      ["alarms", "--endpoint", "not a url"],
      "alarms",
      "--endpoint must be a URL, like https://kms.eu-west-1.amazonaws.com",
    ],
    [["alarms", "--timeout", "3601"], "alarms", "--timeout must be a whole number from 1 to 3600"],
    [["explain", "-"], "explain", "cannot read stdin here"],
    [["doctor", "extra"], "doctor", 'unexpected argument "extra"'],
    [
      ["doctor", "--endpoint", "not a url"],
      "doctor",
      "--endpoint must be a URL, like https://kms.eu-west-1.amazonaws.com",
    ],
    [["doctor", "--key-store", "cks-1234567890abcdef0"], "doctor", "--key-store needs --deep or --health"],
    [["doctor", "--aws-endpoint", "http://127.0.0.1:9"], "doctor", "--aws-endpoint needs --deep or --health"],
    [
      ["doctor", "--health", "--aws-endpoint", "not a url"],
      "doctor",
      "--aws-endpoint must be a URL, like http://127.0.0.1:4566",
    ],
    [
      ["doctor", "--deep", "--key-store", "cks-1234567890abcdef0", "--key-store", "not-an-id"],
      "doctor",
      '--key-store takes a custom key store id like cks-1234567890abcdef0, not "not-an-id"',
    ],
    [["doctor", "--timeout", "0"], "doctor", "--timeout must be a whole number from 1 to 3600"],
    [["explain", "  "], "explain", "what should I explain? Give an exception name, a code or a log line"],
    [["alarms", "a".repeat(50)], "alarms", `unexpected argument "${"a".repeat(40)}"`],
    [
      ["alarms", "--format", "y".repeat(50)],
      "alarms",
      `--format must be one of cli, cloudformation, terraform, not "${"y".repeat(40)}"`,
    ],
  ])("%j is a usage error: %s %s", async (args, command, message) => {
    expect(await inProcess(args)).toEqual({ code: 2, stdout: "", stderr: usage(command, message) });
  });

  /** probe-xks with every required option, for the errors found after them. */
  const PROBE_XKS = [
    "probe-xks",
    "--uri-endpoint",
    "https://xks.example.com",
    "--uri-path",
    "/kms/xks/v1",
    "--region",
    "eu-west-1",
  ];

  it.each([
    [{}, "set XKS_PROXY_ACCESS_KEY_ID and XKS_PROXY_SECRET_ACCESS_KEY in the environment"],
    [
      { XKS_PROXY_ACCESS_KEY_ID: "AKIAPROBEKEYID000001" },
      "set XKS_PROXY_SECRET_ACCESS_KEY in the environment",
    ],
    [{ XKS_PROXY_SECRET_ACCESS_KEY: "s".repeat(43) }, "set XKS_PROXY_ACCESS_KEY_ID in the environment"],
    [
      { XKS_PROXY_ACCESS_KEY_ID: "", XKS_PROXY_SECRET_ACCESS_KEY: "" },
      "set XKS_PROXY_ACCESS_KEY_ID and XKS_PROXY_SECRET_ACCESS_KEY in the environment",
    ],
  ])("probe-xks names the credential variables missing from %j", async (env, said) => {
    expect(await inProcess(PROBE_XKS, { env })).toEqual({
      code: 2,
      stdout: "",
      stderr: usage(
        "probe-xks",
        `${said}: the key store's proxy authentication credential (never passed as an option)`,
      ),
    });
  });

  it("probe-xks names a --ca file it cannot read (cut at 80 characters) and why", async () => {
    const missing = `/nonexistent/${"c".repeat(90)}.pem`;
    const env = {
      XKS_PROXY_ACCESS_KEY_ID: "AKIAPROBEKEYID000001",
      XKS_PROXY_SECRET_ACCESS_KEY: "s".repeat(43),
    };
    expect(await inProcess([...PROBE_XKS, "--ca", missing], { env })).toEqual({
      code: 2,
      stdout: "",
      stderr: usage("probe-xks", `--ca: cannot read ${JSON.stringify(missing.slice(0, 80))} (ENOENT)`),
    });
  });
});

describe("doctor --deep", () => {
  let kmsEmulator: KmsEmulator;
  let aws: AwsEmulator;
  let kms: KMSClient;
  let setup: XksVpcSetup;
  let storeId: string;

  /** A store on a compliant service, then the service requires acceptance and drops the KMS principal. */
  beforeAll(async () => {
    [kmsEmulator, aws] = await Promise.all([
      startKmsEmulator({ connectDelayMs: 5 }),
      startAwsEmulator({ region: "us-east-1" }),
    ]);
    kms = clientFor(kmsEmulator);
    setup = aws.model.addXksVpcEndpointService();
    const out = await kms.send(
      new CreateCustomKeyStoreCommand({
        CustomKeyStoreName: "seed-xks",
        CustomKeyStoreType: "EXTERNAL_KEY_STORE",
        XksProxyConnectivity: "VPC_ENDPOINT_SERVICE",
        XksProxyUriEndpoint: setup.uriEndpoint,
        XksProxyUriPath: "/kms/xks/v1",
        XksProxyVpcEndpointServiceName: setup.service.serviceName,
        XksProxyAuthenticationCredential: { AccessKeyId: SECRET_ID, RawSecretAccessKey: SECRET_KEY },
      }),
    );
    storeId = out.CustomKeyStoreId as string;
    setup.service.acceptanceRequired = true;
    setup.service.allowedPrincipals = [`arn:aws:iam::${aws.model.accountId}:root`];
    kmsEmulator.keyStore(storeId).failConnect("XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION");
    await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: storeId }));
    await vi.waitFor(() => expect(kmsEmulator.keyStore(storeId).state()).toBe("FAILED"));
  });
  afterAll(async () => {
    kms?.destroy();
    await Promise.all([kmsEmulator?.close(), aws?.close()]);
  });
  afterEach(() => vi.unstubAllEnvs());

  const args = (...extra: string[]) => [
    "doctor",
    "--deep",
    "--region",
    kmsEmulator.region,
    "--endpoint",
    kmsEmulator.endpoint,
    "--aws-endpoint",
    aws.endpoint,
    ...extra,
  ];

  it("--json: exactly the two failing checks of the seed scenario (spawned)", {
    tags: ["built"],
  }, async () => {
    const [json, text] = await Promise.all([
      cli(args("--json"), { env: credentials }),
      cli(args(), { env: credentials }),
    ]);
    expect(json.code).toBe(1);
    expect(json.stderr).toBe("");
    const body = JSON.parse(json.stdout) as {
      keyStores: { customKeyStoreId: string }[];
      diagnoses: Diagnosis[];
    };
    expect(body.keyStores.map((r) => r.customKeyStoreId)).toEqual([storeId]);
    expect(body.diagnoses).toHaveLength(1);
    const d = body.diagnoses[0] as Diagnosis;
    expect(d).toMatchObject({
      customKeyStoreId: storeId,
      connectionState: "FAILED",
      connectionErrorCode: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    });
    expect(d.failing.map((c) => c.id).sort()).toEqual(SEED_FAILING);
    expect(d.checks.filter((c) => c.status !== "fail").every((c) => c.status === "pass")).toBe(true);

    expect(text.code).toBe(1);
    expect(text.stdout).toContain("Deep checks");
    expect([...text.stdout.matchAll(/^ {2}FAIL (\S+)$/gm)].map((m) => m[1]).sort()).toEqual(SEED_FAILING);
    expect(text.stdout).toContain(`acceptanceRequired is true on ${setup.service.serviceId}`);
    // The step is wrapped to 80 columns; its command stays whole, on a line of its own.
    expect(text.stdout).toMatch(
      new RegExp(
        `1\\. Turn acceptance off:\\n {9}\`aws ec2 modify-vpc-endpoint-service-configuration --service-id ${setup.service.serviceId} --no-acceptance-required\``,
      ),
    );
    expect(text.stdout).toContain("--add-allowed-principals cks.kms.us-east-1.amazonaws.com");
    expect(text.stdout).toContain(
      "https://docs.aws.amazon.com/kms/latest/developerguide/vpc-connectivity.html",
    );
    expect(text.stdout).toMatch(/PASS 16 other checks passed\./);
    for (const run of [json, text]) {
      expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET_KEY);
      expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET_ID);
      expect(run.stdout).not.toMatch(ANSI);
    }
  });

  it("without --deep the JSON stays the array of reports", { tags: ["built"] }, async () => {
    const run = await cli(
      ["doctor", "--json", "--region", kmsEmulator.region, "--endpoint", kmsEmulator.endpoint],
      { env: credentials },
    );
    expect(run.code).toBe(1);
    expect(Array.isArray(JSON.parse(run.stdout))).toBe(true);
  });

  it("--key-store adds a store in any state; an unknown one exits 2", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", credentials.AWS_ACCESS_KEY_ID);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", credentials.AWS_SECRET_ACCESS_KEY);
    const other = aws.model.addXksVpcEndpointService();
    const out = await kms.send(
      new CreateCustomKeyStoreCommand({
        CustomKeyStoreName: "healthy-xks",
        CustomKeyStoreType: "EXTERNAL_KEY_STORE",
        XksProxyConnectivity: "VPC_ENDPOINT_SERVICE",
        XksProxyUriEndpoint: other.uriEndpoint,
        XksProxyUriPath: "/kms/xks/v1",
        XksProxyVpcEndpointServiceName: other.service.serviceName,
        XksProxyAuthenticationCredential: { AccessKeyId: SECRET_ID, RawSecretAccessKey: SECRET_KEY },
      }),
    );
    const healthy = out.CustomKeyStoreId as string;
    try {
      const run = await inProcess(args("--json", "--key-store", healthy));
      expect(run.code).toBe(1);
      const body = JSON.parse(run.stdout) as { diagnoses: Diagnosis[] };
      expect(body.diagnoses.map((d) => d.customKeyStoreId)).toEqual([storeId, healthy]);
      expect(body.diagnoses[1]?.connectionState).toBe("DISCONNECTED");
      expect(body.diagnoses[1]?.failing).toEqual([]);

      // Unnamed, a store that has not failed is not diagnosed.
      const failedOnly = JSON.parse((await inProcess(args("--json"))).stdout) as { diagnoses: Diagnosis[] };
      expect(failedOnly.diagnoses.map((d) => d.customKeyStoreId)).toEqual([storeId]);

      const missing = await inProcess(
        args("--key-store", "cks-00000000000000000", "--key-store", "cks-0000000000000000f"),
      );
      expect(missing).toEqual({
        code: 2,
        stdout: "",
        stderr:
          "kms-keystore-errors doctor: --key-store: no custom key store cks-00000000000000000, cks-0000000000000000f in us-east-1.\n",
      });
    } finally {
      await kms.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: healthy }));
    }
  });

  it("prints each store's state, its counts, and each failing check's requirement, evidence and steps", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", credentials.AWS_ACCESS_KEY_ID);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", credentials.AWS_SECRET_ACCESS_KEY);
    const run = await inProcess(args());
    expect([run.code, run.stderr]).toEqual([1, ""]);
    const deep = run.stdout.slice(run.stdout.indexOf("Deep checks\n"));
    const lines = deep.split("\n");
    // Wrapped to 80 columns (a pipe).
    expect(lines.slice(0, 5)).toEqual([
      "Deep checks",
      "",
      `${storeId} (seed-xks): EXTERNAL_KEY_STORE, FAILED`,
      "(XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION)",
      "  18 checks: 2 failing, 0 unknown, 16 passing.",
    ]);
    const sid = setup.service.serviceId;
    expect(lines).toEqual(
      expect.arrayContaining([
        "  FAIL xks-vpc-acceptance-not-required",
        `    Evidence:    acceptanceRequired is true on ${sid}`,
        "  FAIL xks-vpc-kms-principal-allowed",
        "  PASS 16 other checks passed.",
      ]),
    );
    expect(lines.filter((l) => l.startsWith("    Requirement: "))).toHaveLength(2);
    expect(deep.endsWith("  PASS 16 other checks passed.\n")).toBe(true);
  });

  it("says which optional package it could not use, and why, once per package", async () => {
    const loaded: string[] = [];
    const loader = (name: string, module: () => unknown) => async () => {
      loaded.push(name);
      return module();
    };
    const failing = (error: unknown) => () => {
      throw error;
    };
    const codeThatThrows = Object.defineProperty({}, "code", {
      get() {
        throw new Error("no code");
      },
    });
    const cases: [() => unknown, string][] = [
      [failing(Object.assign(new Error("denied"), { code: "EACCES" })), "could not be loaded (EACCES)"],
      [failing(new SyntaxError("bad module")), "could not be loaded (SyntaxError)"],
      [failing("not an error"), "could not be loaded (string)"],
      [failing(null), "could not be loaded (object)"],
      [failing(codeThatThrows), "could not be loaded (error)"],
      [failing(Object.assign(new Error("gone"), { code: "MODULE_NOT_FOUND" })), "is not installed"],
      [() => ({}), "does not export EC2Client"],
      [() => null, "does not export EC2Client"],
      [
        () => ({
          EC2Client: class {
            constructor() {
              throw new RangeError("bad config");
            }
          },
        }),
        "could not create EC2Client (RangeError)",
      ],
    ];
    for (const [module, why] of cases) {
      loaded.length = 0;
      const run = await runDeep([{ customKeyStoreId: storeId }], {
        kms,
        region: kmsEmulator.region,
        awsEndpoint: aws.endpoint,
        deadlineMs: 60_000,
        loaders: {
          ec2: loader("ec2", module),
          elbv2: loader("elbv2", () => import("@aws-sdk/client-elastic-load-balancing-v2")),
          cloudhsm: loader("cloudhsm", () => import("@aws-sdk/client-cloudhsm-v2")),
          cloudwatch: loader("cloudwatch", () => ({})),
        },
      });
      // A store doctor did not list may be of any type: every client of the deep checks is built.
      expect([why, loaded.sort()]).toEqual([why, ["cloudhsm", "ec2", "elbv2"]]);
      expect(run.notes).toEqual([
        `kms-keystore-errors doctor: @aws-sdk/client-ec2 ${why}: the VPC endpoint service, subnet and security group checks are unknown; install it with \`npm install @aws-sdk/client-ec2\`.`,
      ]);
    }
  });

  it("builds only the clients each listed store's checks read", async () => {
    const report = (customKeyStoreType: string, connectivity?: string) =>
      ({
        customKeyStoreId: storeId,
        customKeyStoreType,
        ...(connectivity === undefined ? {} : { xksProxy: { connectivity } }),
      }) as unknown as KeyStoreReport;
    const cases: [KeyStoreReport, string[]][] = [
      [report("AWS_CLOUDHSM"), ["cloudhsm", "ec2"]],
      [report("EXTERNAL_KEY_STORE", "VPC_ENDPOINT_SERVICE"), ["ec2", "elbv2"]],
      [report("EXTERNAL_KEY_STORE", "PUBLIC_ENDPOINT"), []],
      [report("EXTERNAL_KEY_STORE"), []],
    ];
    for (const [target, expected] of cases) {
      const { loaders, loaded } = recordingLoaders();
      await runDeep([{ customKeyStoreId: storeId, report: target }], {
        kms,
        region: kmsEmulator.region,
        deadlineMs: 60_000,
        loaders,
      });
      expect([target, loaded.sort()]).toEqual([target, expected]);
    }
  });

  it("prints guidance for failing checks only, the evidence of unknown ones, and counts the rest", () => {
    const remediation = REMEDIATION;
    const base = { requirement: "It is so.", cause: "XKS_PROXY_TIMED_OUT" as const, remediation };
    const checks = [
      { ...base, id: "xks-vpc-service-exists" as const, status: "fail" as const, evidence: "not found" },
      { ...base, id: "xks-vpc-same-region" as const, status: "unknown" as const, evidence: "no Region" },
      { ...base, id: "xks-vpc-service-unique" as const, status: "pass" as const, evidence: "unique" },
    ];
    const diagnosis = {
      customKeyStoreId: "cks-1234567890abcdef0",
      customKeyStoreType: "EXTERNAL_KEY_STORE",
      connectionState: "DISCONNECTED",
      checks,
      failing: checks.slice(0, 1),
    } as unknown as Diagnosis;
    const longName = `n${"x".repeat(70)}`;
    expect(
      renderDeep(
        { diagnoses: [diagnosis], notes: [] },
        new Map([["cks-1234567890abcdef0", longName]]),
        style(false),
      ),
    ).toBe(
      [
        "Deep checks",
        "",
        `cks-1234567890abcdef0 (${longName.slice(0, 60)}): EXTERNAL_KEY_STORE, DISCONNECTED`,
        "  3 checks: 1 failing, 1 unknown, 1 passing.",
        "",
        "  FAIL xks-vpc-service-exists",
        "    Requirement: It is so.",
        "    Evidence:    not found",
        ...remediationBlock("    "),
        "",
        "  UNKNOWN xks-vpc-same-region",
        "    Requirement: It is so.",
        "    Evidence:    no Region",
        "",
        "  PASS 1 other check passed.",
      ].join("\n"),
    );
    // Nothing passing: no PASS line.
    const none = { ...diagnosis, checks: checks.slice(0, 2) } as Diagnosis;
    expect(renderDeep({ diagnoses: [none], notes: [] }, new Map(), style(false))).not.toContain("PASS");
  });

  it("prints the probe's checks aligned, a failing one with its requirement and guidance, then the count", () => {
    const remediation = REMEDIATION;
    const report = (ok: boolean, failing: boolean) =>
      ({
        endpoint: "https://xks.example.com",
        uriPath: "/kms/xks/v1",
        ok,
        durationMs: 42,
        checks: [
          { id: "dns", status: "pass", requirement: "It resolves.", evidence: "resolved" },
          failing
            ? { id: "authentication", status: "fail", requirement: "It signs.", evidence: "401", remediation }
            : { id: "authentication", status: "pass", requirement: "It signs.", evidence: "signed" },
          { id: "key:key-1", status: "unknown", requirement: "It has the key.", evidence: "not checked" },
        ],
      }) as unknown as ProbeReport;
    expect(renderProbe(report(false, true), "eu-west-1", style(false)).split("\n")).toEqual([
      "XKS proxy probe of https://xks.example.com/kms/xks/v1 (eu-west-1)",
      "",
      "PASS     dns             resolved",
      "FAIL     authentication  401",
      "         Requirement: It signs.",
      // The summary follows the requirement's line directly.
      ...remediationBlock("         ").slice(1),
      "",
      "UNKNOWN  key:key-1       not checked",
      "",
      "3 checks: 1 pass, 1 fail, 1 unknown (42 ms). KMS cannot use this proxy as it is.",
      "",
    ]);
    const paint = style(true);
    const coloured = renderProbe(report(true, false), "eu-west-1", paint);
    expect(coloured).toContain(`${paint.green("PASS    ")} ${paint.bold("dns           ")}  resolved`);
    expect(coloured).toContain(`${paint.yellow("UNKNOWN ")} ${paint.bold("key:key-1     ")}  not checked`);
    expect(coloured).toContain(`(42 ms). ${paint.green("KMS can use this proxy from here.")}`);
    expect(renderProbe(report(false, true), "eu-west-1", paint)).toContain(paint.red("FAIL    "));
  });

  it("prints a store it could not diagnose as one line with the failure's type, cause and summary", () => {
    const failure = classify(Object.assign(new Error("Throttled"), { name: "ThrottlingException" }), {
      operation: "DescribeCustomKeyStores",
    });
    const text = renderDeep(
      { diagnoses: [{ customKeyStoreId: "cks-1234567890abcdef0", error: toLogEntry(failure) }], notes: [] },
      new Map([["cks-1234567890abcdef0", "prod\u001b[31m"]]),
      style(false),
    );
    expect(text).toBe(
      [
        "Deep checks",
        "",
        // The name's control characters are not printed.
        "cks-1234567890abcdef0 (prod): could not be diagnosed",
        `  ThrottlingException (${failure.cause}). ${failure.remediation.summary}`,
      ].join("\n"),
    );
    expect(renderDeep({ diagnoses: [], notes: [] }, new Map(), style(false))).toBe(
      "Deep checks\n\nNo FAILED key store to check. Name one with --key-store <cks-id>.",
    );
  });

  it("a missing optional client package makes its checks unknown, with a one-line note", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", credentials.AWS_ACCESS_KEY_ID);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", credentials.AWS_SECRET_ACCESS_KEY);
    const notInstalled = () =>
      Promise.reject(
        Object.assign(new Error("Cannot find package '@aws-sdk/client-elastic-load-balancing-v2'"), {
          code: "ERR_MODULE_NOT_FOUND",
        }),
      );
    const options = {
      region: kmsEmulator.region,
      endpoint: kmsEmulator.endpoint,
      style: style(false),
      deep: true,
      awsEndpoint: aws.endpoint,
      loaders: { elbv2: notInstalled },
      deadlineMs: 60_000,
    };
    const [json, text] = await Promise.all([
      runDoctor({ ...options, json: true }),
      runDoctor({ ...options, json: false }),
    ]);
    for (const run of [json, text]) {
      expect(run.code).toBe(1);
      expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(run.stderr).toContain("@aws-sdk/client-elastic-load-balancing-v2 is not installed");
      expect(run.stderr).toContain("npm install @aws-sdk/client-elastic-load-balancing-v2");
    }
    const d = (JSON.parse(json.stdout) as { diagnoses: Diagnosis[] }).diagnoses[0] as Diagnosis;
    const nlb = d.checks.filter((c) => c.id.startsWith("xks-nlb-"));
    expect(nlb.length).toBeGreaterThan(0);
    for (const c of nlb) expect(c.status, c.id).toBe("unknown");
    expect(d.failing.map((c) => c.id).sort()).toEqual(SEED_FAILING);
    expect(text.stdout).toMatch(/^ {2}UNKNOWN xks-nlb-internal$/m);
    expect(text.stdout).toContain("Evidence:");
  });
});

// ---------------------------------------------------------------------------------------------------
// probe-xks against the fake XKS proxy (HTTPS with the test CA)

describe("probe-xks", () => {
  /** A marked secret: it must never appear in any output. */
  const PROXY_SECRET = "PROBESECRETMARKER-9f8e7d6c5b4a39281706f5e4d3c2b1a0";
  const PROXY_KEY_ID = "AKIAPROBEMARKERKEYID";
  const fixtures = fileURLToPath(new URL("./fixtures/xks-proxy/", import.meta.url));
  const pem = (name: string) => readFileSync(join(fixtures, name), "utf8");
  const REGION = "eu-west-1";
  let proxy: XksProxy;
  const outputs: string[] = [];

  beforeAll(async () => {
    proxy = await startXksProxy({
      credential: { accessKeyId: PROXY_KEY_ID, secretAccessKey: PROXY_SECRET },
      region: REGION,
      hostname: "localhost",
      tls: { key: pem("localhost-key.pem"), cert: pem("localhost.pem") },
      keys: [{ id: "key-1" }],
    });
  });
  afterAll(async () => {
    await proxy?.close();
    // Every probe-xks run of this block: the planted secret never appears, the access key id only masked.
    expect(outputs.length).toBeGreaterThanOrEqual(8);
    const all = outputs.join("\n");
    expect(all).not.toContain(PROXY_SECRET);
    expect(all).not.toContain("PROBESECRETMARKER");
    expect(all).not.toContain(PROXY_KEY_ID);
  });

  const env = (secret = PROXY_SECRET) => ({
    XKS_PROXY_ACCESS_KEY_ID: PROXY_KEY_ID,
    XKS_PROXY_SECRET_ACCESS_KEY: secret,
  });
  const probeArgs = (...extra: string[]) => [
    "probe-xks",
    "--uri-endpoint",
    proxy.endpoint,
    "--uri-path",
    proxy.uriPath,
    "--region",
    REGION,
    "--ca",
    join(fixtures, "ca.pem"),
    "--samples",
    "3",
    ...extra,
  ];
  const record = (run: Run): Run => {
    outputs.push(run.stdout, run.stderr);
    return run;
  };

  it("exits 0 against a healthy proxy, printing every check (spawned)", { tags: ["built"] }, async () => {
    const run = record(await cli(probeArgs("--key-id", "key-1"), { env: env() }));
    expect(run.stderr).toBe("");
    expect(run.code, run.stdout).toBe(0);
    for (const id of ["dns", "tcp", "tls", "uri-path", "authentication", "health", "latency", "key:key-1"])
      expect(run.stdout).toMatch(new RegExp(`^PASS\\s+${id}\\s`, "m"));
    expect(run.stdout).toContain("8 checks: 8 pass, 0 fail, 0 unknown");
    expect(run.stdout).toContain("AKIA…");
  });

  it("--json prints the ProbeReport", { tags: ["built"] }, async () => {
    const run = record(
      await cli(probeArgs("--json", "--key-id", "key-1", "--key-id", "key-2"), { env: env() }),
    );
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as ProbeReport;
    expect(Object.keys(report).sort()).toEqual(["checks", "durationMs", "endpoint", "ok", "uriPath"]);
    expect(report).toMatchObject({ endpoint: proxy.endpoint, uriPath: proxy.uriPath, ok: false });
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ["dns", "pass"],
      ["tcp", "pass"],
      ["tls", "pass"],
      ["uri-path", "pass"],
      ["authentication", "pass"],
      ["health", "pass"],
      ["latency", "pass"],
      ["key:key-1", "pass"],
      ["key:key-2", "fail"],
    ]);
    expect(report.checks[8]?.cause).toBe("XKS_KEY_NOT_FOUND");
  });

  it("exits 1 with the authentication check failing when the secret is wrong (text and --json)", {
    tags: ["built"],
  }, async () => {
    const wrong = env(`${PROXY_SECRET}-but-wrong`);
    const [text, json] = await Promise.all([
      cli(probeArgs(), { env: wrong }).then(record),
      cli(probeArgs("--json"), { env: wrong }).then(record),
    ]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^FAIL\s+authentication\s/m);
    expect(text.stdout).toContain("Requirement:");
    expect(text.stdout).toContain("What to do:");
    expect(text.stdout).toContain("https://docs.aws.amazon.com/kms/");
    expect(text.stdout).toMatch(/^UNKNOWN\s+health\s/m);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as ProbeReport;
    const auth = report.checks.find((c) => c.id === "authentication");
    expect(auth).toMatchObject({ status: "fail", cause: "INVALID_CREDENTIALS" });
    expect(auth?.remediation?.steps.length).toBeGreaterThan(0);
  });

  const CREDENTIAL_ARGS = [
    ["--secret-access-key", PROXY_SECRET],
    [`--secret-access-key=${PROXY_SECRET}`],
    ["--access-key-id", PROXY_KEY_ID],
    [`--xks-secret=${PROXY_SECRET}`],
    ["--secret", PROXY_SECRET],
    [`-s${PROXY_SECRET}`],
    [`--accesskey=${PROXY_KEY_ID}`],
    ["--XKS-PASSWORD", PROXY_SECRET],
    ["--credential-file", "/tmp/creds"],
  ];
  /** Each run is the refusal, word for word: neither the secret nor the key id is echoed. */
  const refusesCredentials = (runs: readonly { code: number | null; stdout: string; stderr: string }[]) => {
    for (const run of runs) {
      expect(run).toEqual({
        code: 2,
        stdout: "",
        stderr: usage(
          "probe-xks",
          "refusing a credential option: the proxy credential is never taken from the command line (it would show in ps, shell history and CI logs). Set XKS_PROXY_ACCESS_KEY_ID and XKS_PROXY_SECRET_ACCESS_KEY in the environment instead",
        ),
      });
    }
  };

  it("counts as a credential option only an option: a value that names one is not", () => {
    for (const [arg] of CREDENTIAL_ARGS) expect(isCredentialFlag(arg as string), arg).toBe(true);
    for (const arg of ["/kms/xks--secret/v1", "password", "x--access-key", "--uri-path", "-h", "--json", "-"])
      expect(isCredentialFlag(arg), arg).toBe(false);
  });

  it("in-process: refuses credentials on the command line with exit 2, without echoing them", async () => {
    refusesCredentials(
      await Promise.all(
        CREDENTIAL_ARGS.map((extra) => inProcess(probeArgs(...extra), { env: env() }).then(record)),
      ),
    );
  });

  it("refuses credentials on the command line with exit 2, without echoing them (spawned)", {
    tags: ["built"],
  }, async () => {
    refusesCredentials([
      await cli(probeArgs(...(CREDENTIAL_ARGS[0] as string[])), { env: env() }).then(record),
    ]);
  });

  it("exits 2 naming the variables when the environment lacks the credential", {
    tags: ["built"],
  }, async () => {
    const [none, half] = await Promise.all([
      cli(probeArgs(), { env: {} }).then(record),
      inProcess(probeArgs(), { env: { XKS_PROXY_ACCESS_KEY_ID: PROXY_KEY_ID } }).then(record),
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("set XKS_PROXY_ACCESS_KEY_ID and XKS_PROXY_SECRET_ACCESS_KEY");
    expect(half.code).toBe(2);
    expect(half.stderr).toContain("set XKS_PROXY_SECRET_ACCESS_KEY in the environment");
    expect(half.stderr).not.toContain("set XKS_PROXY_ACCESS_KEY_ID");
  });

  it("in-process: exits 0 against a healthy proxy and 1 on a wrong secret, the credential masked", async () => {
    const ok = record(await inProcess(probeArgs("--key-id", "key-1"), { env: env() }));
    expect(ok.stderr).toBe("");
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toContain("8 checks: 8 pass, 0 fail, 0 unknown");
    expect(ok.stdout).toContain("AKIA…");
    const json = record(await inProcess(probeArgs("--json", "--timeout-ms", "2000"), { env: env() }));
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { ok: boolean }).ok).toBe(true);
    const wrong = record(
      await inProcess(probeArgs(), { env: env("wrong-secret-of-enough-length-0123456789abc") }),
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/^FAIL\s+authentication\s/m);
  });

  it("in-process: a proxy slower than --timeout ends the probe at the deadline, one line, status 2", async () => {
    proxy.setLatency(400);
    try {
      const run = record(await inProcess(probeArgs("--timeout", "1"), { env: env() }));
      expect(run).toEqual({
        code: 2,
        stdout: "",
        stderr:
          "kms-keystore-errors probe-xks: stopped after 1 s (--timeout): the probe did not finish in time. Check the network path, or give it longer with --timeout <seconds>.\n",
      });
    } finally {
      proxy.setLatency(0);
    }
  });

  it("in-process: each usage error names exactly what is wrong", async () => {
    const base = ["probe-xks", "--uri-endpoint", "https://xks.example.com", "--uri-path", "/kms/xks/v1"];
    const cases: [string[], Record<string, string>, string][] = [
      [["probe-xks"], env(), "missing --uri-endpoint, --uri-path, --region"],
      [["probe-xks", "--uri-path", "/kms/xks/v1", "--region", REGION], env(), "missing --uri-endpoint"],
      [
        ["probe-xks", "--uri-endpoint", "https://x.example.com", "--region", REGION],
        env(),
        "missing --uri-path",
      ],
      [base, { ...env(), AWS_REGION: "" }, "missing --region"],
      [[...base, "stray"], env(), "unexpected argument (probe-xks takes only options)"],
      [
        [...base, "--region", REGION, "--samples", "101"],
        env(),
        "--samples must be a whole number from 1 to 100",
      ],
      [
        [...base, "--region", REGION, "--samples", "1.5"],
        env(),
        "--samples must be a whole number from 1 to 100",
      ],
      [
        [...base, "--region", REGION, "--timeout-ms", "60001"],
        env(),
        "--timeout-ms must be a whole number from 1 to 60000",
      ],
      [
        [...base, "--region", REGION, "--timeout", "0"],
        env(),
        "--timeout must be a whole number from 1 to 3600",
      ],
      [
        base,
        { AWS_REGION: REGION },
        "set XKS_PROXY_ACCESS_KEY_ID and XKS_PROXY_SECRET_ACCESS_KEY in the environment: the key store's proxy authentication credential (never passed as an option)",
      ],
      [
        [...base, "--region", REGION],
        { XKS_PROXY_ACCESS_KEY_ID: PROXY_KEY_ID, XKS_PROXY_SECRET_ACCESS_KEY: "" },
        "set XKS_PROXY_SECRET_ACCESS_KEY in the environment: the key store's proxy authentication credential (never passed as an option)",
      ],
    ];
    for (const [args, environment, message] of cases) {
      const run = record(await inProcess(args, { env: environment }));
      expect({ args, code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({
        args,
        code: 2,
        stdout: "",
        stderr: usage("probe-xks", message),
      });
    }
  });

  it("exits 2 for an invalid endpoint or an unreadable --ca, without a stack", async () => {
    const [endpoint, ca] = await Promise.all([
      inProcess(
        [
          "probe-xks",
          "--uri-endpoint",
          "http://xks.example.com",
          "--uri-path",
          "/kms/xks/v1",
          "--region",
          REGION,
        ],
        { env: env() },
      ).then(record),
      inProcess(probeArgs("--ca", join(fixtures, "missing.pem")), { env: env() }).then(record),
    ]);
    expect(endpoint.code).toBe(2);
    expect(endpoint.stderr).toContain("uriEndpoint must start with https://");
    expect(ca.code).toBe(2);
    expect(ca.stderr).toContain("--ca: cannot read");
    expect(ca.stderr).toContain("ENOENT");
    for (const run of [endpoint, ca]) expect(run.stderr).not.toMatch(STACK);
  });
});
