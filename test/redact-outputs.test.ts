/**
 * The redaction contract as a property, over every output path: a secret of the command input, echoed
 * by the server in any form redaction covers (exact, any case, characters inserted, Base64 at any
 * alignment, Base64url, hex, URL/form encoding, JSON escaping, or cut to 12+ characters), never reaches
 * the failure, its JSON, `util.inspect`, the log entry, the formatted text, `onFailure`, the
 * emulator's request log, or the CLI (`explain`, `doctor`, `probe-xks`, text and `--json`). Every
 * echo travels over the wire: a real `KMSClient` against the emulator, or the CLI against a hostile
 * loopback server.
 */
import { inspect } from "node:util";
import { EncryptCommand, KMSClient, UpdateCustomKeyStoreCommand } from "@aws-sdk/client-kms";
import fc from "fast-check";
import {
  failureOf,
  formatFailure,
  type KmsFailure,
  toLogEntry,
  withKeyStoreErrors,
} from "kms-keystore-errors";
import { type KmsEmulator, startKmsEmulator } from "kms-keystore-errors/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { closeHostileServers, hostile, kmsJson } from "./support/hostile.js";
import { rejectionOf } from "./support/kms.js";
import { byteSecret, type Echo, echoOf, stringSecret, survivors } from "./support/secret-forms.js";

const SEED = 20261207;

/** Every string in a JSON text, unescaped, one per line (what a reader of the JSON sees). */
function jsonText(json: string): string {
  const out: string[] = [json];
  const walk = (v: unknown): void => {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(JSON.parse(json));
  return out.join("\n");
}

/** Fails with the form and the output path when any piece of the echo survived. */
function expectNoEcho(outputs: Readonly<Record<string, string>>, echo: Echo): void {
  for (const [path, text] of Object.entries(outputs)) {
    const found = survivors(text, echo);
    expect(found, `${echo.form} survived in ${path}`).toEqual([]);
  }
}

/** A failure through every one of its output paths. */
const failureOutputs = (failure: KmsFailure, prefix: string): Record<string, string> => ({
  [`${prefix} message`]: failure.message ?? "",
  [`${prefix} JSON.stringify`]: jsonText(JSON.stringify(failure)),
  [`${prefix} util.inspect`]: inspect(failure, { depth: Number.POSITIVE_INFINITY }),
  [`${prefix} toLogEntry`]: jsonText(JSON.stringify(toLogEntry(failure))),
  [`${prefix} formatFailure`]: formatFailure(failure),
});

/** The CLI, in process, with its output collected. */
async function cli(argv: readonly string[], env: Record<string, string> = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, {
    stdout: { write: (t: string) => stdout.push(t) },
    stderr: { write: (t: string) => stderr.push(t) },
    env,
    isTTY: false,
  });
  return { code, out: stdout.join(""), err: stderr.join("") };
}

describe("a secret echoed by KMS in any form reaches no output", () => {
  let emulator: KmsEmulator;
  const seen: KmsFailure[] = [];
  let kms: KMSClient;

  beforeAll(async () => {
    emulator = await startKmsEmulator();
    kms = withKeyStoreErrors(
      new KMSClient({
        endpoint: emulator.endpoint,
        region: emulator.region,
        credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "test-secret-not-used" },
        maxAttempts: 1,
      }),
      { onFailure: (failure) => seen.push(failure) },
    );
  });
  afterAll(() => emulator.close());

  /** Sends `command` after scripting an answer that echoes `echo`; checks every output path. */
  async function roundTrip(operation: string, command: object, echo: Echo): Promise<void> {
    emulator.failNext(operation, {
      exception: "KMSInvalidStateException",
      message: `The external key store proxy rejected <${echo.text}> and gave up.`,
    });
    seen.length = 0;
    const error = await rejectionOf(kms.send(command as never));
    const failure = failureOf(error) as KmsFailure;
    expect(failure.kind).toBe("KMSInvalidStateException");
    expect(seen).toHaveLength(1);
    const logged = emulator.requests(operation).at(-1);
    expectNoEcho(
      {
        ...failureOutputs(failure, "failure"),
        ...failureOutputs(seen[0] as KmsFailure, "onFailure argument"),
        "emulator request log": jsonText(JSON.stringify(logged)),
      },
      echo,
    );
  }

  it("Encrypt: the plaintext (bytes), echoed in the message and planted in the encryption context", async () => {
    await fc.assert(
      fc.asyncProperty(
        byteSecret.chain((secret) => fc.tuple(fc.constant(secret), echoOf(secret))),
        async ([secret, echo]) => {
          await roundTrip(
            "Encrypt",
            new EncryptCommand({
              KeyId: "alias/payments",
              Plaintext: secret,
              EncryptionContext: { note: `client wrote ${echo.text}` },
            }),
            echo,
          );
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
  });

  it("UpdateCustomKeyStore: the kmsuser password and the XKS secret (strings), echoed and planted in the name", async () => {
    await fc.assert(
      fc.asyncProperty(
        stringSecret.chain((secret) => fc.tuple(fc.constant(secret), echoOf(secret), fc.boolean())),
        async ([secret, echo, cloudHsm]) => {
          const secrets = cloudHsm
            ? { KeyStorePassword: secret }
            : {
                XksProxyAuthenticationCredential: {
                  AccessKeyId: "ABCDEFGHIJKLMNOPQRST",
                  RawSecretAccessKey: secret,
                },
              };
          await roundTrip(
            "UpdateCustomKeyStore",
            new UpdateCustomKeyStoreCommand({
              CustomKeyStoreId: "cks-1234567890abcdef0",
              NewCustomKeyStoreName: `store ${echo.text}`,
              ...secrets,
            }),
            echo,
          );
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
  });
});

describe("the CLI prints no echo of a secret", () => {
  const saved = { ...process.env };
  beforeAll(() => {
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: "AKIDTRUST",
      AWS_SECRET_ACCESS_KEY: "trust",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_MAX_ATTEMPTS: "1",
    });
  });
  afterAll(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });
  afterEach(closeHostileServers);

  it("explain: a pasted log line never echoes its text, in text or --json", async () => {
    await fc.assert(
      fc.asyncProperty(
        stringSecret.chain((secret) => echoOf(secret)),
        async (echo) => {
          const line = `An error occurred (KMSInvalidStateException) when calling the Decrypt operation: proxy said <${echo.text}>`;
          const text = await cli(["explain", line]);
          const json = await cli(["explain", line, "--json"]);
          expect(text.code).toBe(0);
          expectNoEcho(
            { "explain text": text.out + text.err, "explain --json": jsonText(json.out) + json.err },
            echo,
          );
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
  });

  it("doctor: the access key id a store was described with, echoed by a later page's error", async () => {
    const accessKeyId = fc.string({
      unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".split("")),
      minLength: 20,
      maxLength: 30,
    });
    await fc.assert(
      fc.asyncProperty(
        accessKeyId.chain((id) => fc.tuple(fc.constant(id), echoOf(id))),
        async ([id, echo]) => {
          const kms = await hostile((_req, res, body) => {
            if (!body.includes("Marker")) {
              kmsJson(res, {
                CustomKeyStores: [
                  {
                    CustomKeyStoreId: "cks-1234567890abcdef0",
                    CustomKeyStoreName: "payments",
                    CustomKeyStoreType: "EXTERNAL_KEY_STORE",
                    ConnectionState: "CONNECTED",
                    XksProxyConfiguration: { AccessKeyId: id, Connectivity: "PUBLIC_ENDPOINT" },
                  },
                ],
                Truncated: true,
                NextMarker: "page-2",
              });
            } else {
              kmsJson(
                res,
                { __type: "ValidationException", message: `marker of ${echo.text} is stale` },
                400,
              );
            }
          });
          const args = ["doctor", "--endpoint", kms.url, "--region", "eu-west-1"];
          const text = await cli(args);
          const json = await cli([...args, "--json"]);
          expect(text.code).toBe(2);
          expect(json.code).toBe(2);
          expect(text.err).toContain("ValidationException");
          expectNoEcho(
            { "doctor text": text.out + text.err, "doctor --json": jsonText(json.out) + json.err },
            echo,
          );
        },
      ),
      { seed: SEED, numRuns: 25 },
    );
  });

  it("probe-xks: the proxy secret echoed in the proxy's error message, in text and --json", async () => {
    const xksSecret = fc.string({
      unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".split("")),
      minLength: 32,
      maxLength: 64,
    });
    await fc.assert(
      fc.asyncProperty(
        xksSecret.chain((secret) => fc.tuple(fc.constant(secret), echoOf(secret))),
        async ([secret, echo]) => {
          const proxy = await hostile((_req, res) => {
            res.writeHead(401, { "content-type": "application/json" });
            res.end(
              JSON.stringify({
                errorName: "AuthenticationFailedException",
                errorMessage: `bad secret <${echo.text}>`,
              }),
            );
          });
          const args = [
            "probe-xks",
            "--uri-endpoint",
            proxy.url,
            "--uri-path",
            "/kms/xks/v1",
            "--region",
            "eu-west-1",
            "--samples",
            "1",
          ];
          const env = {
            XKS_PROXY_ACCESS_KEY_ID: "XKSACCESSKEYID1234567",
            XKS_PROXY_SECRET_ACCESS_KEY: secret,
          };
          const text = await cli(args, env);
          const json = await cli([...args, "--json"], env);
          expect(text.code).toBe(1);
          expect(text.out).toContain("authentication");
          expectNoEcho(
            { "probe-xks text": text.out + text.err, "probe-xks --json": jsonText(json.out) + json.err },
            echo,
          );
        },
      ),
      { seed: SEED, numRuns: 25 },
    );
  });
});
