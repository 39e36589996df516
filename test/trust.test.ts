/**
 * Trust: each bound and each redaction path against a hostile loopback server the test starts and
 * stops itself, through the real KMSClient, the library's diagnostics and the built CLI.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { request } from "node:http";
import { connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EC2Client } from "@aws-sdk/client-ec2";
import { KMSClient } from "@aws-sdk/client-kms";
import { checkKeyStores } from "kms-keystore-errors";
import { diagnoseKeyStore, probeXksProxy } from "kms-keystore-errors/diagnostics";
import { startKmsEmulator } from "kms-keystore-errors/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { withDeadline } from "../src/cli/bounds.js";
import { kmsClient } from "../src/cli/doctor.js";
import { main } from "../src/cli/main.js";
import { suggest } from "../src/explain.js";
import { runCli } from "./support/cli.js";
import { closeHostileServers, hostile, kmsJson, pump } from "./support/hostile.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const SECRET = "Hx7pQ2mZ9vR4tY6wK1nB3cF5gJ8dL0sA2eU4iO6aW8q"; // 43 characters, like an XKS secret
const ACCESS_KEY_ID = "XKSACCESSKEYID1234567";
const STACK = /^\s+at /m;
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for escapes is the point.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

let home: string;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does).`);
  home = mkdtempSync(join(tmpdir(), "kms-trust-home-"));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));
afterEach(closeHostileServers);

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The built CLI in a child process; `stdout` may be a file descriptor or "closed" (a gone reader). */
function cli(
  args: readonly string[],
  stdout: "pipe" | "closed" | number = "pipe",
  env: Readonly<Record<string, string>> = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: {
        ...env,
        PATH: process.env.PATH ?? "",
        HOME: home,
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_ACCESS_KEY_ID: "AKIDTRUST",
        AWS_SECRET_ACCESS_KEY: "trust",
        AWS_REGION: "eu-west-1",
        XKS_PROXY_ACCESS_KEY_ID: ACCESS_KEY_ID,
        XKS_PROXY_SECRET_ACCESS_KEY: SECRET,
      },
      stdio: ["ignore", typeof stdout === "number" ? stdout : "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    if (stdout === "closed") child.stdout?.destroy();
    else
      child.stdout?.setEncoding("utf8").on("data", (d: string) => {
        out += d;
      });
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      err += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: out, stderr: err }));
  });
}

describe("pagination is bounded", () => {
  it("checkKeyStores stops with a failure when DescribeCustomKeyStores repeats its NextMarker", async () => {
    const server = await hostile((_req, res) =>
      kmsJson(res, { CustomKeyStores: [], Truncated: true, NextMarker: "same-marker" }),
    );
    const kms = new KMSClient({
      endpoint: server.url,
      region: "eu-west-1",
      credentials: { accessKeyId: "AKIDTRUST", secretAccessKey: "trust" },
    });
    const result = await checkKeyStores(kms);
    expect(result.isErr()).toBe(true);
    const failure = result._unsafeUnwrapErr();
    expect(failure.kind).toBe("TransportError");
    expect(failure.cause).toBe("UNREADABLE_RESPONSE");
    expect(failure.message).toContain("repeats a NextMarker");
    // The first page, then the page the marker pointed to: the third request is never sent.
    expect(server.seen).toHaveLength(2);
  });

  it("doctor ends with one line and status 2 on an endless answer", { tags: ["built"] }, async () => {
    const server = await hostile((_req, res) =>
      kmsJson(res, { CustomKeyStores: [], Truncated: true, NextMarker: "again" }),
    );
    const run = await cli(["doctor", "--endpoint", server.url]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).not.toMatch(STACK);
  });
});

describe("everything printed is terminal-safe", () => {
  const FORGED = "\u001b[2J\u001b]0;pwned\u0007CONNECTED\u202e\u0085\nFORGED LINE";

  it("doctor's table and summary line carry no escape, C1 or bidi character from the server", {
    tags: ["built"],
  }, async () => {
    const server = await hostile((_req, res) =>
      kmsJson(res, {
        CustomKeyStores: [
          {
            CustomKeyStoreId: "cks-1234567890abcdef0",
            CustomKeyStoreName: `name${FORGED}`,
            CustomKeyStoreType: "EXTERNAL_KEY_STORE",
            ConnectionState: FORGED,
          },
        ],
        Truncated: false,
      }),
    );
    const run = await cli(["doctor", "--endpoint", server.url]);
    expect(run.stdout).toContain("cks-1234567890abcdef0");
    expect(run.stdout).not.toMatch(CONTROL);
    expect(run.stdout).not.toMatch(/^FORGED LINE/m);
    expect(run.stderr).not.toMatch(STACK);
  });

  it("doctor --json escapes C1 and bidi characters as \\u sequences", { tags: ["built"] }, async () => {
    const server = await hostile((_req, res) =>
      kmsJson(res, {
        CustomKeyStores: [
          {
            CustomKeyStoreId: "cks-1234567890abcdef0",
            CustomKeyStoreName: "a\u0085b\u202ec",
            ConnectionState: "CONNECTED",
          },
        ],
      }),
    );
    const run = await cli(["doctor", "--endpoint", server.url, "--json"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("a\\u0085b\\u202ec");
    expect(run.stdout).not.toMatch(CONTROL);
    expect(JSON.parse(run.stdout)[0].customKeyStoreName).toBe("a\u0085b\u202ec");
  });
});

describe("output errors end quietly", () => {
  it("a reader that went away (| head) ends with status 0 and nothing on stderr", {
    tags: ["built"],
  }, async () => {
    const run = await cli(["explain", "KMSInvalidStateException", "--all"], "closed");
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
  });

  it.runIf(existsSync("/dev/full"))(
    "a full disk (> /dev/full) ends with one line and status 2",
    { tags: ["built"] },
    async () => {
      const full = openSync("/dev/full", "w");
      const run = await cli(["explain", "KMSInvalidStateException"], full);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe("kms-keystore-errors: cannot write the output (ENOSPC).\n");
    },
  );
});

/** One probe sample of a hostile proxy, with the test's credential. */
const probe = (url: string, timeoutMs: number) =>
  probeXksProxy({
    uriEndpoint: url,
    uriPath: "/kms/xks/v1",
    region: "eu-west-1",
    credential: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET },
    samples: 1,
    timeoutMs,
  });

describe("the XKS probe keeps the credential out of its report", () => {
  it("redacts a secret that straddles the proxy message's cut, and an echoed Authorization header", async () => {
    const proxy = await hostile((req, res) => {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          errorName: "AuthenticationFailedException",
          errorMessage: `${"x".repeat(140)}${SECRET} seen ${req.headers.authorization ?? ""}`,
        }),
      );
    });
    const report = await probe(proxy.url, 2000);
    const text = JSON.stringify(report);
    expect(text).toContain("[REDACTED]");
    for (let cut = 12; cut <= SECRET.length; cut++) expect(text).not.toContain(SECRET.slice(0, cut));
    expect(text).not.toContain(ACCESS_KEY_ID);
    expect(text).not.toMatch(/Signature=[0-9a-f]{8}/);
  });

  it("reports an oversized answer as a finding instead of holding it in memory", async () => {
    const chunk = "y".repeat(64 * 1024);
    const proxy = await hostile((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      // 8 MiB, written as the client reads; the client stops long before the end.
      pump(res, chunk, 128);
    });
    const report = await probe(proxy.url, 5000);
    expect(JSON.stringify(report)).toContain("the proxy answered with an oversized body");
    expect(report.ok).toBe(false);
  });
});

describe("the emulator's request log", () => {
  it("answers a JSON body nested 5,000 deep and logs it redacted", async () => {
    const emulator = await startKmsEmulator();
    try {
      let body = '{"Plaintext":"deep-secret"}';
      for (let i = 0; i < 5000; i++) body = `{"a":${body}}`;
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          `${emulator.endpoint}/`,
          {
            method: "POST",
            headers: {
              "content-type": "application/x-amz-json-1.1",
              "x-amz-target": "TrentService.DescribeKey",
            },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on("error", reject);
        req.end(body);
      });
      expect(status).toBe(400);
      const logged = JSON.stringify(emulator.requests("DescribeKey")[0]?.input);
      expect(logged).toContain("[TOO DEEP]");
      expect(logged).not.toContain("deep-secret");
    } finally {
      await emulator.close();
    }
  });
});

/**
 * A loopback port whose listen queue is full and never drained: the server's process is stopped,
 * so a new connection is never accepted and its connect hangs (what an unreachable firewalled host
 * looks like to the client).
 */
async function unacceptedPort(): Promise<{ port: number; close: () => void }> {
  const child = spawn(
    process.execPath,
    [
      "-e",
      'const s = require("node:net").createServer(() => {}); s.listen({ port: 0, host: "127.0.0.1", backlog: 1 }, () => console.log(s.address().port));',
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const port = await new Promise<number>((resolve) =>
    child.stdout?.setEncoding("utf8").once("data", (d: string) => resolve(Number(d.trim()))),
  );
  child.kill("SIGSTOP");
  // Fill the queue: connect until a connection is no longer completed by the kernel.
  const fillers: Socket[] = [];
  for (let i = 0; i < 64; i++) {
    const socket = connect(port, "127.0.0.1");
    fillers.push(socket);
    const accepted = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 500);
      socket.once("connect", () => {
        clearTimeout(timer);
        resolve(true);
      });
      socket.once("error", () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (!accepted) break;
  }
  return {
    port,
    close: () => {
      for (const socket of fillers) socket.destroy();
      child.kill("SIGKILL");
    },
  };
}

/** A KMS endpoint that accepts requests and never answers. */
const silent = () => hostile(() => {});

/** A KMS endpoint that answers 200 and then trickles its body a byte at a time, forever. */
const trickling = () =>
  hostile((_req, res) => {
    res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "req-slow" });
    res.write('{"CustomKeyStores":[');
    const timer = setInterval(() => res.write(" "), 50);
    res.on("close", () => clearInterval(timer));
  });

describe("every network call of the CLI is bounded", () => {
  // One attempt, so that the line names the bound that fired, not the SDK's last retry.
  const ONE_ATTEMPT = { AWS_MAX_ATTEMPTS: "1" };

  it("doctor: a connection that is never accepted ends at the connect timeout, one line, status 2", {
    tags: ["built"],
  }, async () => {
    const target = await unacceptedPort();
    try {
      const run = await cli(
        ["doctor", "--endpoint", `http://127.0.0.1:${target.port}`, "--timeout", "30"],
        "pipe",
        ONE_ATTEMPT,
      );
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      // The connect timeout (3 s), not the request timeout or the deadline, ended it.
      expect(run.stderr).toContain("TransportError (REQUEST_TIMEOUT)");
      expect(run.stderr).toContain(
        "did not establish a connection with the server within the configured timeout of 3000 ms",
      );
      expect(run.stderr).not.toContain("stopped after");
      expect(run.stderr).not.toMatch(STACK);
    } finally {
      target.close();
    }
  });

  it("doctor: a server that accepts and never answers ends at the request timeout, one line, status 2", {
    tags: ["built"],
  }, async () => {
    const server = await silent();
    // --timeout 4: the request timeout is half of it (2 s), so it fires before the deadline.
    const run = await cli(["doctor", "--endpoint", server.url, "--timeout", "4"], "pipe", ONE_ATTEMPT);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    // The SDK's request timeout and the page's own, both 2 s: whichever fires first ends it.
    expect(run.stderr).toContain("TransportError (REQUEST_TIMEOUT)");
    expect(run.stderr).toMatch(/2000 ms requestTimeout|within 2000 ms \(requestTimeoutMs\)/);
    // The SDK's own warning would be a second line: it is an error here, printed once.
    expect(run.stderr).not.toContain("WARN");
    expect(run.stderr).not.toContain("stopped after");
    expect(server.seen).toHaveLength(1);
  });

  it("doctor: an answer trickled a byte at a time ends at the request timeout, one line, status 2", {
    tags: ["built"],
  }, async () => {
    const server = await trickling();
    // --timeout 6: each page may take 3 s (half of it), whatever arrives meanwhile.
    const run = await cli(["doctor", "--endpoint", server.url, "--timeout", "6"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(
      "TransportError (REQUEST_TIMEOUT): DescribeCustomKeyStores page 1 gave no complete answer within 3000 ms (requestTimeoutMs)",
    );
  });

  it("doctor: pages that each arrive in time but never end stop at the --timeout deadline, one line, status 2", {
    tags: ["built"],
  }, async () => {
    // Each page comes in 300 ms (within the 1 s request timeout of --timeout 2), with a new marker.
    let page = 0;
    const server = await hostile((_req, res) => {
      page++;
      setTimeout(() => kmsJson(res, { CustomKeyStores: [], Truncated: true, NextMarker: `m${page}` }), 300);
    });
    const run = await cli(["doctor", "--endpoint", server.url, "--timeout", "2"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toEqual([
      "kms-keystore-errors doctor: stopped after 2 s (--timeout): describing the key stores did not finish in time. Check the network path, or give it longer with --timeout <seconds>.",
    ]);
    expect(server.seen.length).toBeGreaterThan(1);
  });

  it("doctor: an endless answer is cut at 10 MiB instead of being held in memory, one line, status 2", {
    tags: ["built"],
  }, async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const server = await hostile((_req, res) => {
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "req-endless" });
      res.write('{"CustomKeyStores":[');
      // 64 MiB at most, written as the client reads: the client stops long before.
      pump(res, chunk, 1024, "]}");
    });
    const run = await cli(["doctor", "--endpoint", server.url]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(
      "TransportError (UNREADABLE_RESPONSE): the answer is larger than 10485760 bytes",
    );
    expect(run.stderr).not.toMatch(STACK);
  });

  it("doctor: a FAILED store's ConnectionErrorCode and fields that carry foreign text reach no output as they are", {
    tags: ["built"],
  }, async () => {
    const accessKeyId = "AKIAHOSTILEFAKEID7Q2Z";
    const authorization = `AWS4-HMAC-SHA256 Credential=AKIDTRUST/20261207/eu-west-1/kms/aws4_request, SignedHeaders=host, Signature=${"ab".repeat(32)}`;
    const kms = await hostile((_req, res) =>
      kmsJson(res, {
        CustomKeyStores: [
          {
            CustomKeyStoreId: "cks-1234567890abcdef0",
            CustomKeyStoreName: `named after ${accessKeyId.toLowerCase()}`,
            CustomKeyStoreType: "EXTERNAL_KEY_STORE",
            ConnectionState: "FAILED",
            ConnectionErrorCode: `${authorization} ${accessKeyId}`,
            XksProxyConfiguration: {
              AccessKeyId: accessKeyId,
              Connectivity: "PUBLIC_ENDPOINT",
              UriEndpoint: `https://${accessKeyId}.example.com`,
              UriPath: "/kms/xks/v1",
            },
          },
        ],
      }),
    );
    for (const args of [[], ["--json"]]) {
      const run = await cli(["doctor", "--endpoint", kms.url, ...args]);
      expect(run.code).toBe(1);
      const out = run.stdout + run.stderr;
      expect(out).toContain("MALFORMED_CONNECTION_ERROR_CODE");
      expect(out.toUpperCase()).not.toContain(accessKeyId);
      expect(out).not.toContain("ab".repeat(12));
      expect(out).not.toContain("Credential=AKIDTRUST");
    }
  });

  it("doctor --deep: AWS endpoints that never answer end at the deadline, one line, status 2", {
    tags: ["built"],
  }, async () => {
    const kms = await hostile((_req, res) =>
      kmsJson(res, {
        CustomKeyStores: [
          {
            CustomKeyStoreId: "cks-1234567890abcdef0",
            CustomKeyStoreName: "stuck",
            CustomKeyStoreType: "EXTERNAL_KEY_STORE",
            ConnectionState: "FAILED",
            ConnectionErrorCode: "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND",
            XksProxyConfiguration: {
              Connectivity: "VPC_ENDPOINT_SERVICE",
              UriEndpoint: "https://xks.example.com",
              UriPath: "/kms/xks/v1",
              VpcEndpointServiceName: "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0",
            },
          },
        ],
      }),
    );
    const aws = await trickling();
    const run = await cli([
      "doctor",
      "--deep",
      "--endpoint",
      kms.url,
      "--aws-endpoint",
      aws.url,
      "--timeout",
      "3",
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(
      "stopped after 3 s (--timeout): describing the key stores and the deep checks",
    );
    // The deep checks had started: the AWS endpoint was called.
    expect(aws.seen.length).toBeGreaterThan(0);
  });

  it("probe-xks: a proxy that trickles its answer ends at the --timeout deadline, one line, status 2", {
    tags: ["built"],
  }, async () => {
    const proxy = await hostile((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write("{");
      const timer = setInterval(() => res.write(" "), 50);
      res.on("close", () => clearInterval(timer));
    });
    const run = await cli([
      "probe-xks",
      "--uri-endpoint",
      proxy.url,
      "--uri-path",
      "/kms/xks/v1",
      "--region",
      "eu-west-1",
      "--timeout-ms",
      "60000",
      "--timeout",
      "2",
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toEqual([
      "kms-keystore-errors probe-xks: stopped after 2 s (--timeout): the probe did not finish in time. Check the network path, or give it longer with --timeout <seconds>.",
    ]);
  });

  it("refuses a --timeout outside 1-3600 seconds", { tags: ["built"] }, async () => {
    for (const value of ["0", "3601", "1.5", "soon"]) {
      const run = await cli(["doctor", "--timeout", value]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("--timeout must be a whole number from 1 to 3600");
    }
  });
});

// The CLI's network bounds once more, in-process: the spawned runs above check the built command; these
// check the sources the built command is made from, one line and status 2 each.
describe("the CLI's network bounds, in-process", () => {
  const doctorAt = (url: string, ...extra: string[]) => runCli(["doctor", "--endpoint", url, ...extra]);
  beforeEach(() => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDTRUST");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "trust");
    // One attempt, so that the line names the bound that fired, not the SDK's last retry.
    vi.stubEnv("AWS_MAX_ATTEMPTS", "1");
    vi.stubEnv("AWS_REGION", "us-east-1");
  });
  afterEach(() => vi.unstubAllEnvs());

  it("a connection that is never accepted ends at the connect timeout (3 s)", async () => {
    const target = await unacceptedPort();
    try {
      const run = await doctorAt(`http://127.0.0.1:${target.port}`, "--timeout", "30");
      expect([run.code, run.stdout]).toEqual([2, ""]);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toContain(
        "did not establish a connection with the server within the configured timeout of 3000 ms",
      );
    } finally {
      target.close();
    }
  });

  it("a connection never accepted under a short --timeout ends at half of it, not at the deadline", async () => {
    const target = await unacceptedPort();
    try {
      const run = await doctorAt(`http://127.0.0.1:${target.port}`, "--timeout", "2");
      expect([run.code, run.stdout]).toEqual([2, ""]);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toContain("TransportError (REQUEST_TIMEOUT)");
      expect(run.stderr).toContain("within 1000 ms");
    } finally {
      target.close();
    }
  });

  it("a server that trickles its status line and headers, never idle, ends at the request timeout", async () => {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.write("HTTP/1.1 200 OK\r\nx-slow: ");
      const timer = setInterval(() => socket.write("a"), 100);
      socket.on("close", () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      const run = await doctorAt(`http://127.0.0.1:${port}`, "--timeout", "2");
      expect([run.code, run.stdout]).toEqual([2, ""]);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toContain("TransportError (REQUEST_TIMEOUT)");
      expect(run.stderr).toContain("within 1000 ms");
    } finally {
      server.close();
      for (const socket of sockets) socket.destroy();
    }
  });

  it("a command that ends in time leaves no timer behind and never aborts its work", async () => {
    vi.useFakeTimers();
    try {
      let seen: AbortSignal | undefined;
      const done = { stdout: "done\n", stderr: "", code: 0 };
      const out = await withDeadline(
        5,
        async (signal) => {
          seen = signal;
          return done;
        },
        () => ({ stdout: "", stderr: "late\n", code: 2 }),
      );
      expect(out).toBe(done);
      expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(seen?.aborted).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it("past the deadline a command ends with the deadline's output, its work aborted, settled or not", async () => {
    vi.useFakeTimers();
    try {
      let seen: AbortSignal | undefined;
      const late = { stdout: "", stderr: "late\n", code: 2 };
      const ended = withDeadline(
        5,
        (signal) => {
          seen = signal;
          return new Promise(() => {});
        },
        () => late,
      );
      await vi.advanceTimersByTimeAsync(4_999);
      expect(seen?.aborted).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await ended).toBe(late);
      expect(seen?.aborted).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a server that never answers ends at the request timeout, half of --timeout", async () => {
    const server = await silent();
    const run = await doctorAt(server.url, "--timeout", "2");
    expect([run.code, run.stdout]).toEqual([2, ""]);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("TransportError (REQUEST_TIMEOUT)");
    expect(run.stderr).toMatch(/1000 ms requestTimeout|within 1000 ms \(requestTimeoutMs\)/);
    expect(server.seen).toHaveLength(1);
  });

  it("reads every answer of its KMS client through the cap, innermost, before the SDK parses it", () => {
    const client = kmsClient({ region: "us-east-1", deadlineMs: 60_000 });
    try {
      // The SDK's own list of the stack, outermost first: the cap is the last of the deserialize step.
      expect(client.middlewareStack.identify().at(-1)).toBe("kmsKeystoreErrorsResponseCap - deserialize");
    } finally {
      client.destroy();
    }
  });

  it("an answer larger than 10 MiB is cut there; one of exactly 10 MiB is read", async () => {
    const MIB = 1024 * 1024;
    const answer = (bytes: number) =>
      hostile((_req, res) => {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "req-big" });
        const head = '{"CustomKeyStores":[';
        const tail = "]}";
        res.end(`${head}${" ".repeat(bytes - head.length - tail.length)}${tail}`);
      });
    const [exact, over] = await Promise.all([answer(10 * MIB), answer(10 * MIB + 1)]);
    const [read, cut] = await Promise.all([doctorAt(exact.url), doctorAt(over.url)]);
    expect(read).toEqual({ code: 0, stdout: "No custom key stores in us-east-1.\n", stderr: "" });
    expect([cut.code, cut.stdout]).toEqual([2, ""]);
    expect(cut.stderr.trim().split("\n")).toHaveLength(1);
    expect(cut.stderr).toContain(
      "TransportError (UNREADABLE_RESPONSE): the answer is larger than 10485760 bytes, which no KMS answer is; stopped reading it",
    );
  });

  it("an answer cut off mid-body ends at once with the connection's error, not at a timeout", async () => {
    const server = await hostile((_req, res) => {
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "req-cut" });
      res.write('{"CustomKeyStores":[');
      setTimeout(() => res.destroy(), 50);
    });
    const run = await doctorAt(server.url, "--timeout", "60");
    expect([run.code, run.stdout]).toEqual([2, ""]);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("TransportError");
    expect(run.stderr).not.toContain("REQUEST_TIMEOUT");
  });
});

describe("the diagnostics' network calls are bounded", () => {
  const credentials = { accessKeyId: "AKIDTRUST", secretAccessKey: "trust" };
  const VPC_STORE = {
    CustomKeyStoreId: "cks-1234567890abcdef0",
    CustomKeyStoreType: "EXTERNAL_KEY_STORE",
    ConnectionState: "FAILED",
    ConnectionErrorCode: "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND",
    XksProxyConfiguration: {
      Connectivity: "VPC_ENDPOINT_SERVICE",
      UriEndpoint: "https://xks.example.com",
      VpcEndpointServiceName: "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0",
    },
  };

  it("diagnoseKeyStore: an AWS call with no answer makes its checks unknown at requestTimeoutMs", async () => {
    const kms = await hostile((_req, res) => kmsJson(res, { CustomKeyStores: [VPC_STORE] }));
    const aws = await silent();
    const result = await diagnoseKeyStore(
      {
        kms: new KMSClient({ endpoint: kms.url, region: "eu-west-1", credentials }),
        ec2: new EC2Client({ endpoint: aws.url, region: "eu-west-1", credentials }),
      },
      VPC_STORE.CustomKeyStoreId,
      { requestTimeoutMs: 300 },
    );
    const diagnosis = result._unsafeUnwrap();
    const timedOut = diagnosis.checks.filter((c) => c.evidence.includes("gave no answer within 300 ms"));
    expect(timedOut.length).toBeGreaterThan(0);
    for (const check of timedOut) expect(check.status).toBe("unknown");
    expect(aws.seen.length).toBeGreaterThan(0);
  });

  it("diagnoseKeyStore: a describe that trickles past deadlineMs is a REQUEST_TIMEOUT failure", async () => {
    const kms = await trickling();
    const result = await diagnoseKeyStore(
      { kms: new KMSClient({ endpoint: kms.url, region: "eu-west-1", credentials }) },
      VPC_STORE.CustomKeyStoreId,
      { deadlineMs: 500 },
    );
    const failure = result._unsafeUnwrapErr();
    expect(failure.kind).toBe("TransportError");
    expect(failure.cause).toBe("REQUEST_TIMEOUT");
    expect(failure.message).toContain("did not finish within 500 ms (deadlineMs)");
  });

  it("diagnoseKeyStore: refuses a request timeout or deadline outside 1-3,600,000 ms", () => {
    const kms = new KMSClient({ region: "eu-west-1", credentials });
    for (const bad of [0, -1, Number.NaN, 3_600_001]) {
      expect(() => diagnoseKeyStore({ kms }, "cks-1", { requestTimeoutMs: bad })).toThrow(
        "diagnoseKeyStore: `requestTimeoutMs` must be a number of milliseconds from 1 to 3600000.",
      );
      expect(() => diagnoseKeyStore({ kms }, "cks-1", { deadlineMs: bad })).toThrow(
        "diagnoseKeyStore: `deadlineMs` must be a number of milliseconds from 1 to 3600000.",
      );
    }
  });

  it("probeXksProxy: a proxy that trickles past deadlineMs leaves the rest of the checks unknown", async () => {
    const proxy = await hostile((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write("{");
      const timer = setInterval(() => res.write(" "), 50);
      res.on("close", () => clearInterval(timer));
    });
    const report = await probeXksProxy({
      uriEndpoint: proxy.url,
      uriPath: "/kms/xks/v1",
      credential: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET },
      region: "eu-west-1",
      timeoutMs: 60_000,
      deadlineMs: 500,
    });
    expect(report.ok).toBe(false);
    const notRun = report.checks.filter((c) => c.evidence.includes("deadline of 500 ms passed (deadlineMs)"));
    expect(notRun.map((c) => c.id)).toContain("latency");
    for (const check of notRun) expect(check.status).toBe("unknown");
    // The checks before the trickled call were run.
    expect(report.checks.find((c) => c.id === "tcp")?.status).toBe("pass");
  });
});

describe("the CLI's work on its input is bounded", () => {
  it("explain - refuses standard input over 1 MiB with one line and status 2", {
    tags: ["built"],
  }, async () => {
    const child = spawn(process.execPath, [CLI, "explain", "-"], {
      env: { PATH: process.env.PATH ?? "", HOME: home },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      err += d;
    });
    child.stdin.on("error", () => {});
    child.stdin.end("x".repeat(1024 * 1024 + 1));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err.trim().split("\n")[0]).toBe(
      "kms-keystore-errors explain: standard input is larger than 1 MiB: paste only the error line (or its first 1 MiB)",
    );
  });

  it("explain - on 1 MiB of unknown words answers, with no suggestion drawn from noise", async () => {
    const io = {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
      env: {},
      isTTY: false,
      readStdin: async () => "Zqxwv blorp frobnicated ".repeat(Math.floor((1024 * 1024) / 24)),
    };
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(["explain", "-"], io);
    expect(code).toBe(1);
    expect(err.join("")).not.toContain("did you mean");
  });

  it("the suggestion for a long pasted log comes from its words: a misspelt exception name is found", () => {
    const log = `${"2026-12-07T05:00:00Z worker-7 request failed; ".repeat(5000)}KMSInvalidStateExcepton: proxy`;
    expect(suggest(log)[0]).toBe("KMSInvalidStateException");
  });
});

describe("the CLI echoes no more of its arguments than it must", () => {
  it("quotes at most 40 characters of an unknown option or command, and nothing after =", {
    tags: ["built"],
  }, async () => {
    const secret = "FAKEsecretValueDoNotEcho0123456789abcdefghijkl";
    const option = await cli([`--xks-secret-access-key=${secret}`, "probe-xks"]);
    const command = await cli([`${secret}${secret}`]);
    const topic = await cli(["help", `${secret}${secret}`]);
    for (const run of [option, command, topic]) {
      expect(run.code).toBe(2);
      expect(run.stderr).not.toContain(secret.slice(-12));
    }
    expect(option.stderr).not.toContain(secret.slice(0, 12));
  });
});

describe("the deep checks keep a store's credential id and foreign codes out of their evidence", () => {
  it("redacts an EC2 error that echoes the Authorization header and the store's access key id", async () => {
    const accessKeyId = "AKIAHOSTILEFAKEID7Q2Z";
    const kms = await hostile((_req, res) =>
      kmsJson(res, {
        CustomKeyStores: [
          {
            CustomKeyStoreId: "cks-1234567890abcdef0",
            CustomKeyStoreType: "EXTERNAL_KEY_STORE",
            ConnectionState: "FAILED",
            ConnectionErrorCode: `XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND ${accessKeyId}`,
            XksProxyConfiguration: {
              AccessKeyId: accessKeyId,
              Connectivity: "VPC_ENDPOINT_SERVICE",
              UriEndpoint: "https://xks.example.com",
              VpcEndpointServiceName: "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0",
            },
          },
        ],
      }),
    );
    const ec2 = await hostile((req, res) => {
      const authorization = req.headers.authorization ?? "";
      res.writeHead(400, { "content-type": "text/xml" });
      res.end(
        `<Response><Errors><Error><Code>${authorization}</Code><Message>rejected ${accessKeyId} with Signature%3D${"cd".repeat(32)}</Message></Error></Errors><RequestID>r-1</RequestID></Response>`,
      );
    });
    const credentials = { accessKeyId: "AKIDTRUST", secretAccessKey: "trust" };
    const result = await diagnoseKeyStore(
      {
        kms: new KMSClient({ endpoint: kms.url, region: "eu-west-1", credentials }),
        ec2: new EC2Client({ endpoint: ec2.url, region: "eu-west-1", credentials, maxAttempts: 1 }),
      },
      "cks-1234567890abcdef0",
    );
    const diagnosis = result._unsafeUnwrap();
    expect(ec2.seen.length).toBeGreaterThan(0);
    const text = JSON.stringify(diagnosis);
    expect(text).toContain("[REDACTED]");
    expect(text.toUpperCase()).not.toContain(accessKeyId);
    expect(text).not.toContain("cd".repeat(8));
    expect(text).not.toMatch(/Signature=[0-9a-f]{8}/);
    expect(diagnosis.connectionErrorCode).toBe("MALFORMED_CONNECTION_ERROR_CODE");
  });
});
