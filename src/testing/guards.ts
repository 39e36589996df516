/**
 * Small checks on untyped JSON that the emulators share.
 */

/**
 * True for a plain JSON object: not null, not an array.
 * @param value - Any value.
 * @returns Whether it is a record.
 * @internal
 */
export const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Canonical, padded Base64 (as the XKS proxy API encodes bytes).
 * @internal
 */
export const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
