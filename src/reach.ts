/**
 * Recognising KMS failures that reach the caller through another AWS service or the AWS Encryption
 * SDK: the engine over `catalog/services.ts` (the data). `classify` asks it once per error; for a
 * plain KMS error the answer costs one map lookup.
 */
import { type Cause, catalogEntry, isServiceKind, type KnownCatalogEntry } from "./catalog/index.js";
import type { Kind } from "./catalog/kinds.js";
import type { KeyStoreType } from "./catalog/schema.js";
import {
  ENCRYPTION_SDK_INNER,
  ENCRYPTION_SDK_PREFIX,
  JAVA_SDK_FORM,
  JAVA_SDK_MARKER,
  KMS_CODE_PREFIX,
  KMS_SERVICE,
  LAMBDA_FORM,
  LAMBDA_MARKER,
  SERVICE_WRAPPERS,
  SERVICES,
  type ServiceWrapper,
  SFN_KEY_STATES,
} from "./catalog/services.js";
import { resolveKind } from "./rules.js";

/**
 * The service a failure names when neither the error nor the caller says which one it was.
 * @internal
 */
export const UNKNOWN_SERVICE = "unknown";

/** How much of a message is searched for an embedded KMS error (service messages are short). */
const MAX_EMBED_SCAN = 8192;

interface Indexes {
  readonly byName: ReadonlyMap<string, readonly ServiceWrapper[]>;
  readonly byQueryCode: ReadonlyMap<string, readonly ServiceWrapper[]>;
  readonly byClient: ReadonlyMap<string, string>;
  /** Names that are KMS-caused only with an embedded KMS error. */
  readonly embeddedOnly: ReadonlySet<string>;
}

let indexes: Indexes | undefined;

const group = (rows: readonly ServiceWrapper[], key: (r: ServiceWrapper) => string | undefined) => {
  const map = new Map<string, ServiceWrapper[]>();
  for (const row of rows) {
    const k = key(row);
    if (k === undefined) continue;
    const list = map.get(k) ?? [];
    list.push(row);
    map.set(k, list);
  }
  return map;
};

/** The wrapper table indexed by name, by query code, and the services by client name; built on first use. */
function tables(): Indexes {
  if (indexes !== undefined) return indexes;
  const rows: readonly ServiceWrapper[] = SERVICE_WRAPPERS;
  indexes = {
    byName: group(rows, (r) => r.code),
    byQueryCode: group(rows, (r) => r.queryCode),
    byClient: new Map<string, string>([
      ...SERVICES.map((s) => [s.client, s.service] as [string, string]),
      [KMS_SERVICE.client, KMS_SERVICE.service],
    ]),
    embeddedOnly: new Set(rows.filter((r) => r.embeddedOnly === true).map((r) => r.code)),
  };
  return indexes;
}

/**
 * The `serviceId` of a client from the class name the SDK puts in the middleware context
 * (`S3Client` → `S3`); the name without `Client` for a client the table does not list; undefined
 * when there is no usable name.
 * @internal
 */
export function serviceOfClientName(clientName: unknown): string | undefined {
  if (typeof clientName !== "string" || clientName === "" || clientName.length > 128) return undefined;
  return tables().byClient.get(clientName) ?? clientName.replace(/Client$/, "");
}

/**
 * True for the name KMS's own client carries (`KMS`): its errors are KMS's, never wrapped.
 * @internal
 */
export const isKmsService = (service: string | undefined): boolean => service === KMS_SERVICE.service;

/**
 * Whether an error may be another service's wrapper of a KMS failure, before any of its other fields
 * are read: never on KMS's own client; for a KMS exception name with no service named, only when some
 * service uses that name too.
 * @internal
 */
export const mayBeWrapped = (name: string, kmsKind: boolean, service: string | undefined): boolean =>
  service === undefined ? !kmsKind || tables().byName.has(name) : !isKmsService(service);

/** A KMS error embedded in a service's message. */
interface Embedded {
  /** KMS's error code (`DisabledException`). */
  readonly code: string;
  /** KMS's own message, for the message rules. */
  readonly kmsMessage: string;
  /** KMS's request id (Java form only). */
  readonly requestId?: string;
  /** The form says which service embedded it (Lambda's form). */
  readonly service?: string;
}

/**
 * The KMS error embedded in a message, in the Java SDK form or Lambda's form, or undefined.
 * @internal
 */
export function embeddedKmsError(message: string): Embedded | undefined {
  const text = message.slice(0, MAX_EMBED_SCAN);
  const java = text.indexOf(JAVA_SDK_MARKER);
  if (java !== -1) {
    const m = JAVA_SDK_FORM.exec(text.slice(Math.max(0, java - 1)));
    if (m !== null) {
      // KMS's message is what precedes the parenthesis.
      return { code: m[2] as string, kmsMessage: text.slice(0, java), requestId: m[3] as string };
    }
  }
  const lambda = text.indexOf(LAMBDA_MARKER);
  if (lambda !== -1) {
    const m = LAMBDA_FORM.exec(text.slice(lambda));
    if (m !== null) return { code: m[1] as string, kmsMessage: m[2] as string, service: "Lambda" };
  }
  return undefined;
}

/**
 * What an error that another service raised for KMS stands for.
 * @internal
 */
export interface Reached {
  readonly kind: Kind;
  readonly entry: KnownCatalogEntry;
  readonly keyStoreType?: KeyStoreType | undefined;
  readonly service: string;
  readonly queryCode?: string | undefined;
  readonly kmsRequestId?: string | undefined;
}

/**
 * What classify read from the error.
 * @internal
 */
export interface ReachInput {
  readonly name: string;
  readonly message: string;
  readonly status: number | undefined;
  /** The error's `Code` field (the query-compatible or awsQuery code), when it is a string. */
  readonly code: string | undefined;
  /** Step Functions' `kmsKeyState`, when it is a string. */
  readonly kmsKeyState: string | undefined;
  /** `context.service`, when the caller gave one. */
  readonly service: string | undefined;
}

/** The rows that may have raised this error, narrowed by the caller's service, query code and status. */
function candidates(input: ReachInput, queryCode: string | undefined): readonly ServiceWrapper[] {
  const { byName, byQueryCode } = tables();
  // By query code only when the name is another one: a name equal to its code (`KMS.ThrottlingException`
  // from S3) is S3's form, which the caller reads by its prefix.
  let rows =
    byName.get(input.name) ??
    (queryCode === undefined || queryCode === input.name ? undefined : byQueryCode.get(queryCode));
  if (rows === undefined) return [];
  if (input.service !== undefined) return rows.filter((r) => r.service === input.service);
  // A single row stays as it is: each narrowing keeps the rows when it would leave none.
  const byCode = rows.filter((r) => r.queryCode === queryCode);
  if (byCode.length > 0) rows = byCode;
  const byStatus = rows.filter((r) => r.status === input.status);
  if (byStatus.length > 0) rows = byStatus;
  return rows;
}

/**
 * Without the caller naming the service, a wrapper whose name is also a KMS exception
 * (`KMSInvalidStateException` from SNS, Lambda or Kinesis) counts only with evidence that KMS did
 * not raise it itself: the service's query code, or a status KMS never sends with it.
 */
const hasEvidence = (row: ServiceWrapper, input: ReachInput, queryCode: string | undefined): boolean =>
  (row.queryCode !== undefined && row.queryCode === queryCode) ||
  (row.status >= 500 && row.status === input.status);

/**
 * What a service's error stands for when KMS caused it, or undefined when it is not KMS-caused (or is
 * KMS's own error). Pure and total over the fields classify read.
 * @internal
 */
export function reach(input: ReachInput): Reached | undefined {
  if (isKmsService(input.service)) return undefined;
  const { name } = input;
  // The query code narrows the candidates even when it equals the name (SNS `KMSOptInRequired`).
  const queryCode = input.code;
  const kmsKind = isServiceKind(name);
  if (kmsKind && input.service === undefined) {
    // The common case: a KMS error, whose name no service uses for a wrapper, or one that carries
    // none of the evidence a wrapper of that name would (a query code, a 5xx status, a name that
    // is KMS-caused only with an embedded KMS error).
    const { byName, embeddedOnly } = tables();
    if (!byName.has(name)) return undefined;
    const evidence =
      queryCode !== undefined ||
      (input.status !== undefined && input.status >= 500) ||
      embeddedOnly.has(name);
    if (!evidence) return undefined;
  }
  const rows = candidates(input, queryCode);
  const embedded = embeddedKmsError(input.message);
  let row: ServiceWrapper | undefined = rows[0];
  if (input.service === undefined && kmsKind && embedded === undefined) {
    row = rows.find((r) => hasEvidence(r, input, queryCode));
  }
  if (row?.embeddedOnly === true && embedded === undefined) return undefined;
  // S3's form for any KMS exception (`KMS.<Exception>`), beyond the rows the facts list.
  const prefixed =
    row === undefined && name.startsWith(KMS_CODE_PREFIX) ? name.slice(KMS_CODE_PREFIX.length) : undefined;
  const prefixedKind = prefixed !== undefined && isServiceKind(prefixed) ? prefixed : undefined;
  if (row === undefined && prefixedKind === undefined && embedded === undefined) return undefined;

  const embeddedKind = embedded !== undefined && isServiceKind(embedded.code) ? embedded.code : undefined;
  const kind: Kind = embeddedKind ?? row?.kind ?? prefixedKind ?? "KmsAccessFailed";
  const first = row;
  // Read only when the caller named no service (which then decides).
  const ambiguous = first !== undefined && rows.some((r) => r.service !== first.service);
  const service =
    input.service ??
    (ambiguous ? undefined : row?.service) ??
    embedded?.service ??
    (prefixedKind === undefined ? UNKNOWN_SERVICE : "S3");
  const resolved = resolveEntry(kind, embedded?.kmsMessage ?? input.message, input.kmsKeyState);
  return {
    kind,
    entry: resolved.entry,
    keyStoreType: resolved.keyStoreType,
    service,
    // A query protocol's code; for another protocol, a `Code` field that only repeats the name
    // (S3's XML body) is no query code.
    queryCode: row?.queryCode !== undefined || queryCode !== name ? queryCode : undefined,
    kmsRequestId: embedded?.requestId,
  };
}

/** The entry of a kind from Step Functions' `kmsKeyState`, else from KMS's message, else its fallback. */
function resolveEntry(
  kind: Kind,
  kmsMessage: string,
  kmsKeyState: string | undefined,
): { entry: KnownCatalogEntry; keyStoreType?: KeyStoreType | undefined } {
  if (
    kind === "KMSInvalidStateException" &&
    kmsKeyState !== undefined &&
    Object.hasOwn(SFN_KEY_STATES, kmsKeyState)
  ) {
    return { entry: catalogEntry(SFN_KEY_STATES[kmsKeyState as keyof typeof SFN_KEY_STATES] as Cause) };
  }
  const resolved = resolveKind(kind, kmsMessage);
  return {
    entry: resolved?.entry ?? catalogEntry("KMS_KEY_INACCESSIBLE"),
    keyStoreType: resolved?.rule?.keyStoreType,
  };
}

// ---------------------------------------------------------------------------------------------
// The AWS Encryption SDK's aggregated decrypt error.
// ---------------------------------------------------------------------------------------------

/** How much of an aggregated message is read, and how many inner errors at most. */
const MAX_AGGREGATE_LENGTH = 65_536;
const MAX_INNER_ERRORS = 32;
/** The longest header (name and message) of one inner error that is kept. */
const MAX_INNER_HEADER = 4096;

/**
 * One inner error of an aggregated error: what its stack text says.
 * @internal
 */
export interface InnerError {
  readonly name: string;
  readonly message: string;
}

/**
 * True when a message is the AWS Encryption SDK's aggregated decrypt error.
 * @internal
 */
export const isEncryptionSdkAggregate = (message: string): boolean =>
  message.startsWith(ENCRYPTION_SDK_PREFIX);

/**
 * The inner errors of the AWS Encryption SDK's aggregated decrypt error, in order, from their stack
 * text (`Name: message` up to the first stack frame); nested aggregates are flattened. Bounded: the
 * first 64 KiB of the message, 32 inner errors, 4 KiB per header.
 * @internal
 */
export function innerErrors(message: string): InnerError[] {
  const text = message.slice(0, MAX_AGGREGATE_LENGTH);
  const parts = text.split(ENCRYPTION_SDK_INNER);
  const out: InnerError[] = [];
  for (let i = 1; i < parts.length && out.length < MAX_INNER_ERRORS; i++) {
    const inner = parseStackHeader(parts[i] as string);
    // A nested aggregate's own header: its inner errors follow as parts of their own.
    if (inner !== undefined && !isEncryptionSdkAggregate(inner.message)) out.push(inner);
  }
  return out;
}

const FRAME = /\n[ \t]{1,64}at /;
const HEADER = /^([A-Za-z_$][A-Za-z0-9_$.]{0,127})(?:: ([\s\S]*))?$/;

/** `Name: message` of one stack text, up to its first frame. */
function parseStackHeader(stack: string): InnerError | undefined {
  const head = stack.slice(0, MAX_INNER_HEADER);
  const frame = FRAME.exec(head);
  const header = (frame === null ? head : head.slice(0, frame.index)).trim();
  const m = HEADER.exec(header);
  if (m === null) return undefined;
  return { name: m[1] as string, message: (m[2] ?? "").trim() };
}
