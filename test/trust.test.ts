/**
 * Trust: each bound and each redaction path against a hostile loopback server the test starts and
 * stops itself, through the real KMSClient, the library's diagnostics and the built CLI.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KMSClient } from "@aws-sdk/client-kms";
import { checkKeyStores } from "kms-keystore-errors";
import { probeXksProxy } from "kms-keystore-errors/diagnostics";
import { startKmsEmulator } from "kms-keystore-errors/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const SECRET = "Hx7pQ2mZ9vR4tY6wK1nB3cF5gJ8dL0sA2eU4iO6aW8q"; // 43 characters, like an XKS secret
const ACCESS_KEY_ID = "XKSACCESSKEYID1234567";
const STACK = /^\s+at /m;
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for escapes is the point.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

let home: string;
const servers: Server[] = [];

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does).`);
  home = mkdtempSync(join(tmpdir(), "kms-trust-home-"));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** A loopback server with a handler; returns its base URL and the requests it saw. */
async function hostile(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      seen.push(body);
      handler(req, res, body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const kmsJson = (res: ServerResponse, body: unknown): void => {
  res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "req-hostile" });
  res.end(JSON.stringify(body));
};

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The built CLI in a child process; `stdout` may be a file descriptor or "closed" (a gone reader). */
function cli(args: readonly string[], stdout: "pipe" | "closed" | number = "pipe"): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: {
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

  it("doctor ends with one line and status 2 on an endless answer", async () => {
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

  it("doctor's table and summary line carry no escape, C1 or bidi character from the server", async () => {
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

  it("doctor --json escapes C1 and bidi characters as \\u sequences", async () => {
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
  it("a reader that went away (| head) ends with status 0 and nothing on stderr", async () => {
    const run = await cli(["explain", "KMSInvalidStateException", "--all"], "closed");
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
  });

  it.runIf(existsSync("/dev/full"))("a full disk (> /dev/full) ends with one line and status 2", async () => {
    const full = openSync("/dev/full", "w");
    const run = await cli(["explain", "KMSInvalidStateException"], full);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("kms-keystore-errors: cannot write the output (ENOSPC).\n");
  });
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
      let left = 128;
      const pump = (): void => {
        while (left > 0) {
          left--;
          if (!res.write(chunk)) {
            res.once("drain", pump);
            return;
          }
        }
        res.end();
      };
      res.on("error", () => {});
      pump();
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
