/**
 * The services emulator: one HTTP server on 127.0.0.1 that answers S3, SQS, SNS, Lambda, Kinesis,
 * Secrets Manager, SSM, Step Functions, DynamoDB and RDS, each in its own wire protocol, so that the
 * real clients of those services raise their real exceptions when a scripted KMS failure (or a
 * non-KMS error) comes back.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type RequestBody, startHttpServer, writeResponse } from "../http-server.js";
import { statusOf } from "../protocol.js";
import { createSleeper } from "../sleeper.js";
import { checkDelay } from "../xks-proxy/fault-script.js";
import {
  javaForm,
  KMS_SCENARIOS,
  type KmsCall,
  type KmsScenario,
  kmsCallOf,
  lambdaForm,
  nonKmsError,
  SECRETS_MANAGER_WRITE,
  SERVICE_IDS,
  SERVICE_MODELS,
  SERVICE_OPERATIONS,
  type ServiceId,
  type ServiceOperation,
} from "./model.js";
import { answers, okAnswer, type Routed, route } from "./operations.js";
import { type Answer, errorAnswer, SERVICE_WIRES, type WireError } from "./protocols.js";

/**
 * Options of {@link startServicesEmulator}.
 * @public
 */
export interface ServicesEmulatorOptions {
  /** The Region in ARNs. @defaultValue "us-east-1" */
  region?: string | undefined;
  /** The 12-digit account id in ARNs. @defaultValue "111122223333" */
  accountId?: string | undefined;
  /**
   * The ARN of the KMS key the services use, as KMS's messages quote it.
   * @defaultValue `arn:aws:kms:<region>:<accountId>:key/1234abcd-12ab-34cd-56ef-1234567890ab`
   */
  keyArn?: string | undefined;
}

/**
 * A scripted KMS failure behind a service call: KMS's error (a {@link KmsScenario} or an explicit
 * exception and message), which the service reports in its own words.
 * @public
 */
export interface ScriptedKmsFailure {
  /** What KMS answered the service. */
  readonly kms: KmsScenario | KmsCall;
  /**
   * Whether the service passes KMS's message on (in its own form: verbatim for S3, the Java SDK form
   * for SQS, SNS, Kinesis, SSM, Secrets Manager, Step Functions and DynamoDB, `KMS Exception: …KMS
   * Message: …` for Lambda). RDS never does; DynamoDB's documented form always does.
   * @defaultValue what the service is known to do: true, except Secrets Manager, Step Functions and
   * RDS
   */
  readonly passKmsMessage?: boolean | undefined;
  /** KMS's request id in the Java SDK form. @defaultValue a random UUID */
  readonly kmsRequestId?: string | undefined;
}

/**
 * A scripted error of the service's own, not caused by KMS (e.g. S3 `NoSuchKey`). Codes the
 * emulator knows come with their status and message; others need `status`.
 * @public
 */
export interface ScriptedServiceError {
  /** The wire code, e.g. `"NoSuchKey"`, `"QueueDoesNotExist"`, `"ResourceNotFoundException"`. */
  readonly error: string;
  /** The HTTP status. @defaultValue the service's status for a known code */
  readonly status?: number | undefined;
  /** The message. @defaultValue the service's words for a known code */
  readonly message?: string | undefined;
  /** SQS: the query-compatible code. @defaultValue the service's for a known code */
  readonly queryCode?: string | undefined;
}

/**
 * What a scripted request answers.
 * @public
 */
export type ServiceFailure = ScriptedKmsFailure | ScriptedServiceError;

/**
 * Options of {@link ServicesEmulator.failNext}.
 * @public
 */
export interface ServiceFailOptions {
  /** How many requests the failure answers. @defaultValue 1 */
  readonly times?: number | undefined;
  /** Milliseconds to wait before answering. @defaultValue 0 */
  readonly delayMs?: number | undefined;
}

/**
 * A request the emulator received.
 * @public
 */
export interface ServiceCall {
  /** The service, as its client's `serviceId`. */
  readonly service: ServiceId;
  /** The operation. */
  readonly operation: string;
  /** The service's request id (`x-amzn-requestid`, or `x-amz-request-id` for S3). */
  readonly requestId: string;
  /** The HTTP status answered. */
  readonly status: number;
  /** The wire code of an error answer. */
  readonly code?: string;
  /** KMS's request id, when the answer embedded KMS's error in the Java SDK form. */
  readonly kmsRequestId?: string;
}

/**
 * A running services emulator.
 * @public
 */
export interface ServicesEmulator {
  /** `http://127.0.0.1:<port>`: every client's `endpoint`. */
  readonly endpoint: string;
  /** The Region. */
  readonly region: string;
  /** The account id. */
  readonly accountId: string;
  /** The KMS key ARN the services' messages quote. */
  readonly keyArn: string;
  /**
   * `{ endpoint, region, credentials }` for every client (dummy credentials: signatures are not
   * checked). S3 also needs `forcePathStyle: true`.
   */
  readonly clientConfig: {
    readonly endpoint: string;
    readonly region: string;
    readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  };
  /**
   * Scripts the next request(s) of an operation to fail. Scripts of one operation run in order; an
   * operation's own script runs before the service's `"*"` script.
   *
   * @param service - The service, as its client's `serviceId`.
   * @param operation - The operation, or `"*"` for every operation of the service.
   * @param failure - A KMS failure (`{ kms, passKmsMessage?, kmsRequestId? }`) or a service error
   * (`{ error, status?, message?, queryCode? }`).
   * @param options - `times` (default 1) and `delayMs`.
   * @throws TypeError when the service, operation or failure is not one the emulator can answer
   * (e.g. `passKmsMessage: true` for RDS, which never passes KMS's message on).
   *
   * @example
   * ```ts
   * import { startServicesEmulator } from "kms-keystore-errors/testing";
   * const services = await startServicesEmulator();
   * services.failNext("S3", "GetObject", { kms: "xks-proxy-timeout" });
   * services.failNext("SQS", "SendMessage", { kms: "disabled", passKmsMessage: false });
   * services.failNext("Lambda", "Invoke", { kms: "disabled" }, { times: 3 }); // every SDK attempt
   * services.failNext("S3", "GetObject", { error: "NoSuchKey" });
   * ```
   */
  failNext<S extends ServiceId>(
    service: S,
    operation: ServiceOperation<S> | "*",
    failure: ServiceFailure,
    options?: ServiceFailOptions,
  ): void;
  /**
   * The requests received, oldest first (the SDK's retries are separate requests).
   * @param service - Only this service's requests.
   * @returns The requests.
   */
  calls(service?: ServiceId): readonly ServiceCall[];
  /** Removes every scripted failure and clears the request log. */
  reset(): void;
  /**
   * Stops the server and ends every open connection.
   * @returns A promise that settles when the server is closed.
   */
  close(): Promise<void>;
}

/** A failure checked and resolved to what the service sends. */
interface Scripted {
  /** Resolves the answer for the operation actually called (a `"*"` script serves several). */
  readonly resolve: (operation: string) => { error: WireError; kmsRequestId: string | undefined };
  remaining: number;
  readonly delayMs: number;
}

const MAX_MESSAGE = 4096;
const MAX_TIMES = 10_000;

const checkText = (name: string, value: unknown, pattern?: RegExp): string => {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_MESSAGE) {
    throw new TypeError(`${name} must be a non-empty string of at most ${MAX_MESSAGE} characters.`);
  }
  if (pattern !== undefined && !pattern.test(value)) throw new TypeError(`${name} is not valid.`);
  return value;
};

const NAME = /^[A-Za-z][A-Za-z0-9.]{0,99}$/;
const REQUEST_ID = /^[A-Za-z0-9-]{1,128}$/;
const KEY_STATES = ["CREATING", "DISABLED", "PENDING_DELETION", "PENDING_IMPORT", "UNAVAILABLE"];

const kmsCall = (kms: unknown, keyArn: string): KmsCall => {
  if (typeof kms === "string") {
    if (!(KMS_SCENARIOS as readonly string[]).includes(kms)) {
      throw new TypeError(`kms must be one of ${KMS_SCENARIOS.join(", ")}, or { exception, message }.`);
    }
    return kmsCallOf(kms as KmsScenario, keyArn);
  }
  if (kms === null || typeof kms !== "object") {
    throw new TypeError(`kms must be one of ${KMS_SCENARIOS.join(", ")}, or { exception, message }.`);
  }
  const { exception, message, keyState } = kms as Record<string, unknown>;
  if (keyState !== undefined && !KEY_STATES.includes(keyState as string)) {
    throw new TypeError(`kms.keyState must be one of ${KEY_STATES.join(", ")}.`);
  }
  return {
    exception: checkText("kms.exception", exception, NAME),
    message: checkText("kms.message", message),
    ...(keyState === undefined ? {} : { keyState: keyState as KmsCall["keyState"] }),
  };
};

/**
 * What a service sends for a KMS failure, in its own words.
 * @param service - The service.
 * @param operation - The operation (Secrets Manager's writes use `EncryptionFailure`).
 * @param failure - The scripted KMS failure.
 * @param keyArn - The key's ARN.
 * @returns The error and KMS's request id when the answer embeds it.
 * @throws TypeError when the failure is not one the service sends.
 * @internal
 */
export const kmsWireError = (
  service: ServiceId,
  operation: string,
  failure: ScriptedKmsFailure,
  keyArn: string,
): { error: WireError; kmsRequestId: string | undefined } => {
  const model = SERVICE_MODELS[service];
  const kms = kmsCall(failure.kms, keyArn);
  const pass = failure.passKmsMessage ?? model.passesByDefault;
  if (typeof pass !== "boolean") throw new TypeError("passKmsMessage must be a boolean.");
  if (pass && model.passes === undefined) {
    throw new TypeError(`${service} does not pass KMS's message on.`);
  }
  if (!pass && !model.answersWithout) {
    throw new TypeError(`${service}'s documented KMS failure always carries KMS's error.`);
  }
  const kmsRequestId =
    failure.kmsRequestId === undefined
      ? randomUUID()
      : checkText("kmsRequestId", failure.kmsRequestId, REQUEST_ID);
  const wrapper =
    service === "Secrets Manager" && operation === "PutSecretValue" ? SECRETS_MANAGER_WRITE : model.wrap(kms);
  const members =
    service === "SFN" && wrapper.code === "KmsInvalidStateException" && kms.keyState !== undefined
      ? { kmsKeyState: kms.keyState }
      : undefined;
  const form = pass ? model.passes : undefined;
  const message =
    form === "verbatim"
      ? kms.message
      : form === "java"
        ? javaForm(kms, statusOf(kms.exception), kmsRequestId)
        : form === "lambda"
          ? lambdaForm(wrapper.message, kms)
          : wrapper.message;
  return {
    error: { ...wrapper, message, members },
    kmsRequestId: form === "java" ? kmsRequestId : undefined,
  };
};

const checkFailure = (service: ServiceId, operation: string, failure: unknown, keyArn: string) => {
  if (failure === null || typeof failure !== "object") {
    throw new TypeError("failure must be { kms, … } or { error, … }.");
  }
  if ("kms" in failure) return kmsWireError(service, operation, failure as ScriptedKmsFailure, keyArn);
  if (!("error" in failure)) throw new TypeError("failure must be { kms, … } or { error, … }.");
  const { error, status, message, queryCode } = failure as ScriptedServiceError;
  checkText("error", error, NAME);
  if (status !== undefined && (!Number.isInteger(status) || status < 400 || status > 599)) {
    throw new TypeError("status must be an HTTP error status (400-599).");
  }
  if (message !== undefined) checkText("message", message);
  if (queryCode !== undefined) checkText("queryCode", queryCode, NAME);
  const wire = nonKmsError(service, error, { status, message, queryCode });
  if (wire === undefined) {
    throw new TypeError(`${service} has no known error ${error}: give its status.`);
  }
  return { error: wire, kmsRequestId: undefined };
};

/** A copy of a scripted failure, so that later changes by the caller do not change the script. */
const copyFailure = (failure: unknown): unknown => {
  if (failure === null || typeof failure !== "object") return failure;
  const copy: Record<string, unknown> = { ...(failure as Record<string, unknown>) };
  if (copy.kms !== null && typeof copy.kms === "object") copy.kms = { ...(copy.kms as object) };
  return copy;
};

const answer = (res: ServerResponse, out: Answer): void =>
  writeResponse(res, out.status, out.headers, out.body);

const unknownOperation = (routed: Routed): WireError => {
  const protocol = SERVICE_WIRES[routed.service].protocol;
  const message = `The services emulator does not answer ${routed.service} ${routed.operation}.`;
  if (protocol === "awsQuery") return { code: "InvalidAction", status: 400, message };
  if (protocol === "restXml") return { code: "NotImplemented", status: 501, message };
  return { code: "UnknownOperationException", status: 400, message };
};

/**
 * Starts the services emulator on 127.0.0.1 (a free port): S3 (restXml), SQS (JSON 1.0,
 * query-compatible), SNS and RDS (awsQuery), Lambda (restJson1), Kinesis, SSM and Secrets Manager
 * (JSON 1.1), Step Functions and DynamoDB (JSON 1.0). Every operation answers success unless a
 * failure is scripted with `failNext`: a KMS failure reported in the service's own words (its real
 * wrapper code, status and message, with or without KMS's message) or one of its own errors.
 * Which services pass KMS's message on, and how, is the model of reference §10 (`SERVICE_MODELS`);
 * what no primary source confirms is marked there.
 *
 * @param options - Region, account id and the KMS key ARN the messages quote.
 * @returns The running emulator; `close()` it when done.
 * @throws TypeError when an option is not valid.
 *
 * @example
 * ```ts
 * import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
 * import { startServicesEmulator } from "kms-keystore-errors/testing";
 *
 * const services = await startServicesEmulator();
 * const s3 = new S3Client({ ...services.clientConfig, forcePathStyle: true, maxAttempts: 1 });
 * services.failNext("S3", "GetObject", { kms: "xks-proxy-timeout" });
 * try {
 *   await s3.send(new GetObjectCommand({ Bucket: "bucket", Key: "object" }));
 * } catch (error) {
 *   console.log((error as Error).name); // "KMS.KMSInvalidStateException"
 * } finally {
 *   s3.destroy();
 *   await services.close();
 * }
 * ```
 * @public
 */
export const startServicesEmulator = async (
  options: ServicesEmulatorOptions = {},
): Promise<ServicesEmulator> => {
  const region = options.region ?? "us-east-1";
  const accountId = options.accountId ?? "111122223333";
  if (!/^[a-z0-9-]{1,32}$/.test(region))
    throw new TypeError(`Expected \`region\` to be a Region name, got ${region}.`);
  if (!/^\d{12}$/.test(accountId))
    throw new TypeError(`Expected \`accountId\` to be 12 digits, got ${accountId}.`);
  const keyArn =
    options.keyArn === undefined
      ? `arn:aws:kms:${region}:${accountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab`
      : checkText("keyArn", options.keyArn, /^arn:[A-Za-z0-9:/_.-]{1,2040}$/);

  const scripts = new Map<string, Scripted[]>();
  const log: ServiceCall[] = [];
  const { sleep, wakeAll } = createSleeper();
  let closed = false;

  const take = (service: ServiceId, operation: string): Scripted | undefined => {
    for (const key of [`${service}:${operation}`, `${service}:*`]) {
      const queue = scripts.get(key);
      const next = queue?.[0];
      if (queue === undefined || next === undefined) continue;
      next.remaining -= 1;
      if (next.remaining <= 0) queue.shift();
      if (queue.length === 0) scripts.delete(key);
      return next;
    }
    return undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, received: RequestBody): Promise<void> => {
    const requestId = randomUUID();
    if (received.tooLarge) {
      writeResponse(
        res,
        413,
        { "content-type": "text/plain" },
        `The request body is larger than ${received.limit} bytes.`,
      );
      return;
    }
    const routed = route(req, received.bytes.toString("utf8"));
    if (routed === undefined) {
      writeResponse(
        res,
        400,
        { "content-type": "text/plain", "x-amzn-requestid": requestId },
        "The services emulator cannot tell which service this request is for.",
      );
      return;
    }
    const wire = SERVICE_WIRES[routed.service];
    const record = (status: number, code?: string, kmsRequestId?: string): void => {
      log.push({
        service: routed.service,
        operation: routed.operation,
        requestId,
        status,
        ...(code === undefined ? {} : { code }),
        ...(kmsRequestId === undefined ? {} : { kmsRequestId }),
      });
    };
    if (!answers(routed.service, routed.operation)) {
      const error = unknownOperation(routed);
      record(error.status, error.code);
      answer(res, errorAnswer(wire, error, requestId));
      return;
    }
    const scripted = take(routed.service, routed.operation);
    if (scripted !== undefined) {
      const { error, kmsRequestId } = scripted.resolve(routed.operation);
      record(error.status, error.code, kmsRequestId);
      if (scripted.delayMs > 0) await sleep(scripted.delayMs);
      if (closed || res.destroyed) return;
      answer(res, errorAnswer(wire, error, requestId));
      return;
    }
    record(200);
    answer(res, okAnswer(routed, { region, accountId, keyArn, requestId, body: received.bytes }));
  };

  const server = await startHttpServer({
    handle,
    h2c: true,
    onError: (_error, req, res) => {
      if (res.headersSent) req.socket.destroy();
      else writeResponse(res, 500, { "content-type": "text/plain" }, "The services emulator failed.");
    },
  });
  const endpoint = `http://127.0.0.1:${server.port}`;

  return {
    endpoint,
    region,
    accountId,
    keyArn,
    clientConfig: {
      endpoint,
      region,
      credentials: { accessKeyId: "AKIDSERVICESEMULATOR", secretAccessKey: "services-emulator-not-a-secret" },
    },
    failNext: (service, operation, failure, failOptions = {}) => {
      if (!(SERVICE_IDS as readonly string[]).includes(service)) {
        throw new TypeError(`service must be one of ${SERVICE_IDS.join(", ")}.`);
      }
      if (operation !== "*" && !answers(service, operation)) {
        throw new TypeError(
          `operation must be one of ${SERVICE_OPERATIONS[service].join(", ")} or "*" for ${service}.`,
        );
      }
      const times = failOptions.times ?? 1;
      if (!Number.isInteger(times) || times < 1 || times > MAX_TIMES) {
        throw new TypeError(`times must be an integer from 1 to ${MAX_TIMES}.`);
      }
      const delayMs = checkDelay("delayMs", failOptions.delayMs ?? 0);
      const copy = copyFailure(failure);
      checkFailure(service, operation, copy, keyArn);
      const key = `${service}:${operation}`;
      const queue = scripts.get(key) ?? [];
      queue.push({
        resolve: (called) => checkFailure(service, called, copy, keyArn),
        remaining: times,
        delayMs,
      });
      scripts.set(key, queue);
    },
    calls: (service) => (service === undefined ? [...log] : log.filter((c) => c.service === service)),
    reset: () => {
      scripts.clear();
      log.length = 0;
    },
    close: () => {
      if (!closed) {
        closed = true;
        scripts.clear();
        wakeAll();
      }
      return server.close();
    },
  };
};
