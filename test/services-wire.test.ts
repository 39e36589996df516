import { PutRecordCommand } from "@aws-sdk/client-kinesis";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { PublishCommand } from "@aws-sdk/client-sns";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import {
  SERVICE_IDS,
  SERVICE_OPERATIONS,
  type ServiceId,
  type ServicesEmulator,
  startServicesEmulator,
} from "kms-keystore-errors/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { rejectionOf } from "./support/kms.js";
import {
  BASE_EXCEPTION,
  CORE_SCENARIOS,
  callOperation,
  clientOf,
  destroyClients,
  KEY_ARN,
  SERVICE_CASES,
  type ServiceClients,
  serviceClients,
} from "./support/services-cases.js";

type SdkError = Error & {
  $fault?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  Code?: string;
  Type?: string;
  kmsKeyState?: string;
};

let emu: ServicesEmulator;
let clients: ServiceClients;

beforeAll(async () => {
  emu = await startServicesEmulator();
  clients = serviceClients(emu);
});

afterEach(() => emu.reset());

afterAll(async () => {
  destroyClients(clients);
  await emu.close();
});

describe("the case table", () => {
  it("covers every service with the four KMS failures, and one of its own errors", () => {
    for (const service of SERVICE_IDS) {
      const cases = SERVICE_CASES.filter((c) => c.service === service);
      for (const scenario of CORE_SCENARIOS) {
        expect(
          cases.some((c) => c.scenario === scenario),
          `${service} ${scenario}`,
        ).toBe(true);
      }
      expect(
        cases.some((c) => c.scenario === "non-kms"),
        `${service} non-KMS`,
      ).toBe(true);
    }
  });

  it("has both forms, with KMS's message and without, wherever the service answers both", () => {
    const forms = (service: ServiceId) =>
      new Set(
        SERVICE_CASES.filter((c) => c.service === service && c.expected).map((c) => c.kmsMessagePassed),
      );
    for (const service of SERVICE_IDS) {
      // RDS never passes KMS's message on; DynamoDB's documented KMS failure always embeds it.
      const expected = service === "RDS" ? [false] : service === "DynamoDB" ? [true] : [false, true];
      expect([...forms(service)].sort(), service).toEqual(expected);
    }
  });

  it("names each service as its client's serviceId (the spelling of via.service)", () => {
    for (const service of SERVICE_IDS) expect(clientOf(clients, service).config.serviceId).toBe(service);
  });

  it("has unique titles", () => {
    const titles = SERVICE_CASES.map((c) => c.title);
    expect(new Set(titles).size).toBe(titles.length);
  });
});

describe("successful calls through every real client", () => {
  const operations = SERVICE_IDS.flatMap((service) =>
    (SERVICE_OPERATIONS[service] as readonly string[]).map((operation) => ({ service, operation })),
  );
  it.each(operations)("$service $operation succeeds", async ({ service, operation }) => {
    const out = (await callOperation(clients, emu, service, operation)) as {
      $metadata: { httpStatusCode?: number };
    };
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(emu.calls(service)).toEqual([expect.objectContaining({ service, operation, status: 200 })]);
  });

  it("answers S3 GetObject with the object and its SSE-KMS headers", async () => {
    const out = (await callOperation(clients, emu, "S3", "GetObject")) as {
      Body: string;
      ServerSideEncryption: string;
      SSEKMSKeyId: string;
    };
    expect(out.Body).toBe("emulated object body");
    expect(out.ServerSideEncryption).toBe("aws:kms");
    expect(out.SSEKMSKeyId).toBe(KEY_ARN);
  });
});

describe("KMS failures and the services' own errors, as each real client raises them", () => {
  it.each(SERVICE_CASES.map((c) => [c.title, c] as const))("%s", async (_title, c) => {
    emu.failNext(c.service, c.operation as never, c.failure);
    const error = (await rejectionOf(callOperation(clients, emu, c.service, c.operation))) as SdkError;

    expect(error).toBeInstanceOf(c.sdk.exceptionClass);
    expect(error).toBeInstanceOf(BASE_EXCEPTION[c.service]);
    expect(error.name).toBe(c.sdk.name);
    expect(error.$fault).toBe(c.sdk.fault);
    expect(error.$metadata?.httpStatusCode).toBe(c.sdk.status);
    expect(error.message).toBe(c.sdk.message);
    expect(error.Code).toBe(c.sdk.code);
    if (c.expected?.via.queryCode !== undefined) {
      expect(error.Code).toBe(c.expected.via.queryCode);
      expect(error.Type).toBe("Sender");
    }
    if (c.sdk.code !== undefined && ["SQS", "SNS", "RDS"].includes(c.service) && c.expected !== undefined) {
      expect(c.expected.via.queryCode).toBe(c.sdk.code);
    }
    expect(error.kmsKeyState).toBe(c.sdk.kmsKeyState);

    const [call] = emu.calls(c.service);
    expect(error.$metadata?.requestId).toBe(call?.requestId);
    expect(call?.kmsRequestId).toBe(c.expected?.via.kmsRequestId);
    // KMS's own message is in the SDK's error exactly when the case says it came through.
    expect(c.kmsMessage === undefined).toBe(c.expected === undefined);
    if (c.kmsMessage !== undefined) expect(error.message.includes(c.kmsMessage)).toBe(c.kmsMessagePassed);
  });
});

describe("scripting", () => {
  it("answers a script for every operation of a service, and only as many times as asked", async () => {
    emu.failNext("DynamoDB", "*", { kms: "disabled" }, { times: 2 });
    const first = (await rejectionOf(callOperation(clients, emu, "DynamoDB", "PutItem"))) as SdkError;
    const second = (await rejectionOf(callOperation(clients, emu, "DynamoDB", "CreateTable"))) as SdkError;
    expect([first.name, second.name]).toEqual(["AccessDeniedException", "AccessDeniedException"]);
    await expect(callOperation(clients, emu, "DynamoDB", "GetItem")).resolves.toBeDefined();
  });

  it("runs an operation's own script before the service's '*' script", async () => {
    emu.failNext("S3", "*", { error: "NoSuchBucket" });
    emu.failNext("S3", "GetObject", { kms: "disabled" });
    const first = (await rejectionOf(callOperation(clients, emu, "S3", "GetObject"))) as SdkError;
    const second = (await rejectionOf(callOperation(clients, emu, "S3", "GetObject"))) as SdkError;
    expect([first.name, second.name]).toEqual(["KMS.DisabledException", "NoSuchBucket"]);
  });

  it("uses EncryptionFailure for Secrets Manager's writes under a '*' script", async () => {
    emu.failNext("Secrets Manager", "*", { kms: "disabled" }, { times: 2 });
    const read = (await rejectionOf(
      callOperation(clients, emu, "Secrets Manager", "GetSecretValue"),
    )) as SdkError;
    const write = (await rejectionOf(
      callOperation(clients, emu, "Secrets Manager", "PutSecretValue"),
    )) as SdkError;
    expect([read.name, write.name]).toEqual(["DecryptionFailure", "EncryptionFailure"]);
  });

  it("takes an explicit KMS exception and message, and a fresh KMS request id per answer", async () => {
    emu.failNext(
      "SNS",
      "Publish",
      { kms: { exception: "KMSInvalidStateException", message: "The key is in a bad state." } },
      { times: 2 },
    );
    const first = (await rejectionOf(callOperation(clients, emu, "SNS", "Publish"))) as SdkError;
    await rejectionOf(callOperation(clients, emu, "SNS", "Publish"));
    expect(first.name).toBe("KMSInvalidStateException");
    expect(first.message).toMatch(
      /^The key is in a bad state\. \(Service: AWSKMS; Status Code: 400; Error Code: KMSInvalidStateException; Request ID: [0-9a-f-]{36}; Proxy: null\)$/,
    );
    const [a, b] = emu.calls("SNS");
    expect(first.message).toContain(`Request ID: ${a?.kmsRequestId}`);
    expect(a?.kmsRequestId).not.toBe(b?.kmsRequestId);
  });

  it("reports Step Functions' kmsKeyState from an explicit KMS failure", async () => {
    emu.failNext("SFN", "StartExecution", {
      kms: {
        exception: "KMSInvalidStateException",
        message: "x is pending import.",
        keyState: "PENDING_IMPORT",
      },
    });
    const error = (await rejectionOf(callOperation(clients, emu, "SFN", "StartExecution"))) as SdkError;
    expect(error.kmsKeyState).toBe("PENDING_IMPORT");
  });

  it("passes a service error's own status and message", async () => {
    emu.failNext("Kinesis", "PutRecord", {
      error: "LimitExceededException",
      status: 400,
      message: "Rate exceeded for shard.",
    });
    const error = (await rejectionOf(callOperation(clients, emu, "Kinesis", "PutRecord"))) as SdkError;
    expect([error.name, error.message, error.$metadata?.httpStatusCode]).toEqual([
      "LimitExceededException",
      "Rate exceeded for shard.",
      400,
    ]);
  });

  it("refuses what a service does not send, with clear messages", () => {
    expect(() => emu.failNext("RDS", "CreateDBInstance", { kms: "disabled", passKmsMessage: true })).toThrow(
      "RDS does not pass KMS's message on.",
    );
    expect(() => emu.failNext("DynamoDB", "GetItem", { kms: "disabled", passKmsMessage: false })).toThrow(
      "DynamoDB's documented KMS failure always carries KMS's error.",
    );
    expect(() => emu.failNext("Nope" as never, "*", { kms: "disabled" })).toThrow(/service must be one of/);
    expect(() => emu.failNext("S3", "DeleteObject" as never, { kms: "disabled" })).toThrow(
      /operation must be one of GetObject, PutObject/,
    );
    expect(() => emu.failNext("S3", "GetObject", { kms: "melted" as never })).toThrow(/kms must be one of/);
    expect(() => emu.failNext("S3", "GetObject", { kms: { exception: "Bad Name", message: "m" } })).toThrow(
      "kms.exception is not valid.",
    );
    expect(() => emu.failNext("S3", "GetObject", { error: "Teapot" })).toThrow(
      "S3 has no known error Teapot: give its status.",
    );
    expect(() => emu.failNext("S3", "GetObject", { error: "NoSuchKey", status: 200 })).toThrow(
      /HTTP error status/,
    );
    expect(() => emu.failNext("S3", "GetObject", { kms: "disabled" }, { times: 0 })).toThrow(/times must be/);
    expect(() => emu.failNext("S3", "GetObject", { kms: "disabled", kmsRequestId: "a b" })).toThrow(
      "kmsRequestId is not valid.",
    );
    expect(() => emu.failNext("S3", "GetObject", null as never)).toThrow(/failure must be/);
  });

  it("keeps a script as it was when the caller changes the object afterwards", async () => {
    const kms = { exception: "DisabledException", message: "first words" };
    emu.failNext("S3", "GetObject", { kms, passKmsMessage: true });
    kms.message = "changed words";
    const error = (await rejectionOf(callOperation(clients, emu, "S3", "GetObject"))) as SdkError;
    expect(error.message).toBe("first words");
  });
});

describe("secrets", () => {
  it("never echoes what the caller sent: not in an answer, an error or the request log", async () => {
    const marker = "SECRETMARKERservices0123456789";
    const queueUrl = `${emu.endpoint}/111122223333/queue`;
    const sends = [
      () => clients.s3.send(new PutObjectCommand({ Bucket: "b", Key: "k", Body: marker })),
      () => clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: marker })),
      () =>
        clients.sns.send(
          new PublishCommand({ TopicArn: "arn:aws:sns:us-east-1:111122223333:t", Message: marker }),
        ),
      () =>
        clients.lambda.send(
          new InvokeCommand({ FunctionName: "f", Payload: new TextEncoder().encode(marker) }),
        ),
      () =>
        clients.kinesis.send(
          new PutRecordCommand({
            StreamName: "s",
            PartitionKey: "p",
            Data: new TextEncoder().encode(marker),
          }),
        ),
      () => clients.secretsManager.send(new PutSecretValueCommand({ SecretId: "s", SecretString: marker })),
    ];
    const seen: string[] = [];
    for (const send of sends) seen.push(JSON.stringify(await send()));
    emu.failNext("Secrets Manager", "PutSecretValue", { kms: "disabled", passKmsMessage: true });
    emu.failNext("SQS", "SendMessage", { kms: "xks-proxy-timeout" });
    for (const send of [sends[5], sends[1]]) {
      const error = (await rejectionOf((send as () => Promise<unknown>)())) as SdkError;
      seen.push(error.message, JSON.stringify(error));
    }
    seen.push(JSON.stringify(emu.calls()));
    for (const text of seen) expect(text).not.toContain(marker);
  });
});

describe("retries of the bare SDK", () => {
  it("retries Lambda's 502 KMSDisabledException: three requests with the default maxAttempts", async () => {
    const lambda = new LambdaClient({ ...emu.clientConfig });
    try {
      emu.failNext("Lambda", "Invoke", { kms: "disabled" }, { times: 3 });
      const error = (await rejectionOf(
        lambda.send(new InvokeCommand({ FunctionName: "function" })),
      )) as SdkError;
      expect(error.name).toBe("KMSDisabledException");
      expect(error.$metadata?.attempts).toBe(3);
      expect(emu.calls("Lambda")).toHaveLength(3);
    } finally {
      lambda.destroy();
    }
  });

  it("does not retry S3's KMS.KMSInvalidStateException for an XKS proxy timeout", async () => {
    const s3 = new S3Client({ ...emu.clientConfig, forcePathStyle: true });
    try {
      emu.failNext("S3", "GetObject", { kms: "xks-proxy-timeout" }, { times: 3 });
      const error = (await rejectionOf(s3.send(new GetObjectCommand({ Bucket: "b", Key: "k" })))) as SdkError;
      expect(error.name).toBe("KMS.KMSInvalidStateException");
      expect(emu.calls("S3")).toHaveLength(1);
    } finally {
      s3.destroy();
    }
  });
});

describe("the wire itself", () => {
  it("refuses a request no service's markers match", async () => {
    const res = await fetch(`${emu.endpoint}/2015-03-31/layers`, { method: "GET" });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe("The services emulator cannot tell which service this request is for.");
  });

  it("answers an operation it does not model as the service's unknown operation", async () => {
    const res = await fetch(emu.endpoint, {
      method: "POST",
      headers: { "x-amz-target": "AmazonSQS.PurgeQueue", "content-type": "application/x-amz-json-1.0" },
      body: "{}",
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      __type: "com.amazonaws.sqs#UnknownOperationException",
      message: "The services emulator does not answer SQS PurgeQueue.",
    });
  });

  it("refuses a body larger than its cap with 413, and stays up", async () => {
    const res = await fetch(emu.endpoint, {
      method: "POST",
      headers: { "x-amz-target": "AmazonSQS.SendMessage" },
      body: "x".repeat(1024 * 1024 + 1),
    });
    expect(res.status).toBe(413);
    await expect(callOperation(clients, emu, "SQS", "SendMessage")).resolves.toBeDefined();
  });

  it("closes with a request still waiting on a delay, and refuses connections afterwards", async () => {
    const other = await startServicesEmulator();
    const s3 = new S3Client({ ...other.clientConfig, forcePathStyle: true, maxAttempts: 1 });
    try {
      other.failNext("S3", "GetObject", { kms: "disabled" }, { delayMs: 60_000 });
      const pending = rejectionOf(s3.send(new GetObjectCommand({ Bucket: "b", Key: "k" })));
      // The call is logged when it arrives, before the delay (bounded wait: 2,000 polls).
      for (let i = 0; i < 2000 && other.calls().length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(other.calls()).toHaveLength(1);
      await other.close();
      const error = (await pending) as SdkError;
      expect(error.name).not.toBe("KMS.DisabledException");
      await expect(fetch(other.endpoint)).rejects.toThrow();
    } finally {
      s3.destroy();
    }
  });

  it("checks its options", async () => {
    await expect(startServicesEmulator({ region: "US EAST" })).rejects.toThrow(/Region name/);
    await expect(startServicesEmulator({ accountId: "1" })).rejects.toThrow(/12 digits/);
    await expect(startServicesEmulator({ keyArn: "not an arn" })).rejects.toThrow("keyArn is not valid.");
  });
});
