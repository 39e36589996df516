/**
 * Which service and operation a request is for, and the successful answer of each operation. The
 * answers are minimal but valid for the real clients (SQS's MD5 digests included); they never echo
 * a message body, a secret or a payload.
 */
import { createHash, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { el } from "../aws/protocol.js";
import { SERVICE_IDS, SERVICE_OPERATIONS, type ServiceId } from "./model.js";
import { type Answer, jsonOk, queryOk, SERVICE_WIRES } from "./protocols.js";

/**
 * A request, as the router understood it.
 * @internal
 */
export interface Routed {
  /** The service. */
  readonly service: ServiceId;
  /** The operation's name as the service spells it (it may be one the emulator does not answer). */
  readonly operation: string;
  /** The operation's input: the JSON body, the query parameters, or the path's parts. */
  readonly input: Readonly<Record<string, unknown>>;
}

/** An operation name the router accepts (anything else is no service's request). */
const OPERATION_NAME = /^[A-Za-z0-9]{1,64}$/;

/** The Lambda Invoke path: `/2015-03-31/functions/<name>/invocations`. */
const LAMBDA_INVOKE = /^\/2015-03-31\/functions\/([^/]{1,256})\/invocations$/;

const parseJson = (body: string): Readonly<Record<string, unknown>> => {
  try {
    const parsed: unknown = body === "" ? {} : JSON.parse(body);
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
};

/**
 * Routes a request to a service and operation by its protocol's markers: `X-Amz-Target` (JSON
 * protocols), `Action` and `Version` (awsQuery), Lambda's Invoke path, and otherwise S3 path-style.
 *
 * @param req - The request.
 * @param body - The body text.
 * @returns The route, or undefined when no service's markers match.
 * @internal
 */
export const route = (req: IncomingMessage, body: string): Routed | undefined => {
  const target = req.headers["x-amz-target"];
  if (typeof target === "string") {
    for (const service of SERVICE_IDS) {
      const prefix = SERVICE_WIRES[service].target;
      if (prefix !== undefined && target.startsWith(prefix)) {
        const operation = target.slice(prefix.length);
        return OPERATION_NAME.test(operation) ? { service, operation, input: parseJson(body) } : undefined;
      }
    }
    return undefined;
  }
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const contentType = String(req.headers["content-type"] ?? "");
  if (req.method === "POST" && contentType.startsWith("application/x-www-form-urlencoded")) {
    const params = new URLSearchParams(body);
    const version = params.get("Version");
    const service = SERVICE_IDS.find((s) => SERVICE_WIRES[s].version === version);
    const action = params.get("Action") ?? "";
    if (service === undefined || !OPERATION_NAME.test(action)) return undefined;
    return { service, operation: action, input: Object.fromEntries(params) };
  }
  const invoke = LAMBDA_INVOKE.exec(url.pathname);
  if (invoke !== null) {
    return {
      service: "Lambda",
      operation: req.method === "POST" ? "Invoke" : `${req.method ?? ""} invocations`,
      input: { FunctionName: decodeURIComponent(invoke[1] ?? "") },
    };
  }
  if (url.pathname.startsWith("/2015-03-31/")) return undefined;
  const [, bucket = "", ...key] = url.pathname.split("/");
  const operation =
    key.length === 0 || key.join("/") === ""
      ? `${req.method ?? ""} bucket`
      : req.method === "GET"
        ? "GetObject"
        : req.method === "PUT"
          ? "PutObject"
          : `${req.method ?? ""} object`;
  return { service: "S3", operation, input: { Bucket: bucket, Key: key.join("/") } };
};

/**
 * Whether the emulator answers an operation of a service.
 * @param service - The service.
 * @param operation - The operation.
 * @returns True when it is one of {@link SERVICE_OPERATIONS}.
 * @internal
 */
export const answers = (service: ServiceId, operation: string): boolean =>
  (SERVICE_OPERATIONS[service] as readonly string[]).includes(operation);

/**
 * The context of a successful answer.
 * @internal
 */
export interface OkContext {
  readonly region: string;
  readonly accountId: string;
  readonly keyArn: string;
  readonly requestId: string;
  /** The request body, for digests (never echoed). */
  readonly body: Buffer;
}

const md5 = (text: string | Buffer): string => createHash("md5").update(text).digest("hex");
const text = (value: unknown, fallback: string): string =>
  typeof value === "string" && value.length > 0 && value.length <= 256 ? value : fallback;

/** The body of every object GetObject returns. */
const OBJECT_BODY = "emulated object body";
/** The body of every message ReceiveMessage returns. */
const MESSAGE_BODY = "emulated message body";

/**
 * The successful answer of an operation the emulator answers.
 * @param routed - The request's route.
 * @param ctx - Region, account, key and request.
 * @returns The answer.
 * @internal
 */
export const okAnswer = (routed: Routed, ctx: OkContext): Answer => {
  const { service, operation, input } = routed;
  const wire = SERVICE_WIRES[service];
  const { region, accountId, keyArn, requestId } = ctx;
  const arn = (svc: string, resource: string): string => `arn:aws:${svc}:${region}:${accountId}:${resource}`;
  const sse = {
    "x-amz-server-side-encryption": "aws:kms",
    "x-amz-server-side-encryption-aws-kms-key-id": keyArn,
    "x-amz-request-id": requestId,
  };
  switch (`${service}:${operation}`) {
    case "S3:GetObject":
      return {
        status: 200,
        headers: {
          ...sse,
          "content-type": "application/octet-stream",
          etag: `"${md5(OBJECT_BODY)}"`,
          "last-modified": new Date(0).toUTCString(),
        },
        body: OBJECT_BODY,
      };
    case "S3:PutObject":
      return { status: 200, headers: { ...sse, etag: `"${md5(ctx.body)}"` }, body: "" };
    case "SQS:SendMessage":
      return jsonOk(
        wire,
        {
          MD5OfMessageBody: md5(typeof input.MessageBody === "string" ? input.MessageBody : ""),
          MessageId: randomUUID(),
        },
        requestId,
      );
    case "SQS:ReceiveMessage":
      return jsonOk(
        wire,
        {
          Messages: [
            {
              MessageId: randomUUID(),
              ReceiptHandle: randomUUID(),
              MD5OfBody: md5(MESSAGE_BODY),
              Body: MESSAGE_BODY,
            },
          ],
        },
        requestId,
      );
    case "SNS:Publish":
      return queryOk(wire, "Publish", el("MessageId", randomUUID()), requestId);
    case "Lambda:Invoke":
      return {
        status: 200,
        headers: {
          "content-type": "application/json",
          "x-amzn-requestid": requestId,
          "x-amz-executed-version": "$LATEST",
        },
        body: JSON.stringify({ statusCode: 200 }),
      };
    case "Kinesis:PutRecord":
      return jsonOk(
        wire,
        { ShardId: "shardId-000000000000", SequenceNumber: "1", EncryptionType: "KMS" },
        requestId,
      );
    case "Secrets Manager:GetSecretValue":
    case "Secrets Manager:PutSecretValue": {
      const name = text(input.SecretId, "secret");
      return jsonOk(
        wire,
        {
          ARN: arn("secretsmanager", `secret:${name}`),
          Name: name,
          VersionId: randomUUID(),
          VersionStages: ["AWSCURRENT"],
          ...(operation === "GetSecretValue" ? { SecretString: "emulated-secret-string" } : {}),
        },
        requestId,
      );
    }
    case "SSM:GetParameter": {
      const name = text(input.Name, "parameter");
      return jsonOk(
        wire,
        {
          Parameter: {
            Name: name,
            Type: "SecureString",
            Value: "emulated-parameter-value",
            Version: 1,
            ARN: arn("ssm", `parameter/${name.replace(/^\//, "")}`),
          },
        },
        requestId,
      );
    }
    case "SFN:StartExecution":
      return jsonOk(
        wire,
        { executionArn: arn("states", `execution:machine:${randomUUID()}`), startDate: 1_700_000_000 },
        requestId,
      );
    case "SFN:DescribeStateMachine":
      return jsonOk(
        wire,
        {
          stateMachineArn: text(input.stateMachineArn, arn("states", "stateMachine:machine")),
          name: "machine",
          status: "ACTIVE",
          definition: '{"StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}',
          roleArn: `arn:aws:iam::${accountId}:role/states`,
          type: "STANDARD",
          creationDate: 1_700_000_000,
          encryptionConfiguration: {
            type: "CUSTOMER_MANAGED_KMS_KEY",
            kmsKeyId: keyArn,
            kmsDataKeyReusePeriodSeconds: 300,
          },
        },
        requestId,
      );
    case "DynamoDB:GetItem":
      return jsonOk(wire, { Item: { pk: { S: "emulated-item" } } }, requestId);
    case "DynamoDB:PutItem":
      return jsonOk(wire, {}, requestId);
    case "DynamoDB:CreateTable": {
      const name = text(input.TableName, "table");
      return jsonOk(
        wire,
        {
          TableDescription: {
            TableName: name,
            TableArn: arn("dynamodb", `table/${name}`),
            TableStatus: "CREATING",
            SSEDescription: { Status: "ENABLED", SSEType: "KMS", KMSMasterKeyArn: keyArn },
          },
        },
        requestId,
      );
    }
    case "RDS:CreateDBInstance":
    case "RDS:DescribeDBInstances": {
      const id = text(input.DBInstanceIdentifier, "database-1");
      const instance = el("DBInstance", {
        xml: [
          el("DBInstanceIdentifier", id),
          el("DBInstanceStatus", operation === "CreateDBInstance" ? "creating" : "available"),
          el("StorageEncrypted", true),
          el("KmsKeyId", keyArn),
        ].join(""),
      });
      return operation === "CreateDBInstance"
        ? queryOk(wire, operation, instance, requestId)
        : queryOk(wire, operation, el("DBInstances", { xml: instance }), requestId);
    }
    default:
      throw new Error(`${service} ${operation} has no answer.`);
  }
};
