/**
 * KMS failures reported by other AWS services, as one table: for each service, operation and
 * scripted KMS failure, what the service's real SDK client raises (name, fault, status, message,
 * query code), whether KMS's message came through, and what the library should make of it
 * (DESIGN.md, "Through other services"): `kind` = the KMS exception the wrapper stands for (or the
 * one embedded), `cause` from the message rules when KMS's message came through, else the kind's
 * fallback; `KmsAccessFailed`/`KMS_KEY_INACCESSIBLE` when the wrapper names no KMS exception and none
 * is embedded; `via` = where it came from. `expected: undefined` means the error is not KMS-caused and
 * must pass untouched. The wire tests and the plugin tests both read this table.
 */
import {
  CreateTableCommand,
  DynamoDBClient,
  DynamoDBServiceException,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
  KinesisClient,
  KMSAccessDeniedException as KinesisKmsAccessDenied,
  KMSDisabledException as KinesisKmsDisabled,
  KMSInvalidStateException as KinesisKmsInvalidState,
  KMSNotFoundException as KinesisKmsNotFound,
  KMSThrottlingException as KinesisKmsThrottling,
  ResourceNotFoundException as KinesisResourceNotFound,
  KinesisServiceException,
  PutRecordCommand,
} from "@aws-sdk/client-kinesis";
import {
  InvokeCommand,
  LambdaClient,
  KMSAccessDeniedException as LambdaKmsAccessDenied,
  KMSDisabledException as LambdaKmsDisabled,
  KMSInvalidStateException as LambdaKmsInvalidState,
  KMSNotFoundException as LambdaKmsNotFound,
  ResourceNotFoundException as LambdaResourceNotFound,
  LambdaServiceException,
} from "@aws-sdk/client-lambda";
import {
  CreateDBInstanceCommand,
  DBInstanceNotFoundFault,
  DescribeDBInstancesCommand,
  KMSKeyNotAccessibleFault,
  RDSClient,
  RDSServiceException,
} from "@aws-sdk/client-rds";
import {
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import {
  DecryptionFailure,
  EncryptionFailure,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
  ResourceNotFoundException as SecretsResourceNotFound,
} from "@aws-sdk/client-secrets-manager";
import {
  DescribeStateMachineCommand,
  SFNClient,
  SFNServiceException,
  KmsAccessDeniedException as SfnKmsAccessDenied,
  KmsInvalidStateException as SfnKmsInvalidState,
  KmsThrottlingException as SfnKmsThrottling,
  StartExecutionCommand,
  StateMachineDoesNotExist,
} from "@aws-sdk/client-sfn";
import {
  PublishCommand,
  SNSClient,
  SNSServiceException,
  KMSAccessDeniedException as SnsKmsAccessDenied,
  KMSDisabledException as SnsKmsDisabled,
  KMSInvalidStateException as SnsKmsInvalidState,
  KMSNotFoundException as SnsKmsNotFound,
  KMSThrottlingException as SnsKmsThrottling,
  NotFoundException as SnsNotFound,
} from "@aws-sdk/client-sns";
import {
  KmsAccessDenied,
  KmsDisabled,
  KmsInvalidState,
  KmsNotFound,
  KmsThrottled,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  SQSServiceException,
} from "@aws-sdk/client-sqs";
import {
  GetParameterCommand,
  InvalidKeyId,
  ParameterNotFound,
  SSMClient,
  SSMServiceException,
  AccessDeniedException as SsmAccessDenied,
} from "@aws-sdk/client-ssm";
import type { KmsScenario, ServiceFailure, ServiceId, ServicesEmulator } from "kms-keystore-errors/testing";

/** The KMS key every scripted failure names (the emulator's default in us-east-1). */
export const KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
/** KMS's request id in every scripted Java SDK form. */
export const KMS_REQUEST_ID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

/** What KMS answered the service, per scenario: KMS's exception and message (reference §9, §4). */
const KMS_SIDE = {
  disabled: { exception: "DisabledException", message: `${KEY_ARN} is disabled.` },
  "pending-deletion": { exception: "KMSInvalidStateException", message: `${KEY_ARN} is pending deletion.` },
  "key-store-disconnected": { exception: "KMSInvalidStateException", message: `${KEY_ARN} is unavailable.` },
  "xks-proxy-timeout": {
    exception: "KMSInvalidStateException",
    message:
      "The external key store proxy did not respond in time. Retry the request. If you see this error repeatedly, report it to your external key store proxy administrator.",
  },
} as const;

/** What KMS answered for the other scenarios: exception, message and the kind's fallback cause. */
const KMS_OTHER = {
  "not-found": {
    exception: "NotFoundException",
    message: `Key '${KEY_ARN}' does not exist`,
    cause: "NOT_FOUND",
  },
  "access-denied": {
    exception: "AccessDeniedException",
    message: `User: arn:aws:sts::111122223333:assumed-role/app/session is not authorized to perform: kms:Decrypt on resource: ${KEY_ARN} because no identity-based policy allows the kms:Decrypt action`,
    cause: "ACCESS_DENIED",
  },
  throttled: {
    exception: "ThrottlingException",
    message: "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.",
    cause: "THROTTLED",
  },
} as const;
type OtherScenario = keyof typeof KMS_OTHER;

/** The four KMS failures every service is tested with. */
export const CORE_SCENARIOS = [
  "disabled",
  "pending-deletion",
  "key-store-disconnected",
  "xks-proxy-timeout",
] as const satisfies readonly KmsScenario[];
type CoreScenario = (typeof CORE_SCENARIOS)[number];

/** The cause the message rules give KMS's message, per scenario. */
const CAUSE_FROM_MESSAGE: Readonly<Record<CoreScenario, string>> = {
  disabled: "KEY_DISABLED",
  "pending-deletion": "KEY_PENDING_DELETION",
  "key-store-disconnected": "KEY_UNAVAILABLE",
  "xks-proxy-timeout": "XKS_PROXY_TIMED_OUT",
};

/** The fallback cause of each kind (the catalog entry whose code is the kind). */
const FALLBACK: Readonly<Record<string, string>> = {
  DisabledException: "KEY_DISABLED",
  KMSInvalidStateException: "KMS_INVALID_STATE",
  KmsAccessFailed: "KMS_KEY_INACCESSIBLE",
};

/**
 * `via.queryCode`: the code a query-protocol service sends (`error.Code`): SQS's query-compatible
 * code (`x-amzn-query-error`), and the awsQuery `Code` of SNS and RDS. S3's restXml `Code` is its
 * wire code, the same as `error.name`, and is not a query code.
 */
const viaQueryCode = (service: ServiceId, code: string | undefined): { queryCode?: string } =>
  code !== undefined && (service === "SQS" || service === "SNS" || service === "RDS")
    ? { queryCode: code }
    : {};

/** The Java SDK form of KMS's error, as services embed it. */
const java = (scenario: CoreScenario): string =>
  `${KMS_SIDE[scenario].message} (Service: AWSKMS; Status Code: 400; Error Code: ${KMS_SIDE[scenario].exception}; Request ID: ${KMS_REQUEST_ID}; Proxy: null)`;

/** A class the client exports, for `instanceof`. */
// biome-ignore lint/suspicious/noExplicitAny: exception classes take different constructor options
type ExceptionClass = abstract new (...args: any[]) => Error;

/** What the library should produce for a KMS-caused failure. */
export interface ExpectedFailure {
  readonly kind: string;
  readonly cause: string;
  readonly via: {
    readonly service: ServiceId;
    readonly operation: string;
    readonly code: string;
    readonly queryCode?: string;
    readonly kmsRequestId?: string;
  };
}

/** One row of the table. */
export interface ServiceCase {
  /** A readable title. */
  readonly title: string;
  readonly service: ServiceId;
  readonly operation: string;
  /** The KMS failure scripted, or `"non-kms"` for one of the service's own errors. */
  readonly scenario: KmsScenario | "non-kms";
  /** What the test scripts with `failNext`. */
  readonly failure: ServiceFailure;
  /** What the real client raises. */
  readonly sdk: {
    /** The client's exported class the error is an instance of (its own class, else the base). */
    readonly exceptionClass: ExceptionClass;
    readonly name: string;
    readonly fault: "client" | "server";
    readonly status: number;
    readonly message: string;
    /**
     * `error.Code` as the SDK exposes it: SQS's query-compatible code (`x-amzn-query-error`), the wire
     * code for S3 (restXml) and the awsQuery services (SNS, RDS); absent for the others.
     */
    readonly code?: string;
    /** Step Functions: the `kmsKeyState` member. */
    readonly kmsKeyState?: string;
  };
  /** KMS's own message behind a KMS failure (whether or not the service passed it on). */
  readonly kmsMessage?: string;
  /** Whether KMS's own message came through. */
  readonly kmsMessagePassed: boolean;
  /** Whether AWS is known to answer this way (false: modelled, reference §10 marks it unconfirmed). */
  readonly confirmed: boolean;
  /** What the library should make of it; undefined: not KMS-caused, passes untouched. */
  readonly expected: ExpectedFailure | undefined;
}

/** How one service wraps one KMS exception: the SDK's name, class, status and own words. */
interface WrapperExpectation {
  readonly name: string;
  readonly exceptionClass: ExceptionClass;
  readonly status: number;
  readonly fault: "client" | "server";
  readonly words: string;
  /** `error.Code` (see {@link ServiceCase}). */
  readonly code?: string;
  /** The KMS exception the wrapper stands for; `KmsAccessFailed` when it names none. */
  readonly standsFor: string;
}

interface ServiceRow {
  readonly service: ServiceId;
  readonly operation: string;
  /** How KMS's message comes through: KMS's words alone, the Java SDK form, Lambda's form; or never. */
  readonly passes: "verbatim" | "java" | "lambda" | undefined;
  /** Whether the service also answers without KMS's message. */
  readonly without: boolean;
  /** Whether AWS is known to answer so: with KMS's message passed on, and without it. */
  readonly confirmed: { readonly passed: boolean; readonly withheld: boolean };
  readonly wrappers: { readonly disabled: WrapperExpectation; readonly invalidState: WrapperExpectation };
  /** Step Functions reports the key state. */
  readonly keyState?: boolean;
}

const LAMBDA_WORDS = {
  disabled:
    "Lambda was unable to decrypt the environment variables because the KMS key used is disabled. Please check the function's KMS key settings.",
  invalidState:
    "Lambda was unable to decrypt the environment variables because the KMS key used is in an invalid state for Decrypt. Please check the function's KMS key settings.",
};
const INVALID_STATE_WORDS =
  "The request was rejected because the state of the specified resource isn't valid for this request.";

const SERVICE_ROWS: readonly ServiceRow[] = [
  {
    service: "S3",
    operation: "GetObject",
    passes: "verbatim",
    without: true,
    confirmed: { passed: true, withheld: false },
    wrappers: {
      disabled: {
        name: "KMS.DisabledException",
        code: "KMS.DisabledException",
        exceptionClass: S3ServiceException,
        status: 400,
        fault: "client",
        words: "The KMS key that protects this object cannot be used.",
        standsFor: "DisabledException",
      },
      invalidState: {
        name: "KMS.KMSInvalidStateException",
        code: "KMS.KMSInvalidStateException",
        exceptionClass: S3ServiceException,
        status: 400,
        fault: "client",
        words: "The KMS key that protects this object cannot be used.",
        standsFor: "KMSInvalidStateException",
      },
    },
  },
  {
    service: "SQS",
    operation: "SendMessage",
    passes: "java",
    without: true,
    confirmed: { passed: true, withheld: false },
    wrappers: {
      disabled: {
        name: "KmsDisabled",
        exceptionClass: KmsDisabled,
        status: 400,
        fault: "client",
        words: "The request was rejected because the specified KMS key isn't enabled.",
        code: "KMS.DisabledException",
        standsFor: "DisabledException",
      },
      invalidState: {
        name: "KmsInvalidState",
        exceptionClass: KmsInvalidState,
        status: 400,
        fault: "client",
        words:
          "The request was rejected because the state of the specified resource is not valid for this request.",
        code: "KMS.InvalidStateException",
        standsFor: "KMSInvalidStateException",
      },
    },
  },
  {
    service: "SNS",
    operation: "Publish",
    passes: "java",
    without: true,
    confirmed: { passed: true, withheld: false },
    wrappers: {
      disabled: {
        name: "KMSDisabledException",
        exceptionClass: SnsKmsDisabled,
        code: "KMSDisabled",
        status: 400,
        fault: "client",
        words: "The request was rejected because the specified Amazon Web Services KMS key isn't enabled.",
        standsFor: "DisabledException",
      },
      invalidState: {
        name: "KMSInvalidStateException",
        exceptionClass: SnsKmsInvalidState,
        code: "KMSInvalidState",
        status: 400,
        fault: "client",
        words: INVALID_STATE_WORDS,
        standsFor: "KMSInvalidStateException",
      },
    },
  },
  {
    service: "Lambda",
    operation: "Invoke",
    passes: "lambda",
    without: true,
    confirmed: { passed: true, withheld: false },
    wrappers: {
      disabled: {
        name: "KMSDisabledException",
        exceptionClass: LambdaKmsDisabled,
        status: 502,
        fault: "server",
        words: LAMBDA_WORDS.disabled,
        standsFor: "DisabledException",
      },
      invalidState: {
        name: "KMSInvalidStateException",
        exceptionClass: LambdaKmsInvalidState,
        status: 502,
        fault: "server",
        words: LAMBDA_WORDS.invalidState,
        standsFor: "KMSInvalidStateException",
      },
    },
  },
  {
    service: "Kinesis",
    operation: "PutRecord",
    passes: "java",
    without: true,
    confirmed: { passed: false, withheld: false },
    wrappers: {
      disabled: {
        name: "KMSDisabledException",
        exceptionClass: KinesisKmsDisabled,
        status: 400,
        fault: "client",
        words: "The request was rejected because the specified customer master key (CMK) isn't enabled.",
        standsFor: "DisabledException",
      },
      invalidState: {
        name: "KMSInvalidStateException",
        exceptionClass: KinesisKmsInvalidState,
        status: 400,
        fault: "client",
        words: INVALID_STATE_WORDS,
        standsFor: "KMSInvalidStateException",
      },
    },
  },
  {
    service: "Secrets Manager",
    operation: "GetSecretValue",
    passes: "java",
    without: true,
    confirmed: { passed: false, withheld: true },
    wrappers: {
      disabled: {
        name: "DecryptionFailure",
        exceptionClass: DecryptionFailure,
        status: 400,
        fault: "client",
        words: "Access to KMS is not allowed",
        standsFor: "KmsAccessFailed",
      },
      invalidState: {
        name: "DecryptionFailure",
        exceptionClass: DecryptionFailure,
        status: 400,
        fault: "client",
        words: "Access to KMS is not allowed",
        standsFor: "KmsAccessFailed",
      },
    },
  },
  {
    service: "SSM",
    operation: "GetParameter",
    passes: "java",
    without: true,
    confirmed: { passed: true, withheld: false },
    wrappers: {
      disabled: {
        name: "InvalidKeyId",
        exceptionClass: InvalidKeyId,
        status: 400,
        fault: "client",
        words: "The query key ID isn't valid.",
        standsFor: "KmsAccessFailed",
      },
      invalidState: {
        name: "InvalidKeyId",
        exceptionClass: InvalidKeyId,
        status: 400,
        fault: "client",
        words: "The query key ID isn't valid.",
        standsFor: "KmsAccessFailed",
      },
    },
  },
  {
    service: "SFN",
    operation: "StartExecution",
    passes: "java",
    without: true,
    confirmed: { passed: false, withheld: true },
    keyState: true,
    wrappers: {
      disabled: {
        name: "KmsInvalidStateException",
        exceptionClass: SfnKmsInvalidState,
        status: 400,
        fault: "client",
        words: "The KMS key is not in valid state, for example: Disabled or Deleted.",
        standsFor: "KMSInvalidStateException",
      },
      invalidState: {
        name: "KmsInvalidStateException",
        exceptionClass: SfnKmsInvalidState,
        status: 400,
        fault: "client",
        words: "The KMS key is not in valid state, for example: Disabled or Deleted.",
        standsFor: "KMSInvalidStateException",
      },
    },
  },
  {
    service: "DynamoDB",
    // The documented operation; GetItem and PutItem below are modelled alike (unconfirmed).
    operation: "CreateTable",
    passes: "java",
    without: false,
    confirmed: { passed: true, withheld: false },
    wrappers: {
      disabled: {
        name: "AccessDeniedException",
        exceptionClass: DynamoDBServiceException,
        status: 400,
        fault: "client",
        words: "The KMS key used by this table is not accessible.",
        standsFor: "KmsAccessFailed",
      },
      invalidState: {
        name: "AccessDeniedException",
        exceptionClass: DynamoDBServiceException,
        status: 400,
        fault: "client",
        words: "The KMS key used by this table is not accessible.",
        standsFor: "KmsAccessFailed",
      },
    },
  },
  {
    service: "RDS",
    operation: "CreateDBInstance",
    passes: undefined,
    without: true,
    confirmed: { passed: false, withheld: true },
    wrappers: {
      disabled: {
        name: "KMSKeyNotAccessibleFault",
        exceptionClass: KMSKeyNotAccessibleFault,
        code: "KMSKeyNotAccessibleFault",
        status: 400,
        fault: "client",
        words: "An error occurred accessing an AWS KMS key.",
        standsFor: "KmsAccessFailed",
      },
      invalidState: {
        name: "KMSKeyNotAccessibleFault",
        exceptionClass: KMSKeyNotAccessibleFault,
        code: "KMSKeyNotAccessibleFault",
        status: 400,
        fault: "client",
        words: "An error occurred accessing an AWS KMS key.",
        standsFor: "KmsAccessFailed",
      },
    },
  },
];

/** Step Functions' `kmsKeyState` per scenario (none for an XKS proxy timeout: the key is enabled). */
const SFN_KEY_STATE: Readonly<Record<CoreScenario, string | undefined>> = {
  disabled: "DISABLED",
  "pending-deletion": "PENDING_DELETION",
  "key-store-disconnected": "UNAVAILABLE",
  "xks-proxy-timeout": undefined,
};
/** The cause `kmsKeyState` names, when KMS's message did not come through. */
const CAUSE_FROM_KEY_STATE: Readonly<Record<string, string>> = {
  DISABLED: "KEY_DISABLED",
  PENDING_DELETION: "KEY_PENDING_DELETION",
  UNAVAILABLE: "KEY_UNAVAILABLE",
};

const kmsCase = (row: ServiceRow, scenario: CoreScenario, passed: boolean): ServiceCase => {
  const wrapper = scenario === "disabled" ? row.wrappers.disabled : row.wrappers.invalidState;
  const kms = KMS_SIDE[scenario];
  const message = !passed
    ? wrapper.words
    : row.passes === "verbatim"
      ? kms.message
      : row.passes === "lambda"
        ? `${wrapper.words} KMS Exception: ${kms.exception}KMS Message: ${kms.message}`
        : java(scenario);
  const keyState = row.keyState === true ? SFN_KEY_STATE[scenario] : undefined;
  const kind = passed ? kms.exception : wrapper.standsFor;
  const cause = passed
    ? CAUSE_FROM_MESSAGE[scenario]
    : ((keyState === undefined ? undefined : CAUSE_FROM_KEY_STATE[keyState]) ?? (FALLBACK[kind] as string));
  const embedsRequestId = passed && row.passes === "java";
  return {
    title: `${row.service} ${row.operation}: ${scenario}, KMS's message ${passed ? "passed on" : "withheld"}`,
    service: row.service,
    operation: row.operation,
    scenario,
    failure: { kms: scenario, passKmsMessage: passed, kmsRequestId: KMS_REQUEST_ID },
    sdk: {
      exceptionClass: wrapper.exceptionClass,
      name: wrapper.name,
      fault: wrapper.fault,
      status: wrapper.status,
      message,
      ...(wrapper.code === undefined ? {} : { code: wrapper.code }),
      ...(keyState === undefined ? {} : { kmsKeyState: keyState }),
    },
    kmsMessage: kms.message,
    kmsMessagePassed: passed && row.passes !== undefined,
    // Reference §10: S3's passing on is recorded for key states, not for XKS messages; Step Functions'
    // key state says nothing about an XKS proxy timeout.
    confirmed:
      (passed ? row.confirmed.passed : row.confirmed.withheld) &&
      !(scenario === "xks-proxy-timeout" && (row.service === "S3" || row.service === "SFN")),
    expected: {
      kind,
      cause,
      via: {
        service: row.service,
        operation: row.operation,
        code: wrapper.name,
        ...viaQueryCode(row.service, wrapper.code),
        ...(embedsRequestId ? { kmsRequestId: KMS_REQUEST_ID } : {}),
      },
    },
  };
};

/** The four KMS failures × (passed on, withheld) for every service, as far as each service answers. */
const MATRIX: readonly ServiceCase[] = SERVICE_ROWS.flatMap((row) =>
  CORE_SCENARIOS.flatMap((scenario) => [
    ...(row.passes === undefined ? [] : [kmsCase(row, scenario, true)]),
    ...(row.without ? [kmsCase(row, scenario, false)] : []),
  ]),
);

/**
 * A KMS exception other than the four, with KMS's message passed on: the wrapper the service has for
 * it (reference §10), and the KMS kind with its fallback cause (no message rule applies to these).
 */
const otherCase = (
  service: ServiceId,
  operation: string,
  scenario: OtherScenario,
  passes: "verbatim" | "java" | "lambda",
  sdk: Omit<ServiceCase["sdk"], "message" | "fault" | "status"> & {
    readonly status?: number;
    readonly words?: string;
  },
): ServiceCase => {
  const kms = KMS_OTHER[scenario];
  const javaText = `${kms.message} (Service: AWSKMS; Status Code: 400; Error Code: ${kms.exception}; Request ID: ${KMS_REQUEST_ID}; Proxy: null)`;
  const message =
    passes === "verbatim"
      ? kms.message
      : passes === "lambda"
        ? `${sdk.words ?? ""} KMS Exception: ${kms.exception}KMS Message: ${kms.message}`
        : javaText;
  const status = sdk.status ?? 400;
  return {
    title: `${service} ${operation}: ${scenario}, KMS's message passed on`,
    service,
    operation,
    scenario,
    failure: { kms: scenario, passKmsMessage: true, kmsRequestId: KMS_REQUEST_ID },
    sdk: {
      exceptionClass: sdk.exceptionClass,
      name: sdk.name,
      fault: status >= 500 ? "server" : "client",
      status,
      message,
      ...(sdk.code === undefined ? {} : { code: sdk.code }),
    },
    kmsMessage: kms.message,
    kmsMessagePassed: true,
    confirmed: service === "SQS" || service === "SNS" || service === "Lambda" || service === "SSM",
    expected: {
      kind: kms.exception,
      cause: kms.cause,
      via: {
        service,
        operation,
        code: sdk.name,
        ...viaQueryCode(service, sdk.code),
        ...(passes === "java" ? { kmsRequestId: KMS_REQUEST_ID } : {}),
      },
    },
  };
};

const LAMBDA_DENIED =
  "Lambda was unable to decrypt the environment variables because KMS access was denied. Please check the function's KMS key settings.";
const LAMBDA_NOT_FOUND =
  "Lambda was unable to decrypt the environment variables because the KMS key was not found. Please check the function's KMS key settings.";

/** The other KMS exceptions, through every wrapper the services have for them. */
const OTHER: readonly ServiceCase[] = [
  otherCase("S3", "GetObject", "not-found", "verbatim", {
    exceptionClass: S3ServiceException,
    name: "KMS.NotFoundException",
    code: "KMS.NotFoundException",
  }),
  ...(
    [
      ["not-found", KmsNotFound, "KmsNotFound", "KMS.NotFoundException"],
      ["access-denied", KmsAccessDenied, "KmsAccessDenied", "KMS.AccessDeniedException"],
      ["throttled", KmsThrottled, "KmsThrottled", "KMS.ThrottlingException"],
    ] as const
  ).map(([scenario, exceptionClass, name, queryCode]) =>
    otherCase("SQS", "SendMessage", scenario, "java", { exceptionClass, name, code: queryCode }),
  ),
  ...(
    [
      ["not-found", SnsKmsNotFound, "KMSNotFoundException", "KMSNotFound"],
      ["access-denied", SnsKmsAccessDenied, "KMSAccessDeniedException", "KMSAccessDenied"],
      ["throttled", SnsKmsThrottling, "KMSThrottlingException", "KMSThrottling"],
    ] as const
  ).map(([scenario, exceptionClass, name, code]) =>
    otherCase("SNS", "Publish", scenario, "java", { exceptionClass, name, code }),
  ),
  otherCase("Lambda", "Invoke", "not-found", "lambda", {
    exceptionClass: LambdaKmsNotFound,
    name: "KMSNotFoundException",
    status: 502,
    words: LAMBDA_NOT_FOUND,
  }),
  otherCase("Lambda", "Invoke", "access-denied", "lambda", {
    exceptionClass: LambdaKmsAccessDenied,
    name: "KMSAccessDeniedException",
    status: 502,
    words: LAMBDA_DENIED,
  }),
  ...(
    [
      ["not-found", KinesisKmsNotFound, "KMSNotFoundException"],
      ["access-denied", KinesisKmsAccessDenied, "KMSAccessDeniedException"],
      ["throttled", KinesisKmsThrottling, "KMSThrottlingException"],
    ] as const
  ).map(([scenario, exceptionClass, name]) =>
    otherCase("Kinesis", "PutRecord", scenario, "java", { exceptionClass, name }),
  ),
  otherCase("SSM", "GetParameter", "not-found", "java", {
    exceptionClass: InvalidKeyId,
    name: "InvalidKeyId",
  }),
  otherCase("SSM", "GetParameter", "access-denied", "java", {
    exceptionClass: SsmAccessDenied,
    name: "AccessDeniedException",
  }),
  otherCase("SFN", "StartExecution", "access-denied", "java", {
    exceptionClass: SfnKmsAccessDenied,
    name: "KmsAccessDeniedException",
  }),
  otherCase("SFN", "StartExecution", "throttled", "java", {
    exceptionClass: SfnKmsThrottling,
    name: "KmsThrottlingException",
  }),
];

/** More operations and KMS exceptions, one each. */
const MORE: readonly ServiceCase[] = [
  {
    title: "S3 PutObject: xks-proxy-timeout, KMS's message passed on",
    service: "S3",
    operation: "PutObject",
    scenario: "xks-proxy-timeout",
    failure: { kms: "xks-proxy-timeout" },
    sdk: {
      exceptionClass: S3ServiceException,
      name: "KMS.KMSInvalidStateException",
      fault: "client",
      status: 400,
      message: KMS_SIDE["xks-proxy-timeout"].message,
      code: "KMS.KMSInvalidStateException",
    },
    kmsMessage: KMS_SIDE["xks-proxy-timeout"].message,
    kmsMessagePassed: true,
    confirmed: false,
    expected: {
      kind: "KMSInvalidStateException",
      cause: "XKS_PROXY_TIMED_OUT",
      via: { service: "S3", operation: "PutObject", code: "KMS.KMSInvalidStateException" },
    },
  },
  {
    title: "SQS ReceiveMessage: disabled, KMS's message passed on",
    service: "SQS",
    operation: "ReceiveMessage",
    scenario: "disabled",
    failure: { kms: "disabled", kmsRequestId: KMS_REQUEST_ID },
    sdk: {
      exceptionClass: KmsDisabled,
      name: "KmsDisabled",
      fault: "client",
      status: 400,
      message: java("disabled"),
      code: "KMS.DisabledException",
    },
    kmsMessage: KMS_SIDE.disabled.message,
    kmsMessagePassed: true,
    confirmed: true,
    expected: {
      kind: "DisabledException",
      cause: "KEY_DISABLED",
      via: {
        service: "SQS",
        operation: "ReceiveMessage",
        code: "KmsDisabled",
        queryCode: "KMS.DisabledException",
        kmsRequestId: KMS_REQUEST_ID,
      },
    },
  },
  {
    title: "Secrets Manager PutSecretValue: key-store-disconnected, KMS's message withheld",
    service: "Secrets Manager",
    operation: "PutSecretValue",
    scenario: "key-store-disconnected",
    failure: { kms: "key-store-disconnected" },
    sdk: {
      exceptionClass: EncryptionFailure,
      name: "EncryptionFailure",
      fault: "client",
      status: 400,
      message: "Access to KMS is not allowed",
    },
    kmsMessage: KMS_SIDE["key-store-disconnected"].message,
    kmsMessagePassed: false,
    confirmed: false,
    expected: {
      kind: "KmsAccessFailed",
      cause: "KMS_KEY_INACCESSIBLE",
      via: { service: "Secrets Manager", operation: "PutSecretValue", code: "EncryptionFailure" },
    },
  },
  {
    title: "SFN DescribeStateMachine: key-store-disconnected, kmsKeyState UNAVAILABLE",
    service: "SFN",
    operation: "DescribeStateMachine",
    scenario: "key-store-disconnected",
    failure: { kms: "key-store-disconnected" },
    sdk: {
      exceptionClass: SfnKmsInvalidState,
      name: "KmsInvalidStateException",
      fault: "client",
      status: 400,
      message: "The KMS key is not in valid state, for example: Disabled or Deleted.",
      kmsKeyState: "UNAVAILABLE",
    },
    kmsMessage: KMS_SIDE["key-store-disconnected"].message,
    kmsMessagePassed: false,
    confirmed: false,
    expected: {
      kind: "KMSInvalidStateException",
      cause: "KEY_UNAVAILABLE",
      via: { service: "SFN", operation: "DescribeStateMachine", code: "KmsInvalidStateException" },
    },
  },
  {
    title: "DynamoDB CreateTable: access-denied, KMS's message passed on",
    service: "DynamoDB",
    operation: "CreateTable",
    scenario: "access-denied",
    failure: { kms: "access-denied", kmsRequestId: KMS_REQUEST_ID },
    sdk: {
      exceptionClass: DynamoDBServiceException,
      name: "AccessDeniedException",
      fault: "client",
      status: 400,
      message: `User: arn:aws:sts::111122223333:assumed-role/app/session is not authorized to perform: kms:Decrypt on resource: ${KEY_ARN} because no identity-based policy allows the kms:Decrypt action (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: ${KMS_REQUEST_ID}; Proxy: null)`,
    },
    kmsMessage: KMS_OTHER["access-denied"].message,
    kmsMessagePassed: true,
    confirmed: true,
    expected: {
      kind: "AccessDeniedException",
      cause: "ACCESS_DENIED",
      via: {
        service: "DynamoDB",
        operation: "CreateTable",
        code: "AccessDeniedException",
        kmsRequestId: KMS_REQUEST_ID,
      },
    },
  },
  {
    title: "DynamoDB GetItem: disabled, KMS's message passed on",
    service: "DynamoDB",
    operation: "GetItem",
    scenario: "disabled",
    failure: { kms: "disabled", kmsRequestId: KMS_REQUEST_ID },
    sdk: {
      exceptionClass: DynamoDBServiceException,
      name: "AccessDeniedException",
      fault: "client",
      status: 400,
      message: java("disabled"),
    },
    kmsMessage: KMS_SIDE.disabled.message,
    kmsMessagePassed: true,
    confirmed: false,
    expected: {
      kind: "DisabledException",
      cause: "KEY_DISABLED",
      via: {
        service: "DynamoDB",
        operation: "GetItem",
        code: "AccessDeniedException",
        kmsRequestId: KMS_REQUEST_ID,
      },
    },
  },
  {
    title: "DynamoDB PutItem: xks-proxy-timeout, KMS's message passed on",
    service: "DynamoDB",
    operation: "PutItem",
    scenario: "xks-proxy-timeout",
    failure: { kms: "xks-proxy-timeout", kmsRequestId: KMS_REQUEST_ID },
    sdk: {
      exceptionClass: DynamoDBServiceException,
      name: "AccessDeniedException",
      fault: "client",
      status: 400,
      message: java("xks-proxy-timeout"),
    },
    kmsMessage: KMS_SIDE["xks-proxy-timeout"].message,
    kmsMessagePassed: true,
    confirmed: false,
    expected: {
      kind: "KMSInvalidStateException",
      cause: "XKS_PROXY_TIMED_OUT",
      via: {
        service: "DynamoDB",
        operation: "PutItem",
        code: "AccessDeniedException",
        kmsRequestId: KMS_REQUEST_ID,
      },
    },
  },
  {
    title: "RDS DescribeDBInstances: pending-deletion, KMS's message withheld",
    service: "RDS",
    operation: "DescribeDBInstances",
    scenario: "pending-deletion",
    failure: { kms: "pending-deletion" },
    sdk: {
      exceptionClass: KMSKeyNotAccessibleFault,
      name: "KMSKeyNotAccessibleFault",
      fault: "client",
      status: 400,
      message: "An error occurred accessing an AWS KMS key.",
      code: "KMSKeyNotAccessibleFault",
    },
    kmsMessage: KMS_SIDE["pending-deletion"].message,
    kmsMessagePassed: false,
    confirmed: true,
    expected: {
      kind: "KmsAccessFailed",
      cause: "KMS_KEY_INACCESSIBLE",
      via: {
        service: "RDS",
        operation: "DescribeDBInstances",
        code: "KMSKeyNotAccessibleFault",
        queryCode: "KMSKeyNotAccessibleFault",
      },
    },
  },
];

const nonKms = (
  service: ServiceId,
  operation: string,
  error: string,
  sdk: ServiceCase["sdk"],
): ServiceCase => ({
  title: `${service} ${operation}: ${error} (not KMS)`,
  service,
  operation,
  scenario: "non-kms",
  failure: { error },
  sdk,
  kmsMessagePassed: false,
  confirmed: true,
  expected: undefined,
});

/** Each service's own errors, which must pass untouched. */
const NON_KMS: readonly ServiceCase[] = [
  nonKms("S3", "GetObject", "NoSuchKey", {
    exceptionClass: NoSuchKey,
    name: "NoSuchKey",
    fault: "client",
    status: 404,
    message: "The specified key does not exist.",
    code: "NoSuchKey",
  }),
  nonKms("SQS", "SendMessage", "QueueDoesNotExist", {
    exceptionClass: QueueDoesNotExist,
    name: "QueueDoesNotExist",
    fault: "client",
    status: 400,
    message: "The specified queue does not exist.",
    code: "AWS.SimpleQueueService.NonExistentQueue",
  }),
  nonKms("SNS", "Publish", "NotFound", {
    exceptionClass: SnsNotFound,
    name: "NotFoundException",
    fault: "client",
    status: 404,
    message: "Topic does not exist",
    code: "NotFound",
  }),
  nonKms("Lambda", "Invoke", "ResourceNotFoundException", {
    exceptionClass: LambdaResourceNotFound,
    name: "ResourceNotFoundException",
    fault: "client",
    status: 404,
    message: "Function not found",
  }),
  nonKms("Kinesis", "PutRecord", "ResourceNotFoundException", {
    exceptionClass: KinesisResourceNotFound,
    name: "ResourceNotFoundException",
    fault: "client",
    status: 400,
    message: "Stream not found.",
  }),
  nonKms("Secrets Manager", "GetSecretValue", "ResourceNotFoundException", {
    exceptionClass: SecretsResourceNotFound,
    name: "ResourceNotFoundException",
    fault: "client",
    status: 400,
    message: "Secrets Manager can't find the specified secret.",
  }),
  nonKms("SSM", "GetParameter", "ParameterNotFound", {
    exceptionClass: ParameterNotFound,
    name: "ParameterNotFound",
    fault: "client",
    status: 400,
    message: "Parameter not found.",
  }),
  nonKms("SFN", "StartExecution", "StateMachineDoesNotExist", {
    exceptionClass: StateMachineDoesNotExist,
    name: "StateMachineDoesNotExist",
    fault: "client",
    status: 400,
    message: "State Machine Does Not Exist",
  }),
  nonKms("DynamoDB", "GetItem", "AccessDeniedException", {
    exceptionClass: DynamoDBServiceException,
    name: "AccessDeniedException",
    fault: "client",
    status: 400,
    message:
      "User: arn:aws:sts::111122223333:assumed-role/app/session is not authorized to perform: dynamodb:GetItem",
  }),
  nonKms("RDS", "CreateDBInstance", "DBInstanceNotFound", {
    exceptionClass: DBInstanceNotFoundFault,
    name: "DBInstanceNotFoundFault",
    fault: "client",
    status: 404,
    message: "DBInstance not found.",
    code: "DBInstanceNotFound",
  }),
];

/** Every case: the KMS matrix, the other KMS exceptions, more operations, and the services' own errors. */
export const SERVICE_CASES: readonly ServiceCase[] = [...MATRIX, ...OTHER, ...MORE, ...NON_KMS];

/** A real client of every service, pointed at the emulator. */
export interface ServiceClients {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly lambda: LambdaClient;
  readonly kinesis: KinesisClient;
  readonly secretsManager: SecretsManagerClient;
  readonly ssm: SSMClient;
  readonly sfn: SFNClient;
  readonly dynamodb: DynamoDBClient;
  readonly rds: RDSClient;
}

/**
 * Real clients of every service, pointed at the emulator (dummy credentials, path-style S3).
 * @param emu - The services emulator.
 * @param maxAttempts - The SDK's attempts per call (1: no retries).
 */
export const serviceClients = (emu: ServicesEmulator, maxAttempts = 1): ServiceClients => {
  const config = { ...emu.clientConfig, maxAttempts };
  return {
    s3: new S3Client({ ...config, forcePathStyle: true }),
    sqs: new SQSClient(config),
    sns: new SNSClient(config),
    lambda: new LambdaClient(config),
    kinesis: new KinesisClient(config),
    secretsManager: new SecretsManagerClient(config),
    ssm: new SSMClient(config),
    sfn: new SFNClient(config),
    dynamodb: new DynamoDBClient(config),
    rds: new RDSClient(config),
  };
};

/** Destroys every client's connections. */
export const destroyClients = (clients: ServiceClients): void => {
  for (const client of Object.values(clients)) client.destroy();
};

/** The client of a service, for installing the plugin on it. */
export const clientOf = (clients: ServiceClients, service: ServiceId) =>
  ({
    S3: clients.s3,
    SQS: clients.sqs,
    SNS: clients.sns,
    Lambda: clients.lambda,
    Kinesis: clients.kinesis,
    "Secrets Manager": clients.secretsManager,
    SSM: clients.ssm,
    SFN: clients.sfn,
    DynamoDB: clients.dynamodb,
    RDS: clients.rds,
  })[service];

const STATE_MACHINE = "arn:aws:states:us-east-1:111122223333:stateMachine:machine";

/**
 * Sends one operation of a service through its real client, with a plausible input.
 * @param clients - The clients.
 * @param emu - The emulator (for SQS's queue URL).
 * @param service - The service.
 * @param operation - The operation.
 * @returns The client's output.
 */
export const callOperation = async (
  clients: ServiceClients,
  emu: ServicesEmulator,
  service: ServiceId,
  operation: string,
): Promise<unknown> => {
  const queueUrl = `${emu.endpoint}/111122223333/queue`;
  switch (`${service}:${operation}`) {
    case "S3:GetObject": {
      const out = await clients.s3.send(new GetObjectCommand({ Bucket: "bucket", Key: "folder/object.txt" }));
      return { ...out, Body: await out.Body?.transformToString() };
    }
    case "S3:PutObject":
      return clients.s3.send(new PutObjectCommand({ Bucket: "bucket", Key: "object.txt", Body: "payload" }));
    case "SQS:SendMessage":
      return clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "hello" }));
    case "SQS:ReceiveMessage":
      return clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    case "SNS:Publish":
      return clients.sns.send(
        new PublishCommand({ TopicArn: "arn:aws:sns:us-east-1:111122223333:topic", Message: "hello" }),
      );
    case "Lambda:Invoke":
      return clients.lambda.send(
        new InvokeCommand({ FunctionName: "function", Payload: new TextEncoder().encode("{}") }),
      );
    case "Kinesis:PutRecord":
      return clients.kinesis.send(
        new PutRecordCommand({ StreamName: "stream", PartitionKey: "pk", Data: new Uint8Array([1, 2, 3]) }),
      );
    case "Secrets Manager:GetSecretValue":
      return clients.secretsManager.send(new GetSecretValueCommand({ SecretId: "app/secret" }));
    case "Secrets Manager:PutSecretValue":
      return clients.secretsManager.send(
        new PutSecretValueCommand({ SecretId: "app/secret", SecretString: "new-value" }),
      );
    case "SSM:GetParameter":
      return clients.ssm.send(new GetParameterCommand({ Name: "/app/parameter", WithDecryption: true }));
    case "SFN:StartExecution":
      return clients.sfn.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE }));
    case "SFN:DescribeStateMachine":
      return clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: STATE_MACHINE }));
    case "DynamoDB:GetItem":
      return clients.dynamodb.send(new GetItemCommand({ TableName: "table", Key: { pk: { S: "1" } } }));
    case "DynamoDB:PutItem":
      return clients.dynamodb.send(new PutItemCommand({ TableName: "table", Item: { pk: { S: "1" } } }));
    case "DynamoDB:CreateTable":
      return clients.dynamodb.send(
        new CreateTableCommand({
          TableName: "table",
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
          SSESpecification: { Enabled: true, SSEType: "KMS", KMSMasterKeyId: KEY_ARN },
        }),
      );
    case "RDS:CreateDBInstance":
      return clients.rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: "database-1",
          DBInstanceClass: "db.t3.micro",
          Engine: "postgres",
          StorageEncrypted: true,
          KmsKeyId: KEY_ARN,
        }),
      );
    case "RDS:DescribeDBInstances":
      return clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: "database-1" }));
    default:
      throw new Error(`no call for ${service} ${operation}`);
  }
};

/** Each client's base exception class: every service error it raises is an instance of it. */
export const BASE_EXCEPTION: Readonly<Record<ServiceId, ExceptionClass>> = {
  S3: S3ServiceException,
  SQS: SQSServiceException,
  SNS: SNSServiceException,
  Lambda: LambdaServiceException,
  Kinesis: KinesisServiceException,
  "Secrets Manager": SecretsManagerServiceException,
  SSM: SSMServiceException,
  SFN: SFNServiceException,
  DynamoDB: DynamoDBServiceException,
  RDS: RDSServiceException,
};
