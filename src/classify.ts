import {
  type Cause,
  entriesForKind,
  entryForCause,
  entryForCode,
  isServiceKind,
  type KnownCatalogEntry,
  kindOf,
  matchMessageRule,
  normalizeMessage,
} from "./catalog/index.js";
import type { Kind } from "./catalog/kinds.js";
import type { KeyStoreType, Remediation } from "./catalog/schema.js";
import { FAILURE_KEY, type FailureContext, type KmsFailure } from "./failure.js";
import { collectSecrets, redact, Secrets } from "./redact.js";

/** How deep `classify` and `failureOf` follow `error.cause` (as the SDK's own classifiers do). */
const MAX_CAUSE_DEPTH = 10;

/** Reads a property without ever throwing (getters and Proxy traps may throw). */
const read = (value: unknown, key: PropertyKey): unknown => {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return undefined;
  try {
    return (value as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
};

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const int = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;

const isKeyStoreType = (value: unknown): value is KeyStoreType =>
  value === "AWS_CLOUDHSM" || value === "EXTERNAL_KEY_STORE";

/** The error and its `error.cause` chain (depth ≤ 10), without repeats. */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current = error;
  while (
    current !== undefined &&
    current !== null &&
    chain.length <= MAX_CAUSE_DEPTH &&
    !chain.includes(current)
  ) {
    chain.push(current);
    current = read(current, "cause");
  }
  return chain;
}

/** A value attached under the failure key that really is a failure this major version produced. */
function asFailure(value: unknown): KmsFailure | undefined {
  if (value === null || typeof value !== "object" || !Object.isFrozen(value)) return undefined;
  const kind = str(read(value, "kind"));
  const cause = str(read(value, "cause"));
  const entry = cause === undefined ? undefined : entryForCause(cause);
  if (kind === undefined || entry === undefined || !(entry.kinds as readonly string[]).includes(kind))
    return undefined;
  return value as KmsFailure;
}

/**
 * The failure the plugin attached to a thrown error, looking through `error.cause` (depth ≤ 10).
 *
 * @param error - Anything caught.
 * @returns The attached failure, or undefined when there is none.
 * @example
 * ```ts
 * import { failureOf } from "kms-keystore-errors";
 * declare const error: unknown;
 * const failure = failureOf(error);
 * if (failure?.retryable) console.log("worth retrying");
 * ```
 * @public
 */
export function failureOf(error: unknown): KmsFailure | undefined {
  try {
    for (const link of causeChain(error)) {
      const failure = asFailure(read(link, FAILURE_KEY));
      if (failure !== undefined) return failure;
    }
  } catch {
    // A hostile error: no failure is attached.
  }
  return undefined;
}

interface Classified {
  readonly kind: Kind;
  readonly entry: KnownCatalogEntry;
  readonly code: string;
  readonly keyStoreType?: KeyStoreType | undefined;
}

/** The entry for a kind with no more specific cause: the one whose codes name it, else its first. */
const fallbackEntry = (kind: Kind, code?: string): KnownCatalogEntry => {
  const byCode = code === undefined ? undefined : entryForCode(code);
  if (byCode !== undefined && (byCode.kinds as readonly string[]).includes(kind)) return byCode;
  return entryForCode(kind) ?? (entriesForKind(kind)[0] as KnownCatalogEntry);
};

/** A KMS service error: its name is a known KMS kind, or it carries `$fault`/`$metadata`. */
function classifyServiceError(name: string, message: string, status: number | undefined): Classified {
  if (isServiceKind(name)) {
    const info = kindOf(name);
    const rule = info?.messageRules ? matchMessageRule(name, normalizeMessage(message)) : undefined;
    const entry = rule === undefined ? fallbackEntry(name) : (entryForCause(rule.cause) as KnownCatalogEntry);
    return { kind: name, entry, code: name, keyStoreType: rule?.keyStoreType ?? info?.keyStoreType };
  }
  const known = entryForCode(name);
  if (known !== undefined && (known.kinds as readonly string[]).includes("UnknownServiceError")) {
    return { kind: "UnknownServiceError", entry: known, code: name };
  }
  const cause: Cause =
    status === 429
      ? "UNKNOWN_THROTTLING_ERROR"
      : status !== undefined && status >= 500
        ? "UNKNOWN_SERVER_ERROR"
        : "UNKNOWN_SERVICE_ERROR";
  return { kind: "UnknownServiceError", entry: entryForCause(cause) as KnownCatalogEntry, code: name };
}

/** The transport cause named by a socket/HTTP code anywhere in the cause chain, if any. */
function transportEntry(error: unknown): { entry: KnownCatalogEntry; code: string } | undefined {
  for (const link of causeChain(error)) {
    for (const candidate of [str(read(link, "code")), str(read(link, "name"))]) {
      if (candidate === undefined) continue;
      const entry = entryForCode(candidate);
      if (entry !== undefined && (entry.kinds as readonly string[]).includes("TransportError")) {
        return { entry, code: candidate };
      }
    }
  }
  return undefined;
}

/** The name the SDK gives an error response that carries no error code. */
const UNNAMED_ERROR = "Unknown";

/**
 * The cause for a response that is not KMS's: retryable when there is no status, or it is 429 or
 * 5xx (a load balancer's 502); a 4xx is someone refusing the request; a 2xx/3xx with an unreadable
 * body is a cut or rewritten response.
 */
const nonKmsResponse = (status: number | undefined): KnownCatalogEntry => {
  const cause: Cause =
    status === undefined || status === 429 || status >= 500
      ? "NON_KMS_RESPONSE"
      : status >= 400
        ? "NON_KMS_CLIENT_ERROR_RESPONSE"
        : "UNREADABLE_RESPONSE";
  return entryForCause(cause) as KnownCatalogEntry;
};

const FETCH_FAILURE =
  /fetch failed|failed to fetch|networkerror|network request failed|load failed|network error/i;

function classifyError(error: unknown): Classified {
  const name = str(read(error, "name")) ?? "";
  const code = str(read(error, "code"));
  const message = str(read(error, "message")) ?? "";
  const fault = read(error, "$fault");
  const metadata = read(error, "$metadata");
  const status = int(read(metadata, "httpStatusCode"));

  if (name === "AbortError" || code === "ABORT_ERR") {
    return { kind: "Aborted", entry: fallbackEntry("Aborted", "AbortError"), code: name || (code as string) };
  }
  if (name === "CredentialsProviderError" || name === "TokenProviderError") {
    return { kind: name, entry: fallbackEntry(name), code: name };
  }
  // No error code in the response at all (an empty or foreign body): the SDK's placeholder name.
  // KMS always names its errors, so this answer did not come from KMS.
  if (name === UNNAMED_ERROR && (fault === "client" || fault === "server")) {
    return { kind: "TransportError", entry: nonKmsResponse(status), code: name };
  }
  // A KMS response: a known name, or the SDK's fault marker. Checked before the transport codes
  // because it is by far the common case.
  if (
    isServiceKind(name) ||
    ((fault === "client" || fault === "server") && name !== "" && name !== "SyntaxError")
  ) {
    return classifyServiceError(name, message, status);
  }
  const transport = transportEntry(error);
  if (transport !== undefined) {
    return { kind: "TransportError", entry: transport.entry, code: code ?? (name || transport.code) };
  }
  if (name === "SyntaxError" && metadata !== undefined) {
    // The SDK could not parse the body: something other than KMS answered (a proxy's HTML page).
    return { kind: "TransportError", entry: nonKmsResponse(status), code: name };
  }
  if (name === "TypeError" && FETCH_FAILURE.test(message)) {
    return { kind: "TransportError", entry: entryForCause("NETWORK_ERROR") as KnownCatalogEntry, code: name };
  }
  // Not a KMS or transport error: the SDK's own configuration errors (a client without a Region)
  // are known by their message; anything else stays unrecognised.
  const rule = message === "" ? undefined : matchMessageRule("Unrecognized", normalizeMessage(message));
  return {
    kind: "Unrecognized",
    entry: entryForCause(rule?.cause ?? "UNRECOGNIZED") as KnownCatalogEntry,
    code: code ?? (name || typeName(error)),
  };
}

const typeName = (value: unknown): string => {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  const ctor = read(value, "constructor");
  return str(read(ctor, "name")) ?? "object";
};

/** Key store type from the command input (`CustomKeyStoreType` or `Origin`). */
const keyStoreTypeOfInput = (input: unknown): KeyStoreType | undefined => {
  const type = read(input, "CustomKeyStoreType");
  if (isKeyStoreType(type)) return type;
  const origin = read(input, "Origin");
  return isKeyStoreType(origin) ? origin : undefined;
};

/**
 * Builds a frozen failure from fields (undefined ones omitted), the original error non-enumerable.
 * @internal
 */
export function build(fields: Record<string, unknown>, error: unknown): KmsFailure {
  const failure: Record<string, unknown> = {};
  for (const key in fields) if (fields[key] !== undefined) failure[key] = fields[key];
  Object.defineProperty(failure, "error", { value: error, enumerable: false });
  return Object.freeze(failure) as unknown as KmsFailure;
}

/**
 * The remediation for an entry, specialised to the key store type when the entry has variants.
 * @internal
 */
export const remediationFor = (
  entry: KnownCatalogEntry,
  keyStoreType: KeyStoreType | undefined,
): Remediation =>
  (keyStoreType === undefined ? undefined : entry.byKeyStoreType?.[keyStoreType]) ?? entry.remediation;

/** Fills the context fields a failure lacks; returns the same failure when it lacks none. */
function withContext(failure: KmsFailure, context: FailureContext | undefined): KmsFailure {
  if (context === undefined) return failure;
  const input = context.input;
  const extra: Record<string, unknown> = {
    operation: str(context.operation),
    customKeyStoreId: str(context.customKeyStoreId) ?? str(read(input, "CustomKeyStoreId")),
    keyId: str(context.keyId) ?? str(read(input, "KeyId")),
  };
  const missing = Object.entries(extra).filter(([key, value]) => value !== undefined && !(key in failure));
  if (missing.length === 0) return failure;
  return build({ ...failure, ...Object.fromEntries(missing) }, failure.error);
}

/**
 * Classifies anything thrown by (or near) a KMS call. Total: never throws, whatever the input
 * (null, strings, cyclic objects, frozen errors, Proxies whose traps throw, errors from another copy
 * of the SDK). Recognises SDK errors by `name`, `$fault` and `$metadata`, never by `instanceof`.
 * A failure already attached by the middleware (also through `error.cause`) is reused; `context`
 * then only fills the fields it lacks.
 *
 * @param error - The thrown value.
 * @param context - What the caller knows about the request (operation, command input, ids).
 * @returns A frozen {@link KmsFailure}; the original error is its non-enumerable `error` property.
 * @example
 * ```ts
 * import { KMSClient, EncryptCommand } from "@aws-sdk/client-kms";
 * import { classify } from "kms-keystore-errors";
 *
 * const kms = new KMSClient({});
 * const input = { KeyId: "alias/app", Plaintext: new TextEncoder().encode("hello") };
 * try {
 *   await kms.send(new EncryptCommand(input));
 * } catch (error) {
 *   const failure = classify(error, { operation: "Encrypt", input });
 *   console.log(failure.kind, failure.cause, failure.retryable, failure.remediation.steps);
 * }
 * ```
 * @public
 */
export function classify(error: unknown, context?: FailureContext): KmsFailure {
  try {
    const attached = failureOf(error);
    if (attached !== undefined) return withContext(attached, context);
    return classifyFresh(error, context);
  } catch {
    return makeFailure(
      "Unrecognized",
      "Unrecognized",
      entryForCause("UNRECOGNIZED") as KnownCatalogEntry,
      undefined,
      {},
      error,
    );
  }
}

/**
 * The context fields of a failure; undefined ones are left out.
 * @internal
 */
export interface FailureFields {
  readonly message?: string | undefined;
  readonly operation?: string | undefined;
  readonly customKeyStoreId?: string | undefined;
  readonly keyId?: string | undefined;
  readonly requestId?: string | undefined;
  readonly httpStatusCode?: number | undefined;
  readonly attempts?: number | undefined;
}

/**
 * Makes a frozen failure of a kind and catalog entry: category, retryable and remediation come from
 * the entry (remediation specialised to the key store type), context from `fields`, and the original
 * error is kept non-enumerable. Assembled field by field: this is the hot path of `classify`.
 * @internal
 */
export function makeFailure(
  kind: Kind,
  code: string,
  entry: KnownCatalogEntry,
  keyStoreType: KeyStoreType | undefined,
  fields: FailureFields,
  error: unknown,
): KmsFailure {
  const type = keyStoreType ?? entry.keyStoreType;
  const f: Record<string, unknown> = {
    kind,
    code,
    cause: entry.cause,
    category: entry.category,
    retryable: entry.retryable,
  };
  if (type !== undefined) f.keyStoreType = type;
  f.remediation = remediationFor(entry, type);
  if (fields.message !== undefined) f.message = fields.message;
  if (fields.operation !== undefined) f.operation = fields.operation;
  if (fields.customKeyStoreId !== undefined) f.customKeyStoreId = fields.customKeyStoreId;
  if (fields.keyId !== undefined) f.keyId = fields.keyId;
  if (fields.requestId !== undefined) f.requestId = fields.requestId;
  if (fields.httpStatusCode !== undefined) f.httpStatusCode = fields.httpStatusCode;
  if (fields.attempts !== undefined) f.attempts = fields.attempts;
  Object.defineProperty(f, "error", { value: error, enumerable: false });
  return Object.freeze(f) as unknown as KmsFailure;
}

function classifyFresh(error: unknown, context: FailureContext | undefined): KmsFailure {
  const input = context?.input;
  const secrets = input === undefined ? Secrets.none : collectSecrets(input);
  const { kind, entry, code, keyStoreType } = classifyError(error);
  const metadata = read(error, "$metadata");
  const rawMessage = str(read(error, "message"));
  const requestId = str(read(metadata, "requestId"));
  return makeFailure(
    kind,
    redact(code, secrets),
    entry,
    keyStoreType ?? (input === undefined ? undefined : keyStoreTypeOfInput(input)),
    {
      message: rawMessage === undefined || rawMessage === "" ? undefined : redact(rawMessage, secrets),
      operation: context === undefined ? undefined : str(context.operation),
      customKeyStoreId:
        context === undefined
          ? undefined
          : (str(context.customKeyStoreId) ?? str(read(input, "CustomKeyStoreId"))),
      keyId: context === undefined ? undefined : (str(context.keyId) ?? str(read(input, "KeyId"))),
      requestId: requestId === undefined ? undefined : redact(requestId, secrets),
      httpStatusCode: int(read(metadata, "httpStatusCode")),
      attempts: int(read(metadata, "attempts")),
    },
    error,
  );
}

/**
 * True for failures specific to custom key stores, and for general ones whose cause is a key store
 * cause (an XKS proxy timeout behind `KMSInvalidStateException`, say). Reads the catalog's
 * `customKeyStore` flag.
 *
 * @param failure - A classified failure.
 * @returns Whether a custom key store is involved.
 * @example
 * ```ts
 * import { classify, isCustomKeyStoreFailure } from "kms-keystore-errors";
 * declare const error: unknown;
 * if (isCustomKeyStoreFailure(classify(error))) console.log("page the key store owners");
 * ```
 * @public
 */
export const isCustomKeyStoreFailure = (failure: KmsFailure): boolean =>
  entryForCause(read(failure, "cause") as string)?.customKeyStore === true;
