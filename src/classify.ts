import {
  type Cause,
  catalogEntry,
  entryForCause,
  isServiceKind,
  type KnownCatalogEntry,
  kindOf,
} from "./catalog/index.js";
import type { Kind } from "./catalog/kinds.js";
import { isKeyStoreType, type KeyStoreType } from "./catalog/schema.js";
import { ENCRYPTION_SDK } from "./catalog/services.js";
import {
  FAILURE_KEY,
  type FailureContext,
  type FailureVia,
  type KmsFailure,
  makeFailure,
  withFields,
} from "./failure.js";
import { innerErrors, isEncryptionSdkAggregate, mayBeWrapped, reach } from "./reach.js";
import { collectSecrets, redact, Secrets } from "./redact.js";
import { entryOfKind, fallbackEntry, resolveKind } from "./rules.js";

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
  /** How the failure reached the caller through another service (strings not yet redacted). */
  readonly via?: Omit<FailureVia, "operation"> | undefined;
  /** The failures behind an aggregated error, in order, with their messages. */
  readonly inner?: readonly (Classified & { readonly message: string })[] | undefined;
  /** The message to report, when it is not the error's own (an aggregated error's chosen inner one). */
  readonly message?: string | undefined;
}

/** The fallback entry of one of the catalog's own kinds (every kind has at least one entry). */
const fallbackOf = (kind: Kind, code?: string): KnownCatalogEntry =>
  fallbackEntry(kind, code) as KnownCatalogEntry;

/** A KMS service error: its name is a known KMS kind, or it carries `$fault`/`$metadata`. */
function classifyServiceError(name: string, message: string, status: number | undefined): Classified {
  if (isServiceKind(name)) {
    const { entry, rule } = resolveKind(name, message) ?? { entry: fallbackOf(name) };
    return { kind: name, entry, code: name, keyStoreType: rule?.keyStoreType ?? kindOf(name)?.keyStoreType };
  }
  const known = entryOfKind(name, "UnknownServiceError");
  if (known !== undefined) return { kind: "UnknownServiceError", entry: known, code: name };
  const cause: Cause =
    status === 429
      ? "UNKNOWN_THROTTLING_ERROR"
      : status !== undefined && status >= 500
        ? "UNKNOWN_SERVER_ERROR"
        : "UNKNOWN_SERVICE_ERROR";
  return { kind: "UnknownServiceError", entry: catalogEntry(cause), code: name };
}

/** The transport cause named by a socket/HTTP code anywhere in the cause chain, if any. */
function transportEntry(error: unknown): { entry: KnownCatalogEntry; code: string } | undefined {
  for (const link of causeChain(error)) {
    for (const candidate of [str(read(link, "code")), str(read(link, "name"))]) {
      const entry = entryOfKind(candidate, "TransportError");
      if (entry !== undefined) return { entry, code: candidate as string };
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
  return catalogEntry(cause);
};

const FETCH_FAILURE =
  /fetch failed|failed to fetch|networkerror|network request failed|load failed|network error/i;

/**
 * How specific an inner failure is, for choosing the one an aggregated error stands for: custom key
 * store causes first, then KMS's own errors, then transport errors, then anything else.
 */
const specificity = (c: Classified): number =>
  c.entry.customKeyStore ? 3 : isServiceKind(c.kind) ? 2 : c.kind === "Unrecognized" ? 0 : 1;

/**
 * The AWS Encryption SDK's aggregated decrypt error: its inner errors survive only as stack text
 * (`Name: message`). The failure is the most specific inner one (the first of equals), with every
 * inner one kept in order.
 */
function classifyAggregate(name: string, message: string): Classified | undefined {
  const inner = innerErrors(message).map((e) => ({ ...classifyError(e, undefined), message: e.message }));
  let best = inner[0];
  if (best === undefined) return undefined;
  for (const c of inner) if (specificity(c) > specificity(best)) best = c;
  return {
    kind: best.kind,
    entry: best.entry,
    code: best.code,
    keyStoreType: best.keyStoreType,
    via: { service: ENCRYPTION_SDK, code: name },
    inner,
    message: best.message,
  };
}

function classifyError(error: unknown, service: string | undefined): Classified {
  const name = str(read(error, "name")) ?? "";
  const code = str(read(error, "code"));
  const message = str(read(error, "message")) ?? "";
  const fault = read(error, "$fault");
  const metadata = read(error, "$metadata");
  const status = int(read(metadata, "httpStatusCode"));

  if (name === "AbortError" || code === "ABORT_ERR") {
    return { kind: "Aborted", entry: fallbackOf("Aborted", "AbortError"), code: name || (code as string) };
  }
  if (name === "CredentialsProviderError" || name === "TokenProviderError") {
    return { kind: name, entry: fallbackOf(name), code: name };
  }
  // No error code in the response at all (an empty or foreign body): the SDK's placeholder name.
  // KMS always names its errors, so this answer did not come from KMS.
  if (name === UNNAMED_ERROR && (fault === "client" || fault === "server")) {
    return { kind: "TransportError", entry: nonKmsResponse(status), code: name };
  }
  // A KMS response: a known name, or the SDK's fault marker. Checked before the transport codes
  // because it is by far the common case.
  const kmsKind = isServiceKind(name);
  if (kmsKind || ((fault === "client" || fault === "server") && name !== "" && name !== "SyntaxError")) {
    // Another service's wrapper of a KMS failure; for a plain KMS error, one map lookup says no.
    if (mayBeWrapped(name, kmsKind, service)) {
      const reached = reach({
        name,
        message,
        status,
        code: str(read(error, "Code")),
        kmsKeyState: str(read(error, "kmsKeyState")),
        service,
      });
      if (reached !== undefined) {
        return {
          kind: reached.kind,
          entry: reached.entry,
          code: name,
          keyStoreType: reached.keyStoreType ?? kindOf(reached.kind)?.keyStoreType,
          via: {
            service: reached.service,
            code: name,
            ...(reached.queryCode === undefined ? {} : { queryCode: reached.queryCode }),
            ...(reached.kmsRequestId === undefined ? {} : { kmsRequestId: reached.kmsRequestId }),
          },
        };
      }
    }
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
    return { kind: "TransportError", entry: catalogEntry("NETWORK_ERROR"), code: name };
  }
  if (isEncryptionSdkAggregate(message)) {
    const aggregated = classifyAggregate(name || "Error", message);
    if (aggregated !== undefined) return aggregated;
  }
  // Not a KMS or transport error: the SDK's own configuration errors (a client without a Region)
  // are known by their message; anything else stays unrecognised.
  return {
    kind: "Unrecognized",
    entry: resolveKind("Unrecognized", message)?.entry ?? catalogEntry("UNRECOGNIZED"),
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

/** Fills the context fields a failure lacks; returns the same failure when it lacks none. */
function withContext(failure: KmsFailure, context: FailureContext | undefined): KmsFailure {
  if (context === undefined) return failure;
  const ids = contextIds(context);
  return withFields(failure, {
    operation: "operation" in failure || "via" in failure ? undefined : ids.operation,
    customKeyStoreId: "customKeyStoreId" in failure ? undefined : ids.customKeyStoreId,
    keyId: "keyId" in failure ? undefined : ids.keyId,
  });
}

/** The identifiers a context gives: its own fields first, else the command input's. */
const contextIds = (
  context: FailureContext | undefined,
): { operation?: string | undefined; customKeyStoreId?: string | undefined; keyId?: string | undefined } =>
  context === undefined
    ? NO_IDS
    : {
        operation: str(context.operation),
        customKeyStoreId: str(context.customKeyStoreId) ?? str(read(context.input, "CustomKeyStoreId")),
        keyId: str(context.keyId) ?? str(read(context.input, "KeyId")),
      };
const NO_IDS = Object.freeze({});

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
    return makeFailure("Unrecognized", "Unrecognized", catalogEntry("UNRECOGNIZED"), undefined, {}, error);
  }
}

/** The service `context` names, when it is a usable string. */
const serviceOf = (context: FailureContext | undefined): string | undefined => {
  const service = context === undefined ? undefined : str(read(context, "service"));
  return service === undefined || service === "" || service.length > 128 ? undefined : service;
};

function classifyFresh(error: unknown, context: FailureContext | undefined): KmsFailure {
  const input = context?.input;
  const secrets = input === undefined ? Secrets.none : collectSecrets(input);
  const classified = classifyError(error, serviceOf(context));
  const { kind, entry, code, keyStoreType, via } = classified;
  const metadata = read(error, "$metadata");
  // An aggregated error reports its chosen inner failure's message.
  const rawMessage = classified.message ?? str(read(error, "message"));
  const ids = contextIds(context);
  return makeFailure(
    kind,
    redact(code, secrets),
    entry,
    keyStoreType ?? (input === undefined ? undefined : keyStoreTypeOfInput(input)),
    {
      message: rawMessage === undefined || rawMessage === "" ? undefined : redact(rawMessage, secrets),
      // Through another service, the context's operation is the service's: it goes into `via`.
      operation: via === undefined ? ids.operation : undefined,
      customKeyStoreId: ids.customKeyStoreId,
      keyId: ids.keyId,
      requestId: redactOptional(str(read(metadata, "requestId")), secrets),
      httpStatusCode: int(read(metadata, "httpStatusCode")),
      attempts: int(read(metadata, "attempts")),
      via: via === undefined ? undefined : viaOf(via, ids.operation, secrets),
      related: via === undefined ? undefined : relatedOf(classified, secrets),
    },
    error,
  );
}

/**
 * How a failure reached the caller through another service (or the AWS Encryption SDK), with the
 * context's operation as the service's; every string redacted, undefined members left out.
 */
function viaOf(
  via: NonNullable<Classified["via"]>,
  operation: string | undefined,
  secrets: Secrets,
): FailureVia {
  const out: { -readonly [K in keyof FailureVia]: FailureVia[K] } = {
    service: redact(via.service, secrets),
    code: redact(via.code, secrets),
  };
  if (operation !== undefined) out.operation = redact(operation, secrets);
  if (via.queryCode !== undefined) out.queryCode = redact(via.queryCode, secrets);
  if (via.kmsRequestId !== undefined) out.kmsRequestId = redact(via.kmsRequestId, secrets);
  return out;
}

/** The inner failures of an aggregated error, in order, as failures of their own (redacted). */
const relatedOf = (classified: Classified, secrets: Secrets): KmsFailure[] | undefined =>
  classified.inner?.map((c) =>
    makeFailure(
      c.kind,
      redact(c.code, secrets),
      c.entry,
      c.keyStoreType,
      { message: c.message === "" ? undefined : redact(c.message, secrets) },
      undefined,
    ),
  );

const redactOptional = (value: string | undefined, secrets: Secrets): string | undefined =>
  value === undefined ? undefined : redact(value, secrets);

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
