/**
 * The plugin on other services' real clients, against the services emulator: every row of the case
 * table (test/support/services-cases.ts) sent through a client with `withKeyStoreErrors` installed.
 * A KMS-caused failure is classified as the KMS failure it stands for (kind, cause, `via`), attached
 * to the error and passed to `onFailure` once; any other error passes untouched: no failure, no
 * `onFailure` call, the error the bare client raises. Retries follow the KMS cause.
 */

import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetObjectCommand, NoSuchKey, S3Client } from "@aws-sdk/client-s3";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import {
  failureOf,
  formatFailure,
  type KmsFailure,
  toLogEntry,
  withKeyStoreErrors,
} from "kms-keystore-errors";
import { type ServicesEmulator, startServicesEmulator } from "kms-keystore-errors/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { rejectionOf } from "./support/kms.js";
import {
  callOperation,
  destroyClients,
  SERVICE_CASES,
  type ServiceClients,
  serviceClients,
} from "./support/services-cases.js";

let emu: ServicesEmulator;
let clients: ServiceClients;
const reported: KmsFailure[] = [];

beforeAll(async () => {
  emu = await startServicesEmulator();
  clients = serviceClients(emu);
  for (const client of Object.values(clients)) {
    withKeyStoreErrors(client, { onFailure: (failure) => reported.push(failure) });
  }
});

afterEach(() => {
  emu.reset();
  reported.length = 0;
});

afterAll(async () => {
  destroyClients(clients);
  await emu.close();
});

describe.each(SERVICE_CASES)("$title", (c) => {
  it(
    c.expected === undefined ? "passes untouched" : `is ${c.expected.kind} / ${c.expected.cause}`,
    async () => {
      emu.failNext(c.service, c.operation as never, c.failure);
      const error = await rejectionOf(callOperation(clients, emu, c.service, c.operation));
      // The error is the one the bare client raises, whatever the plugin makes of it.
      expect(error).toBeInstanceOf(c.sdk.exceptionClass);
      expect((error as Error).name).toBe(c.sdk.name);
      expect((error as Error).message).toBe(c.sdk.message);
      const failure = failureOf(error);
      if (c.expected === undefined) {
        expect(failure).toBeUndefined();
        expect(reported).toEqual([]);
        return;
      }
      expect(failure).toMatchObject({ kind: c.expected.kind, cause: c.expected.cause, code: c.sdk.name });
      expect(failure?.via).toEqual(c.expected.via);
      expect(reported).toHaveLength(1);
      expect(reported[0]).toBe(failure);
      const entry = toLogEntry(failure as KmsFailure);
      expect(entry["kms.via.service"]).toBe(c.service);
      expect(entry["kms.via.code"]).toBe(c.sdk.name);
      expect(formatFailure(failure as KmsFailure)).toContain(c.service);
    },
  );
});

describe("retries on another service's client follow the KMS cause", () => {
  it("retries an XKS proxy timeout surfaced by S3, which the bare client sends once", async () => {
    const s3 = withKeyStoreErrors(
      new S3Client({ ...emu.clientConfig, forcePathStyle: true, maxAttempts: 3 }),
    );
    try {
      emu.failNext("S3", "GetObject", { kms: "xks-proxy-timeout" }, { times: 3 });
      const error = await rejectionOf(s3.send(new GetObjectCommand({ Bucket: "b", Key: "k" })));
      expect(failureOf(error)).toMatchObject({ cause: "XKS_PROXY_TIMED_OUT", retryable: true });
      expect(emu.calls("S3")).toHaveLength(3);
    } finally {
      s3.destroy();
    }
  });

  it("sends Lambda's 502 KMSDisabledException once, which the bare client sends three times", async () => {
    const lambda = withKeyStoreErrors(new LambdaClient({ ...emu.clientConfig, maxAttempts: 3 }));
    try {
      emu.failNext("Lambda", "Invoke", { kms: "disabled" }, { times: 3 });
      const error = await rejectionOf(lambda.send(new InvokeCommand({ FunctionName: "function" })));
      expect(failureOf(error)).toMatchObject({ kind: "DisabledException", retryable: false });
      expect(emu.calls("Lambda")).toHaveLength(1);
    } finally {
      lambda.destroy();
    }
  });

  it("sends a disabled key behind SQS once", async () => {
    const sqs = withKeyStoreErrors(new SQSClient({ ...emu.clientConfig, maxAttempts: 3 }));
    try {
      emu.failNext("SQS", "SendMessage", { kms: "disabled" }, { times: 3 });
      const error = await rejectionOf(
        sqs.send(
          new SendMessageCommand({ QueueUrl: `${emu.endpoint}/111122223333/queue`, MessageBody: "m" }),
        ),
      );
      expect(failureOf(error)?.retryable).toBe(false);
      expect(emu.calls("SQS")).toHaveLength(1);
    } finally {
      sqs.destroy();
    }
  });

  it("leaves the service's own errors to the SDK's retries", async () => {
    const s3 = withKeyStoreErrors(
      new S3Client({ ...emu.clientConfig, forcePathStyle: true, maxAttempts: 3 }),
    );
    const bare = new S3Client({ ...emu.clientConfig, forcePathStyle: true, maxAttempts: 3 });
    try {
      for (const client of [bare, s3]) {
        emu.reset();
        emu.failNext(
          "S3",
          "GetObject",
          {
            error: "InternalError",
            status: 500,
            message: "We encountered an internal error. Please try again.",
          },
          { times: 3 },
        );
        const error = await rejectionOf(client.send(new GetObjectCommand({ Bucket: "b", Key: "k" })));
        expect(failureOf(error)).toBeUndefined();
        expect(emu.calls("S3")).toHaveLength(3);
      }
      emu.reset();
      emu.failNext("S3", "GetObject", { error: "NoSuchKey" });
      const error = await rejectionOf(s3.send(new GetObjectCommand({ Bucket: "b", Key: "k" })));
      expect(error).toBeInstanceOf(NoSuchKey);
      expect(failureOf(error)).toBeUndefined();
    } finally {
      s3.destroy();
      bare.destroy();
    }
  });
});
