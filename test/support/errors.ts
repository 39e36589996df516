import * as kms from "@aws-sdk/client-kms";

/** The SDK's own exception class for a name, when the installed client exports one. */
export const sdkExceptionClass = (name: string): (new (opts: never) => Error) | undefined => {
  const value = (kms as Record<string, unknown>)[name];
  return typeof value === "function" && name.endsWith("Exception") && name !== "KMSServiceException"
    ? (value as new (
        opts: never,
      ) => Error)
    : undefined;
};

/** Every exception class name the installed `@aws-sdk/client-kms` exports. */
export const sdkExceptionNames = (): string[] =>
  Object.keys(kms).filter((name) => sdkExceptionClass(name) !== undefined);

/**
 * An error as the SDK throws it for a KMS error response: the SDK's own class when it has one
 * (modeled exceptions), else a plain `KMSServiceException` named after the wire code.
 */
export function serviceError(
  name: string,
  message = "",
  metadata: { httpStatusCode?: number; requestId?: string; attempts?: number } = {},
): Error {
  const $metadata = { httpStatusCode: 400, requestId: "req-1", attempts: 1, ...metadata };
  const Ctor = sdkExceptionClass(name);
  if (Ctor !== undefined) return new Ctor({ message, $metadata } as never);
  return new kms.KMSServiceException({
    name,
    $fault: ($metadata.httpStatusCode ?? 400) >= 500 ? "server" : "client",
    $metadata,
    message,
  });
}

/** The same error as another copy of the SDK would throw it: no shared class, same duck-typed shape. */
export const foreignServiceError = (name: string, message: string, status = 400) =>
  Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status, requestId: "foreign-req", attempts: 1 },
  });

/** A Node socket error. */
export const socketError = (code: string, message = `connect ${code} 127.0.0.1:443`) =>
  Object.assign(new Error(message), { code, errno: -1, syscall: "connect" });
