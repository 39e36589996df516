/**
 * KMS failures that reach the caller through another AWS service or the AWS Encryption SDK: the
 * wrapper errors each service raises when its call to KMS on the caller's behalf fails, the KMS kind
 * each one stands for, and the forms in which a service embeds KMS's own error in its message.
 * Data only (kms-facts §10 and §11; service models from aws/api-models-aws, checked 2026-12-02).
 * Whether a service passes KMS's message on is recorded as the facts say; what no primary source
 * confirms is marked `unconfirmed`, never guessed.
 */
import type { CauseOf } from "./index.js";
import type { Kind } from "./kinds.js";

/**
 * How much of KMS's own error a service passes on in its message.
 * - `verbatim`: KMS's message, as KMS wrote it.
 * - `embedded`: KMS's error embedded in the service's text (the Java SDK form or Lambda's form), with
 *   its error code and, in the Java form, KMS's request id.
 * - `structured`: a modeled field says what went wrong (Step Functions' `kmsKeyState`).
 * - `generic`: the service's own words, which do not say which KMS failure it was.
 * - `unconfirmed`: no primary source says whether KMS's message is passed on.
 * @internal
 */
export type KmsMessagePassing = "verbatim" | "embedded" | "structured" | "generic" | "unconfirmed";

/**
 * One KMS wrapper error of one service.
 * @internal
 */
export interface ServiceWrapper {
  /** The service, as the SDK's `serviceId` spells it (`S3`, `Secrets Manager`, `SFN`…). */
  readonly service: string;
  /** The error's `name` as the SDK raises it. */
  readonly code: string;
  /** The query-compatible (or awsQuery) wire code the SDK keeps in the error's `Code` field, if any. */
  readonly queryCode?: string;
  /** The KMS failure kind it stands for; `KmsAccessFailed` when it names no KMS exception. */
  readonly kind: Kind;
  /** The HTTP status the service answers with. */
  readonly status: number;
  /** Whether KMS's message comes through. */
  readonly kmsMessage: KmsMessagePassing;
  /** Set when part of the row is not confirmed by a primary source: what is not. */
  readonly unconfirmed?: string;
  /** The error is KMS-caused only when its message embeds a KMS error (a generic name such as `AccessDeniedException`). */
  readonly embeddedOnly?: true;
  /** What a reader should know. */
  readonly notes: string;
}

/**
 * The services whose KMS failures the library recognises: `serviceId`, the client class name the
 * SDK puts in the middleware context (`context.clientName`), and the wire protocol.
 * @internal
 */
export const SERVICES = [
  { service: "S3", client: "S3Client", protocol: "restXml" },
  { service: "SQS", client: "SQSClient", protocol: "awsJson1_0 (query-compatible)" },
  { service: "SNS", client: "SNSClient", protocol: "awsQuery" },
  { service: "Lambda", client: "LambdaClient", protocol: "restJson1" },
  { service: "Kinesis", client: "KinesisClient", protocol: "awsJson1_1" },
  { service: "Secrets Manager", client: "SecretsManagerClient", protocol: "awsJson1_1" },
  { service: "SSM", client: "SSMClient", protocol: "awsJson1_1" },
  { service: "SFN", client: "SFNClient", protocol: "awsJson1_0" },
  { service: "DynamoDB", client: "DynamoDBClient", protocol: "awsJson1_0" },
  { service: "RDS", client: "RDSClient", protocol: "awsQuery" },
] as const;

/** KMS itself, as its client names it. @internal */
export const KMS_SERVICE = { service: "KMS", client: "KMSClient" } as const;

/** The service name a failure carries when it came through the AWS Encryption SDK. @internal */
export const ENCRYPTION_SDK = "AWS Encryption SDK";

const S3_KEY_STATES =
  "KMS's message is passed on for key states (recorded: `<key-arn> is disabled.`, `… is pending deletion.`).";
const S3_XKS = "whether S3 passes on KMS's messages about external key store proxies";
const JAVA_FORM =
  "KMS's message and its error in the Java SDK form `(Service: AWSKMS; Status Code: N; Error Code: X; Request ID: R; …)`.";
const KINESIS = "whether Kinesis passes KMS's message on";

/**
 * Every KMS wrapper error of every service in {@link SERVICES}, with the KMS kind it stands for.
 * @internal
 */
export const SERVICE_WRAPPERS = [
  // S3 (restXml): the code is `KMS.` + KMS's exception name; not in S3's model.
  {
    service: "S3",
    code: "KMS.DisabledException",
    kind: "DisabledException",
    status: 400,
    kmsMessage: "verbatim",
    unconfirmed: S3_XKS,
    notes: S3_KEY_STATES,
  },
  {
    service: "S3",
    code: "KMS.KMSInvalidStateException",
    kind: "KMSInvalidStateException",
    status: 400,
    kmsMessage: "verbatim",
    unconfirmed: S3_XKS,
    notes: S3_KEY_STATES,
  },
  {
    service: "S3",
    code: "KMS.NotFoundException",
    kind: "NotFoundException",
    status: 400,
    kmsMessage: "verbatim",
    unconfirmed: S3_XKS,
    notes: S3_KEY_STATES,
  },
  // SQS (JSON 1.0, query-compatible): modeled `Kms*` names, `KMS.*` query codes.
  ...(
    [
      ["KmsAccessDenied", "KMS.AccessDeniedException", "AccessDeniedException", 400],
      ["KmsDisabled", "KMS.DisabledException", "DisabledException", 400],
      ["KmsInvalidKeyUsage", "KMS.InvalidKeyUsageException", "InvalidKeyUsageException", 400],
      ["KmsInvalidState", "KMS.InvalidStateException", "KMSInvalidStateException", 400],
      ["KmsNotFound", "KMS.NotFoundException", "NotFoundException", 400],
      ["KmsOptInRequired", "KMS.OptInRequired", "OptInRequired", 403],
      ["KmsThrottled", "KMS.ThrottlingException", "ThrottlingException", 400],
    ] as const
  ).map(([code, queryCode, kind, status]) => ({
    service: "SQS",
    code,
    queryCode,
    kind,
    status,
    kmsMessage: "embedded" as const,
    notes: JAVA_FORM,
  })),
  // SNS (awsQuery): classes `KMS…Exception`, wire codes without the suffix.
  ...(
    [
      ["KMSAccessDeniedException", "KMSAccessDenied", "AccessDeniedException"],
      ["KMSDisabledException", "KMSDisabled", "DisabledException"],
      ["KMSInvalidStateException", "KMSInvalidState", "KMSInvalidStateException"],
      ["KMSNotFoundException", "KMSNotFound", "NotFoundException"],
      ["KMSOptInRequired", "KMSOptInRequired", "OptInRequired"],
      ["KMSThrottlingException", "KMSThrottling", "ThrottlingException"],
    ] as const
  ).map(([code, queryCode, kind]) => ({
    service: "SNS",
    code,
    queryCode,
    kind,
    status: 400,
    kmsMessage: "embedded" as const,
    notes: JAVA_FORM,
  })),
  // Lambda (restJson1): Invoke fails to decrypt the function's environment variables; HTTP 502, a
  // server fault, which the bare SDK retries.
  ...(
    [
      ["KMSAccessDeniedException", "AccessDeniedException"],
      ["KMSDisabledException", "DisabledException"],
      ["KMSInvalidStateException", "KMSInvalidStateException"],
      ["KMSNotFoundException", "NotFoundException"],
    ] as const
  ).map(([code, kind]) => ({
    service: "Lambda",
    code,
    kind,
    status: 502,
    kmsMessage: "embedded" as const,
    notes:
      "Invoke could not decrypt the function's environment variables; the message ends `KMS Exception: <code>KMS Message: <message>`. HTTP 502, which the bare SDK retries although nothing changes between attempts.",
  })),
  // Kinesis (JSON 1.1).
  ...(
    [
      ["KMSAccessDeniedException", "AccessDeniedException"],
      ["KMSDisabledException", "DisabledException"],
      ["KMSInvalidStateException", "KMSInvalidStateException"],
      ["KMSNotFoundException", "NotFoundException"],
      ["KMSOptInRequired", "OptInRequired"],
      ["KMSThrottlingException", "ThrottlingException"],
    ] as const
  ).map(([code, kind]) => ({
    service: "Kinesis",
    code,
    kind,
    status: 400,
    kmsMessage: "unconfirmed" as const,
    unconfirmed: KINESIS,
    notes: "Raised by stream operations on a stream encrypted with a KMS key.",
  })),
  // Step Functions (JSON 1.0).
  {
    service: "SFN",
    code: "KmsInvalidStateException",
    kind: "KMSInvalidStateException",
    status: 400,
    kmsMessage: "structured",
    notes: "`kmsKeyState` says the key's state; `UNAVAILABLE` means its custom key store is disconnected.",
  },
  {
    service: "SFN",
    code: "KmsAccessDeniedException",
    kind: "AccessDeniedException",
    status: 400,
    kmsMessage: "generic",
    notes: "Step Functions was not allowed to use the KMS key.",
  },
  {
    service: "SFN",
    code: "KmsThrottlingException",
    kind: "ThrottlingException",
    status: 400,
    kmsMessage: "generic",
    notes: "KMS throttled Step Functions' requests on the caller's behalf.",
  },
  // Secrets Manager (JSON 1.1): names no KMS exception.
  {
    service: "Secrets Manager",
    code: "DecryptionFailure",
    kind: "KmsAccessFailed",
    status: 400,
    kmsMessage: "generic",
    notes:
      "Secrets Manager could not decrypt the secret with its KMS key; the message is often generic (`Access to KMS is not allowed`).",
  },
  {
    service: "Secrets Manager",
    code: "EncryptionFailure",
    kind: "KmsAccessFailed",
    status: 400,
    kmsMessage: "generic",
    notes: "Secrets Manager could not encrypt the secret with its KMS key.",
  },
  // SSM Parameter Store (JSON 1.1).
  {
    service: "SSM",
    code: "InvalidKeyId",
    kind: "KmsAccessFailed",
    status: 400,
    kmsMessage: "embedded",
    notes:
      "A SecureString parameter's KMS key could not be used; KMS's error is embedded in the Java SDK form when there is one.",
  },
  {
    service: "SSM",
    code: "AccessDeniedException",
    kind: "AccessDeniedException",
    status: 400,
    kmsMessage: "embedded",
    embeddedOnly: true,
    notes:
      "KMS-caused only when the message embeds KMS's error in the Java SDK form; otherwise an IAM denial by SSM itself.",
  },
  // DynamoDB (JSON 1.0): no KMS exceptions of its own.
  {
    service: "DynamoDB",
    code: "AccessDeniedException",
    kind: "AccessDeniedException",
    status: 400,
    kmsMessage: "embedded",
    embeddedOnly: true,
    notes:
      "KMS-caused only when the message embeds KMS's error in the Java SDK form (CreateTable); a table whose key cannot be used shows the status `INACCESSIBLE_ENCRYPTION_CREDENTIALS` instead of failing a request.",
  },
  // RDS (awsQuery).
  {
    service: "RDS",
    code: "KMSKeyNotAccessibleFault",
    queryCode: "KMSKeyNotAccessibleFault",
    kind: "KmsAccessFailed",
    status: 400,
    kmsMessage: "generic",
    notes:
      "`An error occurred accessing an AWS KMS key.`; an instance whose key cannot be used shows the status `inaccessible-encryption-credentials` (or `…-recoverable`).",
  },
] as const satisfies readonly ServiceWrapper[];

/**
 * Step Functions' `kmsKeyState` on `KmsInvalidStateException`: the KMS key state it reports, as the
 * cause of `KMSInvalidStateException` it means. `UNAVAILABLE` is a key whose custom key store is
 * disconnected.
 * @internal
 */
export const SFN_KEY_STATES = {
  UNAVAILABLE: "KEY_UNAVAILABLE",
  DISABLED: "KEY_DISABLED",
  PENDING_DELETION: "KEY_PENDING_DELETION",
  PENDING_IMPORT: "KEY_PENDING_IMPORT",
  CREATING: "KEY_CREATING",
} as const satisfies Readonly<Record<string, CauseOf<"KMSInvalidStateException">>>;

/**
 * The prefix S3 (and SQS's query codes) put before KMS's exception name: `KMS.DisabledException`.
 * @internal
 */
export const KMS_CODE_PREFIX = "KMS.";

/**
 * KMS's error embedded in another service's message by the AWS SDK for Java:
 * `(Service: AWSKMS; Status Code: 400; Error Code: DisabledException; Request ID: R; Proxy: null)`.
 * Groups: status, error code, request id. Every quantifier is bounded (hostile text).
 * @internal
 */
export const JAVA_SDK_FORM =
  /\(Service: ?AWSKMS; ?Status Code: ?(\d{3}); ?Error Code: ?([A-Za-z0-9_.]{1,128}); ?Request ID: ?([A-Za-z0-9-]{1,128})/;

/**
 * The marker of {@link JAVA_SDK_FORM}, looked for before the expression runs.
 * @internal
 */
export const JAVA_SDK_MARKER = "Service: AWSKMS";

/**
 * KMS's error embedded by Lambda: `… KMS Exception: <code>KMS Message: <message>` (the code and the
 * words `KMS Message` are not separated). Groups: code, KMS's message.
 * @internal
 */
export const LAMBDA_FORM = /KMS Exception: ?([A-Za-z0-9_.]{1,128}?) ?KMS Message: ?([^\n]{0,2048})/;

/**
 * The marker of {@link LAMBDA_FORM}.
 * @internal
 */
export const LAMBDA_MARKER = "KMS Exception:";

/**
 * The first words of the AWS Encryption SDK's aggregated decrypt error (every keyring's form).
 * @internal
 */
export const ENCRYPTION_SDK_PREFIX = "Unable to decrypt data key";

/**
 * The header before each inner error's stack text in that error (`Error #1 \n <stack>`).
 * @internal
 */
export const ENCRYPTION_SDK_INNER = /Error #\d{1,6} {0,4}\n ?/g;
