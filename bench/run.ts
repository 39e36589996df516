/**
 * Benchmarks, each as a ratio against a baseline measured in the same run (machines here are shared
 * and noisy; absolute numbers vary, ratios much less):
 * - classify: ns per call, against a plain `Map` lookup of the error name;
 * - start-up: the import time the main entry adds after `@aws-sdk/client-kms` (ESM and CommonJS, two
 *   processes paired run by run), and its gzipped share of a bundled Lambda handler;
 * - send: wrapped (withKeyStoreErrors) against bare KMSClient `send` over loopback to the emulator,
 *   and the same for another service's client (a successful S3 `GetObject` to the services emulator);
 * - memory: heap growth after 100k failed sends through a wrapped client (failures are attached to
 *   errors, never retained).
 * Prints a table and writes bench/results/latest.json. Run with `npm run bench`.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  KMSClient,
  KMSInvalidStateException,
  LimitExceededException,
  NotFoundException,
} from "@aws-sdk/client-kms";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { build } from "esbuild";
import { classify, withKeyStoreErrors } from "kms-keystore-errors";
import { startKmsEmulator, startServicesEmulator } from "kms-keystore-errors/testing";

const quick = process.argv.includes("--quick");
const results: Record<string, unknown> = { node: process.version, date: new Date().toISOString(), quick };

const $metadata = { httpStatusCode: 400, requestId: "bench", attempts: 1 };
const samples: unknown[] = [
  new NotFoundException({
    message: "Key 'arn:aws:kms:us-east-1:111122223333:key/x' does not exist",
    $metadata,
  }),
  new LimitExceededException({ message: "quota", $metadata }),
  new KMSInvalidStateException({
    message: "The external key store proxy did not respond in time. Retry the request.",
    $metadata: { ...$metadata, httpStatusCode: 409 },
  }),
  Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { code: "ECONNREFUSED" }),
];

/** The middle value (the upper one of an even count). */
const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function timeLoop(iterations: number, body: (i: number) => unknown): number {
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < iterations; i++) if (body(i)) sink++;
  const ns = ((performance.now() - start) * 1e6) / iterations;
  if (sink < 0) console.log(sink);
  return ns;
}

function benchClassify() {
  const names = new Map<string, string>(samples.map((s) => [(s as Error).name, "x"]));
  const n = quick ? 50_000 : 500_000;
  const rounds: { classify: number; map: number }[] = [];
  for (let round = 0; round < 9; round++) {
    const c = timeLoop(n, (i) => classify(samples[i & 3]).retryable);
    const m = timeLoop(n, (i) => names.get((samples[i & 3] as Error).name) !== undefined);
    rounds.push({ classify: c, map: m });
  }
  // The budget is on the median round; the best round is reported beside it.
  const middle = (k: "classify" | "map") => median(rounds.map((r) => r[k]));
  const best = (k: "classify" | "map") => Math.min(...rounds.map((r) => r[k]));
  const perKind = Object.fromEntries(
    samples.map((s) => [
      (s as Error).name === "Error" ? "TransportError (ECONNREFUSED)" : (s as Error).name,
      Math.min(...[0, 1, 2].map(() => timeLoop(n / 4, () => classify(s).retryable))),
    ]),
  );
  // The failure path of an Encrypt call: the command input carries a plaintext, whose forms (Base64
  // at three alignments, hex, URL…) are searched for in the message. 64 different inputs, as 64
  // requests would carry: nothing is cached between calls.
  const contexts = (size: number) =>
    Array.from({ length: 64 }, (_, j) => ({
      operation: "Encrypt",
      input: { KeyId: "alias/app", Plaintext: new Uint8Array(size).map((_, i) => (i * 37 + j * 11) & 0xff) },
    }));
  const withInput = (size: number) => {
    const inputs = contexts(size);
    return Math.min(
      ...[0, 1, 2].map(() => timeLoop(n / 4, (i) => classify(samples[i & 3], inputs[i & 63]).retryable)),
    );
  };
  results.classify = {
    withEncryptInputNs: withInput(32),
    withLargeEncryptInputNs: withInput(4096),
    nsPerCall: middle("classify"),
    bestNsPerCall: best("classify"),
    mapLookupNs: middle("map"),
    ratioToMapLookup: middle("classify") / middle("map"),
    perKindNs: perKind,
  };
}

/**
 * A bare and a wrapped client sending the same successful request over loopback, in alternating
 * rounds (neither client always runs on a warmer machine): milliseconds per send and their ratio.
 */
async function pairedSends(
  bareSend: () => Promise<unknown>,
  wrappedSend: () => Promise<unknown>,
): Promise<Record<string, unknown>> {
  const perRound = quick ? 200 : 1000;
  const run = async (send: () => Promise<unknown>) => {
    const start = performance.now();
    for (let i = 0; i < perRound; i++) await send();
    return (performance.now() - start) / perRound;
  };
  await run(bareSend);
  await run(wrappedSend);
  const rounds: { bare: number; wrapped: number }[] = [];
  for (let round = 0; round < (quick ? 4 : 10); round++) {
    if (round % 2 === 0) rounds.push({ bare: await run(bareSend), wrapped: await run(wrappedSend) });
    else {
      const w = await run(wrappedSend);
      rounds.push({ bare: await run(bareSend), wrapped: w });
    }
  }
  const ratios = rounds.map((r) => r.wrapped / r.bare).sort((a, b) => a - b);
  return {
    requestsPerRound: perRound,
    rounds: rounds.length,
    bareMsPerSend: median(rounds.map((r) => r.bare)),
    wrappedMsPerSend: median(rounds.map((r) => r.wrapped)),
    ratioWrappedToBare: median(ratios),
    ratioRange: [ratios[0], ratios.at(-1)],
  };
}

async function benchSend() {
  const emulator = await startKmsEmulator();
  const config = {
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "bench" },
  };
  const bare = new KMSClient(config);
  const wrapped = withKeyStoreErrors(new KMSClient(config));
  const keyId = (await bare.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
  results.send = await pairedSends(
    () => bare.send(new DescribeKeyCommand({ KeyId: keyId })),
    () => wrapped.send(new DescribeKeyCommand({ KeyId: keyId })),
  );
  bare.destroy();
  wrapped.destroy();
  await emulator.close();
}

/** Another service's client: a successful S3 GetObject, bare and with the plugin installed. */
async function benchSendS3() {
  const services = await startServicesEmulator();
  const config = { ...services.clientConfig, forcePathStyle: true };
  const bare = new S3Client(config);
  const wrapped = withKeyStoreErrors(new S3Client(config));
  const get = (client: S3Client) => async () => {
    const out = await client.send(new GetObjectCommand({ Bucket: "bench", Key: "object.txt" }));
    return out.Body?.transformToString();
  };
  results.sendS3 = await pairedSends(get(bare), get(wrapped));
  bare.destroy();
  wrapped.destroy();
  await services.close();
}

async function benchMemory() {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    results.memory = { skipped: "run with node --expose-gc" };
    return;
  }
  const emulator = await startKmsEmulator();
  const config = {
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "bench" },
    maxAttempts: 1,
  };
  const total = quick ? 10_000 : 100_000;
  const concurrency = 50;
  const growth = async (client: KMSClient) => {
    const sendMany = async (count: number) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < count) {
            next++;
            await client.send(new DescribeKeyCommand({ KeyId: "k" })).catch(() => undefined);
          }
        }),
      );
    };
    const script = () =>
      emulator.failNext("DescribeKey", {
        exception: "DisabledException",
        message: "disabled",
        times: Number.POSITIVE_INFINITY,
      });
    script();
    await sendMany(2000);
    // The emulator's request log is the only thing meant to grow: clear it before each reading.
    emulator.reset();
    script();
    gc();
    const before = process.memoryUsage().heapUsed;
    const start = performance.now();
    await sendMany(total);
    const seconds = (performance.now() - start) / 1000;
    emulator.reset();
    gc();
    const after = process.memoryUsage().heapUsed;
    return { growthMiB: (after - before) / 2 ** 20, sendsPerSecond: total / seconds };
  };
  const bare = await growth(new KMSClient(config));
  const wrapped = await growth(withKeyStoreErrors(new KMSClient(config), { onFailure: () => {} }));
  results.memory = {
    failedSends: total,
    bareGrowthMiB: bare.growthMiB,
    wrappedGrowthMiB: wrapped.growthMiB,
    wrappedBytesPerFailedSend: (wrapped.growthMiB * 2 ** 20) / total,
    bareSendsPerSecond: bare.sendsPerSecond,
    wrappedSendsPerSecond: wrapped.sendsPerSecond,
  };
  await emulator.close();
}

/** The package root (where `dist/` is). */
const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * Start-up: the time importing the main entry adds once `@aws-sdk/client-kms` is loaded, as two
 * processes paired run by run (the SDK alone, then the SDK and the library), ESM and CommonJS.
 * Each process reports its own figure, read around the import alone.
 */
function benchImport() {
  const script = (esm: boolean, withLibrary: boolean): string =>
    esm
      ? `await import("@aws-sdk/client-kms"); const t = performance.now(); ${
          withLibrary ? `await import(${JSON.stringify(`${ROOT}dist/index.js`)});` : ""
        } console.log(performance.now() - t);`
      : `require("@aws-sdk/client-kms"); const t = performance.now(); ${
          withLibrary ? `require(${JSON.stringify(`${ROOT}dist/index.cjs`)});` : ""
        } console.log(performance.now() - t);`;
  const once = (esm: boolean, withLibrary: boolean): number =>
    Number(
      execFileSync(
        process.execPath,
        [...(esm ? ["--input-type=module"] : []), "-e", script(esm, withLibrary)],
        {
          cwd: ROOT,
          env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
        },
      ).toString(),
    );
  const measure = (esm: boolean) => {
    const added: number[] = [];
    for (let run = 0; run < (quick ? 5 : 15); run++) added.push(once(esm, true) - once(esm, false));
    return { medianMs: median(added), minMs: Math.min(...added), maxMs: Math.max(...added) };
  };
  results.importTime = { esm: measure(true), cjs: measure(false) };
}

/**
 * The library's share of a bundled Lambda handler: the same handler bundled (minified, ESM, Node
 * 20) with and without `withKeyStoreErrors`, gzipped.
 */
async function benchBundle() {
  const dir = mkdtempSync(join(tmpdir(), "kms-bench-bundle-"));
  try {
    const handler = (withLibrary: boolean) => `
      import { KMSClient, EncryptCommand } from "@aws-sdk/client-kms";
      ${withLibrary ? `import { withKeyStoreErrors } from ${JSON.stringify(`${ROOT}dist/index.js`)};` : ""}
      const kms = ${withLibrary ? "withKeyStoreErrors(new KMSClient({}))" : "new KMSClient({})"};
      export const handler = (event) => kms.send(new EncryptCommand({ KeyId: event.keyId, Plaintext: event.data }));
    `;
    const size = async (withLibrary: boolean) => {
      const entry = join(dir, `handler-${withLibrary}.mjs`);
      writeFileSync(entry, handler(withLibrary));
      const out = await build({
        entryPoints: [entry],
        bundle: true,
        minify: true,
        format: "esm",
        platform: "node",
        target: "node20",
        write: false,
        logLevel: "silent",
        nodePaths: [join(ROOT, "node_modules")],
      });
      return gzipSync(out.outputFiles[0]?.contents ?? new Uint8Array()).length;
    };
    const bare = await size(false);
    const wrapped = await size(true);
    results.bundle = {
      bareGzipBytes: bare,
      wrappedGzipBytes: wrapped,
      libraryShareGzipKiB: (wrapped - bare) / 1024,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

benchClassify();
benchImport();
await benchBundle();
await benchSend();
await benchSendS3();
await benchMemory();

const c = results.classify as {
  nsPerCall: number;
  bestNsPerCall: number;
  mapLookupNs: number;
  ratioToMapLookup: number;
  withEncryptInputNs: number;
  withLargeEncryptInputNs: number;
};
const imp = results.importTime as Record<"esm" | "cjs", { medianMs: number; minMs: number; maxMs: number }>;
const bundle = results.bundle as {
  bareGzipBytes: number;
  wrappedGzipBytes: number;
  libraryShareGzipKiB: number;
};
const s = results.send as { bareMsPerSend: number; wrappedMsPerSend: number; ratioWrappedToBare: number };
const s3 = results.sendS3 as { bareMsPerSend: number; wrappedMsPerSend: number; ratioWrappedToBare: number };
const m = results.memory as {
  failedSends?: number;
  bareGrowthMiB?: number;
  wrappedGrowthMiB?: number;
  skipped?: string;
};
console.table({
  "classify, a mix of four failures (ns/call, median, budget 1000)": {
    value: c.nsPerCall.toFixed(0),
    baseline: `Map lookup ${c.mapLookupNs.toFixed(1)} ns; best round ${c.bestNsPerCall.toFixed(0)} ns`,
    ratio: c.ratioToMapLookup.toFixed(1),
  },
  "classify with an Encrypt input, 32-byte plaintext (ns/call)": {
    value: c.withEncryptInputNs.toFixed(0),
    baseline: `without input ${c.nsPerCall.toFixed(0)} ns`,
    ratio: (c.withEncryptInputNs / c.nsPerCall).toFixed(1),
  },
  "classify with an Encrypt input, 4 KiB plaintext (ns/call)": {
    value: c.withLargeEncryptInputNs.toFixed(0),
    baseline: `without input ${c.nsPerCall.toFixed(0)} ns`,
    ratio: (c.withLargeEncryptInputNs / c.nsPerCall).toFixed(1),
  },
  "ESM import added after the SDK (ms, budget 10)": {
    value: imp.esm.medianMs.toFixed(1),
    baseline: "the SDK alone, paired run by run",
    ratio: `min ${imp.esm.minMs.toFixed(1)}, max ${imp.esm.maxMs.toFixed(1)}`,
  },
  "CJS require added after the SDK (ms, budget 5)": {
    value: imp.cjs.medianMs.toFixed(1),
    baseline: "the SDK alone, paired run by run",
    ratio: `min ${imp.cjs.minMs.toFixed(1)}, max ${imp.cjs.maxMs.toFixed(1)}`,
  },
  "bundled Lambda handler, library share (KiB gzipped, budget 25)": {
    value: bundle.libraryShareGzipKiB.toFixed(1),
    baseline: `bare ${(bundle.bareGzipBytes / 1024).toFixed(1)} KiB`,
    ratio: (bundle.wrappedGzipBytes / bundle.bareGzipBytes).toFixed(3),
  },
  "send over loopback (ms)": {
    value: s.wrappedMsPerSend.toFixed(3),
    baseline: `bare ${s.bareMsPerSend.toFixed(3)} ms`,
    ratio: s.ratioWrappedToBare.toFixed(3),
  },
  "S3 GetObject over loopback, another service's client (ms)": {
    value: s3.wrappedMsPerSend.toFixed(3),
    baseline: `bare ${s3.bareMsPerSend.toFixed(3)} ms`,
    ratio: s3.ratioWrappedToBare.toFixed(3),
  },
  "heap growth after failed sends (MiB)": {
    value: m.wrappedGrowthMiB?.toFixed(2) ?? m.skipped,
    baseline: `bare ${m.bareGrowthMiB?.toFixed(2)} MiB, ${m.failedSends ?? 0} sends each`,
    ratio: "",
  },
});
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(new URL("./results/latest.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log("wrote bench/results/latest.json");
