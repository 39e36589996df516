/**
 * `npm run demo`: every example against the embedded KMS emulator, with the two custom key store
 * failures that matter most scripted over the real wire protocol:
 *
 *   (a) an external key store whose VPC endpoint service is misconfigured
 *       (`XksProxyVpcEndpointServiceInvalidConfigurationException` on create and update,
 *       `XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION` on connect);
 *   (b) an XKS proxy that times out during `Encrypt`, and how the retries behave;
 *   (c) the seed scenario of the deep checks: a VPC endpoint service (modelled by the embedded AWS
 *       emulator) that requires acceptance and does not allow KMS's principal; the store fails to
 *       update and to connect, `doctor --deep` names exactly those two requirements and their fixes,
 *       and after the fix the store connects;
 *   (d) ahead of failure: a connected store whose proxy certificate expires in 9 days and whose
 *       proxy latency is creeping up (CloudWatch series in the AWS emulator); `doctor --health` fails
 *       the certificate and warns about the latency, and `alarms --format cloudformation` writes AWS's
 *       recommended alarms for it;
 *   (e) through other services: an S3 `GetObject` whose SSE-KMS key sits in an external key store
 *       whose proxy times out (S3 reports `KMS.KMSInvalidStateException`; the plugin on the S3 client
 *       classifies it as the proxy timeout and retries it), and the AWS Encryption SDK's aggregated
 *       decrypt error for the same timeout, classified by `kmsClientProvider`'s clients and `classify`.
 *
 * It prints what an application would log, with one change: the examples print a failure's full
 * guidance (`formatFailure`) every time, as an application's log would; the demo prints it the first
 * time a cause appears and a one-line summary on every repeat ({@link GuidanceOnce}). Exit status 1
 * if an example throws or does something unexpected.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import {
  ConnectCustomKeyStoreCommand,
  CreateCustomKeyStoreCommand,
  CreateKeyCommand,
  DisconnectCustomKeyStoreCommand,
  EncryptCommand,
  KMSClient,
  type KMSClientConfig,
} from "@aws-sdk/client-kms";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  classify,
  failureOf,
  formatFailure,
  waitForConnection,
  withKeyStoreErrors,
} from "kms-keystore-errors";
import {
  type KmsEmulator,
  startAwsEmulator,
  startKmsEmulator,
  startServicesEmulator,
  startXksProxy,
} from "kms-keystore-errors/testing";
import * as connectAndWait from "./connect-and-wait.js";
import * as createXksKeyStore from "./create-xks-key-store.js";
import * as doctor from "./doctor.js";
import * as doctorDeep from "./doctor-deep.js";
import * as encryptionSdk from "./encryption-sdk.js";
import * as health from "./health.js";
import * as opentelemetry from "./opentelemetry.js";
import * as retryKms from "./retry-kms.js";
import * as sendResult from "./send-result.js";
import * as switchOnFailure from "./switch-on-failure.js";
import * as wrapClient from "./wrap-client.js";

/** The examples the demo runs, by file (the test suite checks that every example file is here). */
export const EXAMPLES = {
  "connect-and-wait.ts": connectAndWait,
  "create-xks-key-store.ts": createXksKeyStore,
  "doctor.ts": doctor,
  "doctor-deep.ts": doctorDeep,
  "encryption-sdk.ts": encryptionSdk,
  "health.ts": health,
  "opentelemetry.ts": opentelemetry,
  "retry-kms.ts": retryKms,
  "send-result.ts": sendResult,
  "switch-on-failure.ts": switchOnFailure,
  "wrap-client.ts": wrapClient,
} as const;

/** What KMS says when the VPC endpoint service does not meet the external key store requirements. */
const VPC_MESSAGE =
  "The request was rejected because the Amazon VPC endpoint service configuration does not fulfill the requirements for an external key store proxy.";

/** The demo's first words: what it shows, and how it prints repeated guidance. */
export const INTRODUCTION = [
  "This demo runs every example of kms-keystore-errors against the embedded KMS emulator, over the",
  "real wire protocol: (a) an external key store whose VPC endpoint service is misconfigured, (b) an",
  "XKS proxy that times out during Encrypt, (c) doctor --deep naming the failing requirement, and (d)",
  "doctor --health saying what is about to fail, then AWS's recommended alarms for it, and (e) the same",
  "proxy timeout reported by S3 and by the AWS Encryption SDK.",
  "Each failure's full guidance is printed the first time its cause appears; repeats get one line.",
].join("\n");

/** The first line of a `formatFailure` block: `Kind: CAUSE …`, at any indentation. */
const GUIDANCE_HEAD = /^( *)([A-Za-z][\w.]*): ([A-Z][A-Z0-9_]+)(?: .*)?$/;

/**
 * Prints the full guidance of a failure the first time its cause appears and a one-line summary on
 * every repeat. It reads text, not failures: a `formatFailure` block (its `Kind: CAUSE …` line
 * followed by deeper-indented `Message:`/`Why:` lines) is recognised wherever it is printed, by an
 * example through `console` or by the CLI.
 */
export class GuidanceOnce {
  readonly #seen = new Set<string>();

  /**
   * The text with every repeated guidance block cut to one line.
   *
   * @param text - What is about to be printed.
   * @returns The same text, repeats summarised.
   */
  filter(text: string): string {
    const lines = text.split("\n");
    const out: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      const head = GUIDANCE_HEAD.exec(line);
      const body = `${head?.[1] ?? ""}  `;
      const next = lines[i + 1] ?? "";
      if (head === null || !next.startsWith(body) || !/^(Message|Why): /.test(next.slice(body.length))) {
        out.push(line);
        continue;
      }
      let end = i + 1;
      while (end < lines.length && (lines[end] as string).startsWith(body)) end++;
      const cause = head[3] as string;
      if (this.#seen.has(cause)) {
        const block = lines.slice(i, end).join("\n");
        const retry = /Retry: yes/.test(block) ? "retryable" : "not retryable";
        out.push(`${line} [${retry}; guidance above]`);
      } else {
        this.#seen.add(cause);
        out.push(...lines.slice(i, end));
      }
      i = end - 1;
    }
    return out.join("\n");
  }

  /**
   * Routes `console.log`, `console.error`, `console.warn` and `console.info` through {@link filter}
   * until the returned function is called.
   *
   * @returns A function that puts the console methods back.
   */
  install(): () => void {
    const methods = ["log", "error", "warn", "info"] as const;
    const originals = methods.map((method) => console[method]);
    for (const [i, method] of methods.entries()) {
      const original = originals[i] as (...args: unknown[]) => void;
      console[method] = (...args: unknown[]) => {
        if (args.length === 1 && typeof args[0] === "string") original(this.filter(args[0]));
        else original(...args);
      };
    }
    return () => {
      for (const [i, method] of methods.entries()) console[method] = originals[i] as Console["log"];
    };
  }
}

const header = (title: string): void => console.log(`\n${"=".repeat(100)}\n${title}\n${"=".repeat(100)}`);
const step = (title: string): void => console.log(`\n--- ${title}`);

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Also run the built CLI (`dist/cli.js`) against the emulator, when it exists. @defaultValue true */
  readonly cli?: boolean | undefined;
  /** Where the pino example writes. @defaultValue stdout */
  readonly pinoDestination?: wrapClient.WrapClientOptions["pinoDestination"];
}

/**
 * Runs the whole demo against a fresh emulator.
 * @returns The problems found (empty when everything behaved as expected).
 */
export async function runDemo(options: DemoOptions = {}): Promise<string[]> {
  const problems: string[] = [];
  const expect = (ok: boolean, what: string): void => {
    if (!ok) {
      problems.push(what);
      console.log(`!! unexpected: ${what}`);
    }
  };
  console.log(INTRODUCTION);
  const guidance = new GuidanceOnce();
  const restoreConsole = guidance.install();
  const emu: KmsEmulator = await startKmsEmulator({ connectDelayMs: 20 });
  const config: KMSClientConfig = { ...emu.clientConfig };
  const region = emu.region;
  const fast = { intervalMs: 20, timeoutMs: 5_000 };
  try {
    // -------------------------------------------------------------------------------------------
    header("(a) External key store: the VPC endpoint service for the proxy is misconfigured");
    const settings: createXksKeyStore.XksSettings = {
      name: "payments-xks",
      uriEndpoint: "https://xks.payments.example.com",
      uriPath: "/example/kms/xks/v1",
      vpcEndpointServiceName: `com.amazonaws.vpce.${region}.vpce-svc-0a1b2c3d4e5f60718`,
      credential: {
        accessKeyId: "DEMOACCESSKEYID2345ABC",
        rawSecretAccessKey: "demoRawSecretAccessKeyDoNotLogMe0123456789abcd",
      },
    };

    step("CreateCustomKeyStore: KMS checks the VPC endpoint service and rejects it");
    emu.failNext("CreateCustomKeyStore", {
      exception: "XksProxyVpcEndpointServiceInvalidConfigurationException",
      message: VPC_MESSAGE,
    });
    const refused = await createXksKeyStore.main(config, settings);
    expect(
      refused.isErr() && refused.error.kind === "XksProxyVpcEndpointServiceInvalidConfigurationException",
      "create should fail with XksProxyVpcEndpointServiceInvalidConfigurationException",
    );

    step("CreateCustomKeyStore again, after fixing the service's allowed principals");
    const created = await createXksKeyStore.main(config, settings);
    if (created.isErr()) throw new Error(`could not create the demo key store: ${created.error.cause}`);
    const storeId = created.value;

    step("ensureConnected: the store ends FAILED, and is disconnected for the fix");
    emu.keyStore(storeId).failConnect("XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION");
    const failed = await connectAndWait.main(config, { customKeyStoreId: storeId, ...fast });
    expect(
      failed.isErr() && failed.error.cause === "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
      "connect should fail with XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    );
    expect(emu.keyStore(storeId).state() === "DISCONNECTED", "the FAILED store should be disconnected");

    step("UpdateCustomKeyStore to another endpoint service (store disconnected): rejected too");
    const kms = new KMSClient(config);
    emu.failNext("UpdateCustomKeyStore", {
      exception: "XksProxyVpcEndpointServiceInvalidConfigurationException",
      message: VPC_MESSAGE,
    });
    const newService = `com.amazonaws.vpce.${region}.vpce-svc-0f1e2d3c4b5a69788`;
    const updateRefused = await createXksKeyStore.updateVpcEndpointService(kms, storeId, newService);
    expect(updateRefused.isErr(), "the first update should be rejected");

    step("UpdateCustomKeyStore once the service is fixed, then connect");
    const updated = await createXksKeyStore.updateVpcEndpointService(kms, storeId, newService);
    expect(updated.isOk(), "the second update should succeed");
    if (updated.isOk()) console.log(`Updated ${storeId}.`);
    const connected = await connectAndWait.main(config, { customKeyStoreId: storeId, ...fast });
    expect(connected.isOk(), "the store should connect after the fix");

    // -------------------------------------------------------------------------------------------
    header("(b) The XKS proxy times out during Encrypt");
    const key = await kms.send(
      new CreateKeyCommand({
        CustomKeyStoreId: storeId,
        Origin: "EXTERNAL_KEY_STORE",
        XksKeyId: "payments-key-1",
      }),
    );
    const keyId = key.KeyMetadata?.KeyId ?? "";
    console.log(`Key ${keyId} in ${storeId} (external key payments-key-1).`);
    const proxy = emu.keyStore(storeId);

    step("A bare SDK client: the proxy timeout is a client fault (400), the SDK does not retry it");
    emu.reset();
    proxy.proxyFault("timeout", { times: 1 });
    try {
      await new KMSClient(config).send(
        new EncryptCommand({ KeyId: keyId, Plaintext: new Uint8Array([1, 2, 3]) }),
      );
      expect(false, "the bare client should fail");
    } catch (error) {
      const f = classify(error);
      console.log(`${f.kind}: ${f.message ?? ""}`);
    }
    console.log(`Encrypt requests: ${emu.requests("Encrypt").length}`);
    expect(emu.requests("Encrypt").length === 1, "the bare client should send 1 request");

    step("wrap-client (console): withKeyStoreErrors retries the timeout with the SDK's backoff");
    emu.reset();
    proxy.proxyFault("timeout", { times: 1 });
    const recovered = await wrapClient.main(config, { keyId, logger: "console" });
    console.log(`Encrypt requests: ${emu.requests("Encrypt").length} (timed out, retried, succeeded)`);
    expect(
      recovered.encrypted && emu.requests("Encrypt").length === 2,
      "the wrapped client should succeed in 2 requests",
    );

    step("wrap-client (pino): the proxy keeps timing out; one log record after all the SDK's attempts");
    emu.reset();
    proxy.proxyFault("timeout");
    const outcome = await wrapClient.main(config, {
      keyId,
      logger: "pino",
      pinoDestination: options.pinoDestination,
    });
    console.log(`Encrypt requests: ${emu.requests("Encrypt").length} (the client's maxAttempts)`);
    expect(
      !outcome.encrypted &&
        outcome.failure.cause === "XKS_PROXY_TIMED_OUT" &&
        emu.requests("Encrypt").length === 3,
      "the wrapped client should give up after 3 requests with XKS_PROXY_TIMED_OUT",
    );

    step("switch-on-failure: the application's policy");
    const decision = await switchOnFailure.main({ ...config, maxAttempts: 1 }, { keyId });
    expect(decision === "retry-later", "a proxy timeout should be retried later");

    step("send-result: the same failure as a neverthrow Err");
    const result = await sendResult.main({ ...config, maxAttempts: 1 }, { keyId });
    expect(result.isErr(), "sendResult should be Err");

    step("retry-kms: an encrypt loop; the proxy times out twice, then recovers");
    emu.reset();
    proxy.proxyFault("timeout", { times: 2 });
    const loop = await retryKms.main(config, { keyId, minTimeout: 10 });
    console.log(`Encrypt requests: ${emu.requests("Encrypt").length} for ${loop.encrypted} records`);
    expect(loop.encrypted === 3 && loop.retried === 2, "retryKms should encrypt 3 records after 2 retries");

    step("opentelemetry: the failure recorded on a span");
    proxy.proxyFault("timeout");
    const attributes = await opentelemetry.main({ ...config, maxAttempts: 1 }, { keyId });
    expect(attributes?.["kms.failure.cause"] === "XKS_PROXY_TIMED_OUT", "the span should carry the cause");
    proxy.proxyFault(undefined);

    // -------------------------------------------------------------------------------------------
    header("doctor: every custom key store, and what to do about the unhealthy ones");
    const second = await createXksKeyStore.main(config, {
      ...settings,
      name: "analytics-xks",
      uriEndpoint: "https://xks.analytics.example.com",
      vpcEndpointServiceName: `com.amazonaws.vpce.${region}.vpce-svc-0123456789abcdef0`,
    });
    const third = await createXksKeyStore.main(config, {
      ...settings,
      name: "archive-xks",
      uriEndpoint: "https://xks.archive.example.com",
      vpcEndpointServiceName: `com.amazonaws.vpce.${region}.vpce-svc-0fedcba9876543210`,
    });
    if (second.isOk()) emu.keyStore(second.value).setState("FAILED", "XKS_PROXY_INVALID_TLS_CONFIGURATION");
    expect(third.isOk(), "the third store should be created (and stay DISCONNECTED)");
    const reports = await doctor.main(config);
    expect(reports.length === 3, "doctor should report 3 key stores");
    kms.destroy();

    if (options.cli !== false) await runCli(emu, problems, guidance);

    // -------------------------------------------------------------------------------------------
    await seedScenario(settings, options, expect, guidance);

    // -------------------------------------------------------------------------------------------
    await healthScene(settings, options, expect, guidance);

    // -------------------------------------------------------------------------------------------
    await throughOtherServices(expect);
  } catch (error) {
    problems.push(`unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    console.log(
      `!! unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  } finally {
    await emu.close();
    restoreConsole();
  }
  return problems;
}

/** Where the built CLI is. */
const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

/** What a run of the built CLI printed, and its exit status. */
interface CliRun {
  readonly code: number;
  readonly output: string;
}

/**
 * Runs the built CLI as an operator does (a child process), echoing the command and its output
 * (guidance already shown cut to one line); the returned output is the CLI's, whole.
 */
async function runBuiltCli(args: readonly string[], guidance: GuidanceOnce): Promise<CliRun> {
  console.log(`\n$ kms-keystore-errors ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(" ")}`);
  const env = {
    ...process.env,
    NO_COLOR: "1",
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "not-a-secret",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { env });
    process.stdout.write(guidance.filter(`${stdout}${stderr}`));
    console.log("(exit status 0)");
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    const output = `${e.stdout ?? ""}${e.stderr ?? ""}`;
    process.stdout.write(guidance.filter(output));
    console.log(`(exit status ${String(e.code)})`);
    return { code: typeof e.code === "number" ? e.code : -1, output };
  }
}

/** The built CLI, as an operator runs it. */
async function runCli(emu: KmsEmulator, problems: string[], guidance: GuidanceOnce): Promise<void> {
  if (!existsSync(CLI)) {
    console.log("\n(dist/cli.js not built: skipping the CLI; run `npm run build`)");
    return;
  }
  const run = async (args: string[]): Promise<void> => {
    const { code } = await runBuiltCli(args, guidance);
    if (code < 0) problems.push(`the CLI could not run: ${args[0] ?? ""}`);
  };
  header("The CLI: explain a pasted log line, and doctor against the emulator");
  await run([
    "explain",
    "An error occurred (XksProxyUriUnreachableException) when calling the CreateCustomKeyStore operation: AWS KMS cannot communicate with the external key store proxy.",
  ]);
  await run(["doctor", "--endpoint", emu.endpoint, "--region", emu.region]);
}

/** The two requirements the seed scenario breaks. */
const SEED_FAILING = ["xks-vpc-acceptance-not-required", "xks-vpc-kms-principal-allowed"] as const;

/**
 * (c) The seed scenario, on its own KMS emulator next to an AWS emulator (EC2, ELBv2) that models the
 * VPC endpoint service, its Network Load Balancer, listener and targets.
 */
async function seedScenario(
  settings: createXksKeyStore.XksSettings,
  options: DemoOptions,
  expect: (ok: boolean, what: string) => void,
  guidance: GuidanceOnce,
): Promise<void> {
  header("(c) doctor --deep: WHICH requirement of the VPC endpoint service fails");
  const [emu, aws] = await Promise.all([
    startKmsEmulator({ connectDelayMs: 20 }),
    startAwsEmulator({ region: "us-east-1" }),
  ]);
  const config: KMSClientConfig = { ...emu.clientConfig };
  const kms = new KMSClient(config);
  const fast = { intervalMs: 20, timeoutMs: 5_000 };
  try {
    step("The AWS emulator models an endpoint service on an internal NLB in 2 AZs, TCP 443, verified DNS");
    const setup = aws.model.addXksVpcEndpointService();
    const { service } = setup;
    console.log(
      `${service.serviceName} (${service.serviceId}), private DNS ${service.privateDnsName ?? "none"}`,
    );
    const created = await createXksKeyStore.main(config, {
      ...settings,
      name: "ledger-xks",
      uriEndpoint: setup.uriEndpoint,
      vpcEndpointServiceName: service.serviceName,
    });
    if (created.isErr()) throw new Error(`could not create the seed key store: ${created.error.cause}`);
    const storeId = created.value;

    step("Someone tightens the service: acceptance required, allowed principals = the account root only");
    service.acceptanceRequired = true;
    service.allowedPrincipals = [`arn:aws:iam::${aws.model.accountId}:root`];
    console.log(
      `acceptanceRequired ${String(service.acceptanceRequired)}; allowedPrincipals [${service.allowedPrincipals.join(", ")}]`,
    );

    step("UpdateCustomKeyStore: KMS rejects the endpoint service, without saying why");
    emu.failNext("UpdateCustomKeyStore", {
      exception: "XksProxyVpcEndpointServiceInvalidConfigurationException",
      message: VPC_MESSAGE,
    });
    const update = await createXksKeyStore.updateVpcEndpointService(kms, storeId, service.serviceName);
    expect(
      update.isErr() && update.error.cause === "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
      "the seed update should fail with XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    );

    step("ConnectCustomKeyStore: the store ends FAILED (and stays FAILED for doctor to find)");
    emu.keyStore(storeId).failConnect("XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION");
    await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: storeId }));
    const connect = await waitForConnection(kms, storeId, fast);
    if (connect.isErr()) console.log(`${connect.error.kind}: ${connect.error.cause}`);
    expect(
      connect.isErr() && connect.error.cause === "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
      "the seed store should fail to connect with XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    );

    const awsSettings = { ...aws.clientConfig };
    if (options.cli !== false && existsSync(CLI)) {
      step("doctor --deep: the two failing requirements, with the evidence and the fix for each");
      const run = await runBuiltCli(
        [
          "doctor",
          "--deep",
          "--region",
          emu.region,
          "--endpoint",
          emu.endpoint,
          "--aws-endpoint",
          aws.endpoint,
        ],
        guidance,
      );
      const failing = [...run.output.matchAll(/^ {2}FAIL (\S+)$/gm)].map((m) => m[1]).sort();
      expect(run.code === 1, "doctor --deep should exit 1 (a store is FAILED)");
      expect(
        JSON.stringify(failing) === JSON.stringify(SEED_FAILING),
        `doctor --deep should name exactly ${SEED_FAILING.join(" and ")}, not [${failing.join(", ")}]`,
      );
      expect(
        !run.output.includes(settings.credential.rawSecretAccessKey),
        "doctor --deep must not print the secret",
      );
    } else {
      step("doctor-deep (the library; the CLI is not built): the two failing requirements");
      const diagnosis = await doctorDeep.main(config, { customKeyStoreId: storeId, aws: awsSettings });
      const failing = diagnosis?.failing.map((c) => c.id).sort() ?? [];
      expect(
        JSON.stringify(failing) === JSON.stringify(SEED_FAILING),
        `doctor-deep should name exactly ${SEED_FAILING.join(" and ")}, not [${failing.join(", ")}]`,
      );
    }

    step("Fix both: no acceptance, allow cks.kms.<region>.amazonaws.com; disconnect, update, connect");
    service.acceptanceRequired = false;
    service.allowedPrincipals = [...service.allowedPrincipals, `cks.kms.${emu.region}.amazonaws.com`];
    await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: storeId }));
    const fixed = await createXksKeyStore.updateVpcEndpointService(kms, storeId, service.serviceName);
    if (fixed.isOk()) console.log(`Updated ${storeId}.`);
    expect(fixed.isOk(), "the update should succeed after the fix");
    const connected = await connectAndWait.main(config, { customKeyStoreId: storeId, ...fast });
    expect(connected.isOk(), "the seed store should connect after the fix");

    step("doctor-deep (the library) after the fix: every check passes");
    const after = await doctorDeep.main(config, { customKeyStoreId: storeId, aws: awsSettings });
    expect(
      after !== undefined && after.connectionState === "CONNECTED" && after.failing.length === 0,
      "after the fix the store should be CONNECTED with no failing check",
    );
  } finally {
    kms.destroy();
    await Promise.all([emu.close(), aws.close()]);
  }
}

/**
 * (d) Ahead of failure, on its own KMS emulator next to an AWS emulator whose CloudWatch holds the
 * series KMS would publish for the store: a certificate 9 days from expiry, latency creeping up.
 */
async function healthScene(
  settings: createXksKeyStore.XksSettings,
  options: DemoOptions,
  expect: (ok: boolean, what: string) => void,
  guidance: GuidanceOnce,
): Promise<void> {
  header("(d) doctor --health: what is about to fail, and AWS's recommended alarms for it");
  const [emu, aws] = await Promise.all([startKmsEmulator({ connectDelayMs: 20 }), startAwsEmulator()]);
  const config: KMSClientConfig = { ...emu.clientConfig };
  try {
    const created = await createXksKeyStore.main(config, {
      ...settings,
      name: "payments-xks",
      uriEndpoint: "https://xks.payments.example.com",
    });
    if (created.isErr()) throw new Error(`could not create the health key store: ${created.error.cause}`);
    const storeId = created.value;
    emu.keyStore(storeId).setState("CONNECTED");

    step("CloudWatch holds what KMS publishes: certificate 9 days from expiry, latency creeping up");
    const m = aws.model;
    const op = { KmsOperation: "Decrypt", XksOperation: "Decrypt", KeySpec: "AES_256" };
    m.putMetric(
      "AWS/KMS",
      "XksProxyCertificateDaysToExpire",
      { CustomKeyStoreId: storeId, CertificateName: "xks.payments.example.com" },
      [9],
    );
    m.putMetric(
      "AWS/KMS",
      "XksProxyLatency",
      { CustomKeyStoreId: storeId, ...op },
      [150, 165, 175, 185, 190],
    );
    m.putMetric("AWS/KMS", "XksProxyCredentialAge", { CustomKeyStoreId: storeId }, [45]);
    m.putMetric(
      "AWS/KMS",
      "XksExternalKeyManagerStates",
      { CustomKeyStoreId: storeId, XksExternalKeyManagerState: "Active" },
      [2],
    );
    console.log(
      `XksProxyCertificateDaysToExpire 9; XksProxyLatency 150, 165, 175, 185, 190 ms over the last 5 minutes`,
    );

    if (options.cli !== false && existsSync(CLI)) {
      const at = ["--region", emu.region, "--endpoint", emu.endpoint];
      const doctorRun = await runBuiltCli(
        ["doctor", "--health", ...at, "--aws-endpoint", aws.endpoint],
        guidance,
      );
      expect(doctorRun.code === 1, "doctor --health should exit 1 (the certificate check fails)");
      expect(
        /FAIL xks-proxy-certificate-days-to-expire/.test(doctorRun.output) &&
          /WARN xks-proxy-latency/.test(doctorRun.output),
        "doctor --health should fail the certificate and warn about the latency",
      );
      const alarmsRun = await runBuiltCli(["alarms", "--format", "cloudformation", ...at], guidance);
      let resources = 0;
      try {
        resources = Object.keys((JSON.parse(alarmsRun.output) as { Resources: object }).Resources).length;
      } catch {
        resources = -1;
      }
      expect(alarmsRun.code === 0 && resources === 4, "alarms should print a template with 4 alarms");
    } else {
      step("health (the library; the CLI is not built): the findings, then the CloudFormation template");
      const outcome = await health.main(config, { cloudwatch: { ...aws.clientConfig } });
      const status = (id: string) =>
        outcome?.reports[0]?.findings.find((f) => f.id === id)?.status ?? "missing";
      expect(status("xks-proxy-certificate-days-to-expire") === "fail", "the certificate check should fail");
      expect(status("xks-proxy-latency") === "warn", "the latency check should warn");
      expect(
        (outcome?.template.match(/"AWS::CloudWatch::Alarm"/g) ?? []).length === 4,
        "the template should hold 4 alarms",
      );
    }
  } finally {
    await Promise.all([emu.close(), aws.close()]);
  }
}

/**
 * (e) The proxy timeout as other services report it: S3 (through the services emulator) and the AWS
 * Encryption SDK (through the KMS emulator, an external key store and the fake XKS proxy).
 */
async function throughOtherServices(expect: (ok: boolean, what: string) => void): Promise<void> {
  header("(e) Through other services: S3 and the AWS Encryption SDK report the same proxy timeout");
  const [services, emu, proxy] = await Promise.all([
    startServicesEmulator(),
    startKmsEmulator({ connectDelayMs: 1 }),
    startXksProxy({
      credential: {
        accessKeyId: "DEMOPROXYACCESSKEYAB",
        secretAccessKey: "demoProxySecretDoNotLogMe0123456789abcdefgh",
      },
      keys: [{ id: "orders-key" }],
    }),
  ]);
  const s3 = withKeyStoreErrors(new S3Client({ ...services.clientConfig, forcePathStyle: true }), {
    onFailure: (failure) => console.warn(formatFailure(failure)),
  });
  try {
    step("S3 GetObject of an SSE-KMS object: S3 reports KMS.KMSInvalidStateException with KMS's message");
    services.failNext("S3", "GetObject", { kms: "xks-proxy-timeout" }, { times: 2 });
    const object = await s3.send(new GetObjectCommand({ Bucket: "orders", Key: "2026/12/07.json" }));
    await object.Body?.transformToString();
    const s3Calls = services.calls("S3").length;
    console.log(`GetObject requests: ${s3Calls} (timed out twice, retried by the plugin, succeeded)`);
    expect(s3Calls === 3, "S3 GetObject should be sent 3 times (the bare client sends it once)");

    step("The proxy keeps timing out: after the SDK's attempts, the failure S3 reported, classified");
    services.failNext("S3", "GetObject", { kms: "xks-proxy-timeout" }, { times: 3 });
    const error = await s3
      .send(new GetObjectCommand({ Bucket: "orders", Key: "2026/12/07.json" }))
      .catch((e) => e);
    const failure = failureOf(error);
    console.log(`via: ${JSON.stringify(failure?.via)}`);
    expect(
      failure?.cause === "XKS_PROXY_TIMED_OUT" && failure.via?.service === "S3",
      "S3's KMS.KMSInvalidStateException should classify as XKS_PROXY_TIMED_OUT via S3",
    );

    step("The AWS Encryption SDK: decrypt through an external key store whose proxy times out");
    const endpoint = "https://xks.orders.example.com";
    emu.routeXksProxy(endpoint, proxy);
    const kms = new KMSClient({ ...emu.clientConfig, maxAttempts: 1 });
    try {
      const store = await kms.send(
        new CreateCustomKeyStoreCommand({
          CustomKeyStoreName: "orders-xks",
          CustomKeyStoreType: "EXTERNAL_KEY_STORE",
          XksProxyConnectivity: "PUBLIC_ENDPOINT",
          XksProxyUriEndpoint: endpoint,
          XksProxyUriPath: "/kms/xks/v1",
          XksProxyAuthenticationCredential: {
            AccessKeyId: "DEMOPROXYACCESSKEYAB",
            RawSecretAccessKey: "demoProxySecretDoNotLogMe0123456789abcdefgh",
          },
        }),
      );
      const storeId = store.CustomKeyStoreId ?? "";
      await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: storeId }));
      const connected = await waitForConnection(kms, storeId, { intervalMs: 5, timeoutMs: 5_000 });
      if (connected.isErr())
        throw new Error(`the orders key store did not connect: ${connected.error.cause}`);
      const key = await kms.send(
        new CreateKeyCommand({
          CustomKeyStoreId: storeId,
          Origin: "EXTERNAL_KEY_STORE",
          XksKeyId: "orders-key",
        }),
      );
      proxy.setFault("decrypt", { delayMs: 1_000 });
      const outcome = await encryptionSdk.main(
        { ...emu.clientConfig, maxAttempts: 1 },
        key.KeyMetadata?.Arn ?? "",
      );
      expect(
        outcome.failure?.cause === "XKS_PROXY_TIMED_OUT" &&
          outcome.failure.via?.service === "AWS Encryption SDK",
        "the Encryption SDK's error should classify as XKS_PROXY_TIMED_OUT via the AWS Encryption SDK",
      );
    } finally {
      kms.destroy();
    }
  } finally {
    s3.destroy();
    await Promise.all([services.close(), emu.close(), proxy.close()]);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  // The AWS SDK's nine-line notice about Node.js 22 (printed on Node.js 20) is not part of the demo.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const problems = await runDemo();
  header(
    problems.length === 0
      ? "Demo finished: every example behaved as expected."
      : "Demo finished with problems:",
  );
  for (const problem of problems) console.log(`- ${problem}`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
