/**
 * The services emulator's model of how AWS services report a KMS failure they met while calling KMS
 * on the caller's behalf: per service, the wrapper error (wire code, HTTP status, query code) each
 * KMS exception becomes, the service's own words, and how (if at all) KMS's message is passed on.
 * This is data about what AWS sends (reference §10), kept apart from the library's recognition of it.
 * A `confirmed` flag that is false marks behaviour no primary source confirms.
 */
import { BACKING_STORE_FAULTS } from "../proxy-faults.js";

/**
 * The services the emulator answers, spelled as their SDK clients' `serviceId`.
 * @example
 * ```ts
 * import { SERVICE_IDS, startServicesEmulator } from "kms-keystore-errors/testing";
 * const services = await startServicesEmulator();
 * for (const service of SERVICE_IDS) services.failNext(service, "*", { kms: "disabled" });
 * ```
 * @public
 */
export const SERVICE_IDS = [
  "S3",
  "SQS",
  "SNS",
  "Lambda",
  "Kinesis",
  "Secrets Manager",
  "SSM",
  "SFN",
  "DynamoDB",
  "RDS",
] as const;

/**
 * A service the emulator answers, as its SDK client's `serviceId` (e.g. `"Secrets Manager"`).
 * @public
 */
export type ServiceId = (typeof SERVICE_IDS)[number];

/**
 * The operations the emulator answers, per service.
 * @example
 * ```ts
 * import { SERVICE_OPERATIONS } from "kms-keystore-errors/testing";
 * console.log(SERVICE_OPERATIONS.S3); // ["GetObject", "PutObject"]
 * ```
 * @public
 */
export const SERVICE_OPERATIONS = {
  S3: ["GetObject", "PutObject"],
  SQS: ["SendMessage", "ReceiveMessage"],
  SNS: ["Publish"],
  Lambda: ["Invoke"],
  Kinesis: ["PutRecord"],
  "Secrets Manager": ["GetSecretValue", "PutSecretValue"],
  SSM: ["GetParameter"],
  SFN: ["StartExecution", "DescribeStateMachine"],
  DynamoDB: ["GetItem", "PutItem", "CreateTable"],
  RDS: ["CreateDBInstance", "DescribeDBInstances"],
} as const satisfies Readonly<Record<ServiceId, readonly string[]>>;

/**
 * An operation of a service, e.g. `ServiceOperation<"S3">` is `"GetObject" | "PutObject"`.
 * @public
 */
export type ServiceOperation<S extends ServiceId = ServiceId> = (typeof SERVICE_OPERATIONS)[S][number];

/**
 * Every {@link KmsScenario}.
 * @example
 * ```ts
 * import { KMS_SCENARIOS, startServicesEmulator } from "kms-keystore-errors/testing";
 * const services = await startServicesEmulator();
 * for (const kms of KMS_SCENARIOS) services.failNext("SNS", "Publish", { kms });
 * ```
 * @public
 */
export const KMS_SCENARIOS = [
  "disabled",
  "pending-deletion",
  "key-store-disconnected",
  "xks-proxy-timeout",
  "not-found",
  "access-denied",
  "throttled",
] as const;

/**
 * A KMS failure the emulator can script behind a service call:
 * - `"disabled"`: `DisabledException`, `<key-arn> is disabled.`
 * - `"pending-deletion"`: `KMSInvalidStateException`, `<key-arn> is pending deletion.`
 * - `"key-store-disconnected"`: `KMSInvalidStateException`, `<key-arn> is unavailable.` (the key's
 *   custom key store is disconnected; KMS reports such keys `Unavailable`).
 * - `"xks-proxy-timeout"`: `KMSInvalidStateException`, the external key store proxy did not respond
 *   in time (the KMS emulator's own message for that fault).
 * - `"not-found"`: `NotFoundException`, `Key '<key-arn>' does not exist`.
 * - `"access-denied"`: `AccessDeniedException`, the caller may not use the key.
 * - `"throttled"`: `ThrottlingException`, the KMS request rate was exceeded.
 * @public
 */
export type KmsScenario = (typeof KMS_SCENARIOS)[number];

/**
 * The KMS key states Step Functions reports in `kmsKeyState`.
 * @public
 */
export type SfnKmsKeyState = "CREATING" | "DISABLED" | "PENDING_DELETION" | "PENDING_IMPORT" | "UNAVAILABLE";

/**
 * The KMS error behind a service's failure: what KMS answered the service.
 * @public
 */
export interface KmsCall {
  /** KMS's exception name, e.g. `"KMSInvalidStateException"`. */
  readonly exception: string;
  /** KMS's message; it must never contain a secret. */
  readonly message: string;
  /** The key state, for services that report it (Step Functions' `kmsKeyState`). */
  readonly keyState?: SfnKmsKeyState | undefined;
}

/**
 * The KMS side of each {@link KmsScenario} for a key.
 * @param scenario - The scenario.
 * @param keyArn - The KMS key's ARN, as KMS quotes it.
 * @returns KMS's exception, message and key state.
 * @internal
 */
export const kmsCallOf = (scenario: KmsScenario, keyArn: string): KmsCall => {
  switch (scenario) {
    case "disabled":
      return { exception: "DisabledException", message: `${keyArn} is disabled.`, keyState: "DISABLED" };
    case "pending-deletion":
      return {
        exception: "KMSInvalidStateException",
        message: `${keyArn} is pending deletion.`,
        keyState: "PENDING_DELETION",
      };
    case "key-store-disconnected":
      return {
        exception: "KMSInvalidStateException",
        message: `${keyArn} is unavailable.`,
        keyState: "UNAVAILABLE",
      };
    case "xks-proxy-timeout":
      return BACKING_STORE_FAULTS.timeout.crypto;
    case "not-found":
      return { exception: "NotFoundException", message: `Key '${keyArn}' does not exist` };
    case "access-denied":
      return {
        exception: "AccessDeniedException",
        message: `User: arn:aws:sts::111122223333:assumed-role/app/session is not authorized to perform: kms:Decrypt on resource: ${keyArn} because no identity-based policy allows the kms:Decrypt action`,
      };
    case "throttled":
      return {
        exception: "ThrottlingException",
        message: "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.",
      };
  }
};

/**
 * The wire protocol a service speaks.
 * @internal
 */
export type Protocol = "restXml" | "awsQuery" | "awsJson1_0" | "awsJson1_1" | "restJson1";

/**
 * How a service passes KMS's message on:
 * - `"verbatim"`: the wrapper's message is KMS's message;
 * - `"java"`: the Java SDK form, `<KMS message> (Service: AWSKMS; Status Code: N; Error Code: X;
 *   Request ID: R; Proxy: null)`;
 * - `"lambda"`: `<the service's words> KMS Exception: XKMS Message: Y`.
 * @internal
 */
export type PassForm = "verbatim" | "java" | "lambda";

/**
 * One wrapper error: what a service answers for a KMS exception.
 * @internal
 */
export interface Wrapper {
  /** The wire code (`Code`, `__type`, `x-amzn-errortype`). */
  readonly code: string;
  /** The HTTP status. */
  readonly status: number;
  /** The query-compatible code (`x-amzn-query-error`), for JSON services that send one. */
  readonly queryCode?: string;
  /** The service's own words, sent when KMS's message is not passed on. */
  readonly message: string;
}

/**
 * One service's model.
 * @internal
 */
export interface ServiceModel {
  /** The wire protocol. */
  readonly protocol: Protocol;
  /** The wrapper of a KMS exception. */
  readonly wrap: (kms: KmsCall) => Wrapper;
  /** How KMS's message is passed on; undefined when the service never passes it on. */
  readonly passes: PassForm | undefined;
  /** Whether the service also answers without KMS's message. */
  readonly answersWithout: boolean;
  /** Whether the default (when a script does not say) passes KMS's message on. */
  readonly passesByDefault: boolean;
  /**
   * Whether a primary source confirms the service's answers with KMS's message passed on, and
   * without it (reference §10).
   */
  readonly confirmed: { readonly passed: boolean; readonly withheld: boolean };
  /** What the model rests on (reference §10). */
  readonly note: string;
}

type WrapperRow = readonly [code: string, status: number, message: string, queryCode?: string];

/** Picks the wrapper of a KMS exception from a table, or the table's fallback row. */
const fromTable =
  (table: Readonly<Record<string, WrapperRow>>, fallback: WrapperRow) =>
  (kms: KmsCall): Wrapper => {
    const [code, status, message, queryCode] = Object.hasOwn(table, kms.exception)
      ? (table[kms.exception] as WrapperRow)
      : fallback;
    return queryCode === undefined ? { code, status, message } : { code, status, message, queryCode };
  };

const SQS_INVALID_STATE: WrapperRow = [
  "KmsInvalidState",
  400,
  "The request was rejected because the state of the specified resource is not valid for this request.",
  "KMS.InvalidStateException",
];
const SNS_INVALID_STATE: WrapperRow = [
  "KMSInvalidState",
  400,
  "The request was rejected because the state of the specified resource isn't valid for this request.",
];
const KINESIS_INVALID_STATE: WrapperRow = [
  "KMSInvalidStateException",
  400,
  "The request was rejected because the state of the specified resource isn't valid for this request.",
];
const LAMBDA_INVALID_STATE: WrapperRow = [
  "KMSInvalidStateException",
  502,
  "Lambda was unable to decrypt the environment variables because the KMS key used is in an invalid state for Decrypt. Please check the function's KMS key settings.",
];
const SFN_INVALID_STATE: WrapperRow = [
  "KmsInvalidStateException",
  400,
  "The KMS key is not in valid state, for example: Disabled or Deleted.",
];
const SSM_INVALID_KEY_ID: WrapperRow = ["InvalidKeyId", 400, "The query key ID isn't valid."];
const DYNAMODB_ACCESS_DENIED: WrapperRow = [
  "AccessDeniedException",
  400,
  "The KMS key used by this table is not accessible.",
];

/**
 * Every service's model (reference §10).
 * @internal
 */
export const SERVICE_MODELS: Readonly<Record<ServiceId, ServiceModel>> = {
  S3: {
    protocol: "restXml",
    wrap: (kms) => ({
      code: `KMS.${kms.exception}`,
      status: 400,
      message: "The KMS key that protects this object cannot be used.",
    }),
    passes: "verbatim",
    answersWithout: true,
    passesByDefault: true,
    confirmed: { passed: true, withheld: false },
    note: "Codes KMS.<Exception>, HTTP 400, KMS's message verbatim: recorded for key states; XKS messages and a form without KMS's message are unconfirmed.",
  },
  SQS: {
    protocol: "awsJson1_0",
    wrap: fromTable(
      {
        AccessDeniedException: [
          "KmsAccessDenied",
          400,
          "The caller doesn't have the required KMS access.",
          "KMS.AccessDeniedException",
        ],
        DisabledException: [
          "KmsDisabled",
          400,
          "The request was rejected because the specified KMS key isn't enabled.",
          "KMS.DisabledException",
        ],
        InvalidKeyUsageException: [
          "KmsInvalidKeyUsage",
          400,
          "The KeyUsage value of the KMS key is incompatible with the API operation.",
          "KMS.InvalidKeyUsageException",
        ],
        KMSInvalidStateException: SQS_INVALID_STATE,
        NotFoundException: [
          "KmsNotFound",
          400,
          "The request was rejected because the specified entity or resource could not be found.",
          "KMS.NotFoundException",
        ],
        OptInRequired: [
          "KmsOptInRequired",
          403,
          "The request was rejected because the specified key policy isn't syntactically or semantically correct.",
          "KMS.OptInRequired",
        ],
        ThrottlingException: [
          "KmsThrottled",
          400,
          "Amazon Web Services KMS throttles requests for the following conditions.",
          "KMS.ThrottlingException",
        ],
      },
      SQS_INVALID_STATE,
    ),
    passes: "java",
    answersWithout: true,
    passesByDefault: true,
    confirmed: { passed: true, withheld: false },
    note: "JSON 1.0, query-compatible (x-amzn-query-error KMS.<Exception>;Sender); KMS's error embedded in the Java SDK form. The words without it are the model's documentation.",
  },
  SNS: {
    protocol: "awsQuery",
    wrap: fromTable(
      {
        AccessDeniedException: [
          "KMSAccessDenied",
          400,
          "The ciphertext references a key that doesn't exist or that you don't have access to.",
        ],
        DisabledException: [
          "KMSDisabled",
          400,
          "The request was rejected because the specified Amazon Web Services KMS key isn't enabled.",
        ],
        KMSInvalidStateException: SNS_INVALID_STATE,
        NotFoundException: [
          "KMSNotFound",
          400,
          "The request was rejected because the specified entity or resource can't be found.",
        ],
        OptInRequired: [
          "KMSOptInRequired",
          403,
          "The Amazon Web Services access key ID needs a subscription for the service.",
        ],
        ThrottlingException: ["KMSThrottling", 400, "The request was denied due to request throttling."],
      },
      SNS_INVALID_STATE,
    ),
    passes: "java",
    answersWithout: true,
    passesByDefault: true,
    confirmed: { passed: true, withheld: false },
    note: "awsQuery codes KMS<Short>; KMS's error embedded in the Java SDK form.",
  },
  Lambda: {
    protocol: "restJson1",
    wrap: fromTable(
      {
        AccessDeniedException: [
          "KMSAccessDeniedException",
          502,
          "Lambda was unable to decrypt the environment variables because KMS access was denied. Please check the function's KMS key settings.",
        ],
        DisabledException: [
          "KMSDisabledException",
          502,
          "Lambda was unable to decrypt the environment variables because the KMS key used is disabled. Please check the function's KMS key settings.",
        ],
        KMSInvalidStateException: LAMBDA_INVALID_STATE,
        NotFoundException: [
          "KMSNotFoundException",
          502,
          "Lambda was unable to decrypt the environment variables because the KMS key was not found. Please check the function's KMS key settings.",
        ],
      },
      LAMBDA_INVALID_STATE,
    ),
    passes: "lambda",
    answersWithout: true,
    passesByDefault: true,
    confirmed: { passed: true, withheld: false },
    note: "Invoke (environment variable decryption): KMS<Short>Exception, HTTP 502 (server fault, the SDK retries it), `KMS Exception: XKMS Message: Y` appended.",
  },
  Kinesis: {
    protocol: "awsJson1_1",
    wrap: fromTable(
      {
        AccessDeniedException: [
          "KMSAccessDeniedException",
          400,
          "The ciphertext references a key that doesn't exist or that you don't have access to.",
        ],
        DisabledException: [
          "KMSDisabledException",
          400,
          "The request was rejected because the specified customer master key (CMK) isn't enabled.",
        ],
        KMSInvalidStateException: KINESIS_INVALID_STATE,
        NotFoundException: [
          "KMSNotFoundException",
          400,
          "The request was rejected because the specified entity or resource can't be found.",
        ],
        OptInRequired: [
          "KMSOptInRequired",
          400,
          "The Amazon Web Services access key ID needs a subscription for the service.",
        ],
        ThrottlingException: [
          "KMSThrottlingException",
          400,
          "The request was denied due to request throttling.",
        ],
      },
      KINESIS_INVALID_STATE,
    ),
    passes: "java",
    answersWithout: true,
    passesByDefault: true,
    confirmed: { passed: false, withheld: false },
    note: "JSON 1.1 KMS<Short>Exception, HTTP 400; whether KMS's message is passed on is unconfirmed (modelled as the Java SDK form).",
  },
  "Secrets Manager": {
    protocol: "awsJson1_1",
    wrap: () => ({ code: "DecryptionFailure", status: 400, message: "Access to KMS is not allowed" }),
    passes: "java",
    answersWithout: true,
    passesByDefault: false,
    confirmed: { passed: false, withheld: true },
    note: "DecryptionFailure on reads, EncryptionFailure on writes; the message is often generic (`Access to KMS is not allowed`); KMS's error embedded in the Java SDK form is unconfirmed.",
  },
  SSM: {
    protocol: "awsJson1_1",
    wrap: fromTable(
      {
        AccessDeniedException: [
          "AccessDeniedException",
          400,
          "The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.",
        ],
      },
      SSM_INVALID_KEY_ID,
    ),
    passes: "java",
    answersWithout: true,
    passesByDefault: true,
    confirmed: { passed: true, withheld: false },
    note: "InvalidKeyId (AccessDeniedException for KMS's AccessDeniedException) with KMS's error embedded in the Java SDK form.",
  },
  SFN: {
    protocol: "awsJson1_0",
    wrap: fromTable(
      {
        AccessDeniedException: [
          "KmsAccessDeniedException",
          400,
          "Either your KMS key policy or API caller does not have the required permissions.",
        ],
        ThrottlingException: [
          "KmsThrottlingException",
          400,
          "Received when KMS returns ThrottlingException for a KMS call that Step Functions makes on behalf of the caller.",
        ],
      },
      SFN_INVALID_STATE,
    ),
    passes: "java",
    answersWithout: true,
    passesByDefault: false,
    confirmed: { passed: false, withheld: true },
    note: "Kms<Short>Exception, HTTP 400; KmsInvalidStateException carries kmsKeyState (UNAVAILABLE: the key's custom key store is disconnected). KMS's message passed on is unconfirmed (modelled as the Java SDK form).",
  },
  DynamoDB: {
    protocol: "awsJson1_0",
    wrap: fromTable({}, DYNAMODB_ACCESS_DENIED),
    passes: "java",
    answersWithout: false,
    passesByDefault: true,
    confirmed: { passed: true, withheld: false },
    note: "No KMS exceptions: AccessDeniedException with KMS's error embedded in the Java SDK form (documented for CreateTable; GetItem and PutItem modelled alike).",
  },
  RDS: {
    protocol: "awsQuery",
    wrap: () => ({
      code: "KMSKeyNotAccessibleFault",
      status: 400,
      message: "An error occurred accessing an AWS KMS key.",
    }),
    passes: undefined,
    answersWithout: true,
    passesByDefault: false,
    confirmed: { passed: false, withheld: true },
    note: "KMSKeyNotAccessibleFault, HTTP 400, never KMS's message.",
  },
};

/**
 * The wrapper of Secrets Manager's writes: `EncryptionFailure` instead of `DecryptionFailure`.
 * @internal
 */
export const SECRETS_MANAGER_WRITE: Wrapper = {
  code: "EncryptionFailure",
  status: 400,
  message: "Access to KMS is not allowed",
};

/**
 * The Java SDK's rendering of a KMS error inside another service's message.
 * @param kms - KMS's exception and message.
 * @param status - KMS's HTTP status.
 * @param kmsRequestId - KMS's request id.
 * @returns `<message> (Service: AWSKMS; Status Code: N; Error Code: X; Request ID: R; Proxy: null)`.
 * @internal
 */
export const javaForm = (kms: KmsCall, status: number, kmsRequestId: string): string =>
  `${kms.message} (Service: AWSKMS; Status Code: ${status}; Error Code: ${kms.exception}; Request ID: ${kmsRequestId}; Proxy: null)`;

/**
 * Lambda's rendering of a KMS error after its own words.
 * @param own - Lambda's own words.
 * @param kms - KMS's exception and message.
 * @returns `<own> KMS Exception: XKMS Message: Y`.
 * @internal
 */
export const lambdaForm = (own: string, kms: KmsCall): string =>
  `${own} KMS Exception: ${kms.exception}KMS Message: ${kms.message}`;

/**
 * Each service's own errors that have nothing to do with KMS, for tests that show such errors pass
 * untouched: wire code → HTTP status, message, and (SQS) query code.
 * @internal
 */
export const NON_KMS_ERRORS: Readonly<Record<ServiceId, Readonly<Record<string, WrapperRow>>>> = {
  S3: {
    NoSuchKey: ["NoSuchKey", 404, "The specified key does not exist."],
    NoSuchBucket: ["NoSuchBucket", 404, "The specified bucket does not exist"],
    AccessDenied: ["AccessDenied", 403, "Access Denied"],
  },
  SQS: {
    QueueDoesNotExist: [
      "QueueDoesNotExist",
      400,
      "The specified queue does not exist.",
      "AWS.SimpleQueueService.NonExistentQueue",
    ],
  },
  SNS: {
    NotFound: ["NotFound", 404, "Topic does not exist"],
    AuthorizationError: ["AuthorizationError", 403, "User is not authorized to perform: SNS:Publish"],
  },
  Lambda: {
    ResourceNotFoundException: ["ResourceNotFoundException", 404, "Function not found"],
  },
  Kinesis: {
    ResourceNotFoundException: ["ResourceNotFoundException", 400, "Stream not found."],
  },
  "Secrets Manager": {
    ResourceNotFoundException: [
      "ResourceNotFoundException",
      400,
      "Secrets Manager can't find the specified secret.",
    ],
  },
  SSM: {
    ParameterNotFound: ["ParameterNotFound", 400, "Parameter not found."],
  },
  SFN: {
    StateMachineDoesNotExist: ["StateMachineDoesNotExist", 400, "State Machine Does Not Exist"],
  },
  DynamoDB: {
    ResourceNotFoundException: ["ResourceNotFoundException", 400, "Requested resource not found"],
    AccessDeniedException: [
      "AccessDeniedException",
      400,
      "User: arn:aws:sts::111122223333:assumed-role/app/session is not authorized to perform: dynamodb:GetItem",
    ],
  },
  RDS: {
    DBInstanceNotFound: ["DBInstanceNotFound", 404, "DBInstance not found."],
  },
};

/**
 * A non-KMS error of a service from {@link NON_KMS_ERRORS}, with overrides.
 * @param service - The service.
 * @param code - The wire code.
 * @param overrides - Status, message or query code to use instead of the table's.
 * @returns The error, or undefined when the table has no such code and no status is given.
 * @internal
 */
export const nonKmsError = (
  service: ServiceId,
  code: string,
  overrides: { status?: number | undefined; message?: string | undefined; queryCode?: string | undefined },
): Wrapper | undefined => {
  const row = Object.hasOwn(NON_KMS_ERRORS[service], code) ? NON_KMS_ERRORS[service][code] : undefined;
  const status = overrides.status ?? row?.[1];
  if (status === undefined) return undefined;
  const message = overrides.message ?? row?.[2] ?? `${code} (scripted by the services emulator).`;
  const queryCode = overrides.queryCode ?? row?.[3];
  return queryCode === undefined ? { code, status, message } : { code, status, message, queryCode };
};
