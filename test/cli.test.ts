import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  ConnectCustomKeyStoreCommand,
  CreateCustomKeyStoreCommand,
  type KMSClient,
} from "@aws-sdk/client-kms";
import { catalog, explain, lookup } from "kms-keystore-errors";
import { type KmsEmulator, startKmsEmulator } from "kms-keystore-errors/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type CliIo, main } from "../src/cli/main.js";
import { clientFor } from "./support/kms.js";

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

/** `main()` in-process, with captured output. */
async function inProcess(
  args: readonly string[],
  io: Partial<Pick<CliIo, "env" | "isTTY" | "readStdin">> = {},
): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: io.env ?? {},
    isTTY: io.isTTY ?? false,
    readStdin: io.readStdin,
  });
  return { code, stdout, stderr };
}

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
  it("--version and -v print the package.json version", async () => {
    const [long, short] = await Promise.all([cli(["--version"]), cli(["-v"])]);
    for (const run of [long, short]) {
      expect(run).toMatchObject({ code: 0, stderr: "" });
      expect(run.stdout.trim()).toBe(PACKAGE.version);
    }
  });

  it("--help lists both commands; no command prints usage and exits 2", async () => {
    const [help, none] = await Promise.all([cli(["--help"]), cli([])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("explain <name|code|log line...>");
    expect(help.stdout).toContain("doctor [--region R]");
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Usage:");
  });

  it("explains an exception name with its cause and docs", async () => {
    const run = await cli(["explain", "XksProxyVpcEndpointServiceInvalidConfigurationException"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION");
    expect(run.stdout).toContain("https://docs.aws.amazon.com/kms/");
    expect(run.stdout).not.toMatch(ANSI);
  });

  it("--json prints exactly what explain() returns", async () => {
    const run = await cli(["explain", "XKS_PROXY_TIMED_OUT", "--json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(JSON.stringify(explain("XKS_PROXY_TIMED_OUT"))));
  });

  it("reads a log line from stdin with -", async () => {
    const run = await cli(["explain", "-", "--json"], { stdin: `${TIMEOUT_LINE}\n` });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).cause).toBe("XKS_PROXY_TIMED_OUT");
  });

  it("unknown input exits 1 with a did-you-mean hint on stderr", async () => {
    const run = await cli(["explain", "XksProxyVpcEndpointServiceInvalidConfigurationExceptoin"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("Did you mean");
    expect(run.stderr).toContain("XksProxyVpcEndpointServiceInvalidConfigurationException?");
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("an unknown option or command exits 2 with a usage hint", async () => {
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

    it("exits 1 when a store is FAILED, and --json prints the reports", async () => {
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

    it("exits 0 when stores are only DISCONNECTED (listed with guidance)", async () => {
      await start();
      await createXks(kms, emulator);
      const run = await doctor();
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("DISCONNECTED");
      expect(run.stdout).toContain("KEY_STORE_NOT_CONNECTED");
    });

    it("exits 2 with one line when the stores cannot be described", async () => {
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

  it("doctor without a Region exits 2 with one line", async () => {
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
    for (const args of [["help"], ["-h"], ["help", "doctor"], ["doctor", "--help"], ["explain", "-h"]]) {
      const run = await inProcess(args);
      expect(run.code, args.join(" ")).toBe(0);
      expect(run.stdout).toContain("Usage:");
    }
    expect((await inProcess(["doctor", "-h"])).stdout).toContain("--profile P");
  });

  it("rejects usage errors with status 2", async () => {
    const cases = [
      ["explain"],
      ["explain", "--json=yes", "X"],
      ["doctor", "--region"],
      ["doctor", "extra"],
      ["doctor", "--endpoint", "not a url"],
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
