import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The built package as users load it: by name (self-reference through "exports"), from ESM and
// CommonJS, both entry points. `npm test` builds before running vitest.
const root = fileURLToPath(new URL("..", import.meta.url));
const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: "utf8" }).trim();

describe("the built package", () => {
  it("exists (run `npm run build` first when this fails)", () => {
    expect(existsSync(`${root}/dist/index.js`)).toBe(true);
    expect(existsSync(`${root}/dist/index.cjs`)).toBe(true);
  });

  it("loads with require() and can call retryKms (p-retry is bundled into the CommonJS build)", () => {
    const out = node([
      "-e",
      `const k = require("kms-keystore-errors");
       const t = require("kms-keystore-errors/testing");
       let n = 0;
       k.retryKms(async () => { if (++n < 2) throw Object.assign(new Error("reset"), { code: "ECONNRESET" }); return "ok"; },
         { minTimeout: 1, randomize: false })
         .then((v) => console.log(JSON.stringify({ v, n, classify: k.classify(null).kind, emulator: typeof t.startKmsEmulator })));`,
    ]);
    expect(JSON.parse(out)).toEqual({ v: "ok", n: 2, classify: "Unrecognized", emulator: "function" });
  });

  it("requires neverthrow on first use from CommonJS, and its Results are neverthrow's own", () => {
    const out = node([
      "-e",
      `const loaded = () => Object.keys(require.cache).some((p) => p.includes("neverthrow"));
       const k = require("kms-keystore-errors");
       const before = loaded();
       const { ResultAsync } = require("neverthrow");
       const client = { send: async () => { throw Object.assign(new Error("x"), { name: "DisabledException", $fault: "client" }); } };
       const result = k.sendResult(client, { input: {} });
       result.match(() => "ok", (f) => f.kind).then((kind) =>
         console.log(JSON.stringify({ before, after: loaded(), same: result instanceof ResultAsync, kind })));`,
    ]);
    expect(JSON.parse(out)).toEqual({ before: false, after: true, same: true, kind: "DisabledException" });
  });

  it("loads with import, both entry points, and the emulator answers the real SDK", () => {
    const out = node([
      "--input-type=module",
      "-e",
      `import { classify, withKeyStoreErrors, failureOf } from "kms-keystore-errors";
       import { startKmsEmulator } from "kms-keystore-errors/testing";
       import { KMSClient, DescribeKeyCommand } from "@aws-sdk/client-kms";
       const emu = await startKmsEmulator();
       const kms = withKeyStoreErrors(new KMSClient({ ...emu.clientConfig, maxAttempts: 1 }));
       emu.failNext("DescribeKey", { exception: "XksProxyVpcEndpointServiceInvalidConfigurationException" });
       const error = await kms.send(new DescribeKeyCommand({ KeyId: "k" })).catch((e) => e);
       await emu.close();
       console.log(JSON.stringify({ cause: failureOf(error)?.cause, same: classify(error) === failureOf(error) }));`,
    ]);
    expect(JSON.parse(out)).toEqual({ cause: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION", same: true });
  });
});

describe("the catalog's data as shipped", () => {
  // The build ships the catalog's data modules as JSON strings (scripts/data-as-json.ts): the built
  // package must hold exactly the sources' data, in both module formats, still deep-frozen.
  it("equals the sources' data exactly, ESM and CommonJS", async () => {
    const source = await import("../src/catalog/index.js");
    const esm = (await import(`${root}/dist/index.js`)) as typeof import("../src/index.js");
    const cjs = createRequire(import.meta.url)(`${root}/dist/index.cjs`) as typeof import("../src/index.js");
    expect(esm.catalog).toStrictEqual(source.catalog);
    expect(cjs.catalog).toStrictEqual(source.catalog);
    expect(Object.isFrozen(esm.catalog[0]?.remediation.steps)).toBe(true);
  });
});
