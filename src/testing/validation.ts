import { type JsonObject, KmsError } from "./protocol.js";

/**
 * Constraints on a string member, as the KMS model declares them.
 * @internal
 */
export interface StringRule {
  readonly min?: number;
  readonly max?: number;
  /**
   * The pattern exactly as the KMS API reference writes it (e.g. `"^https://[a-zA-Z0-9.-]+$"`): it is
   * both the check (compiled as a JavaScript regular expression) and the text of the message.
   */
  readonly pattern?: string;
}

/** Compiled patterns, by their text. */
const compiled = new Map<string, RegExp>();
const regexOf = (pattern: string): RegExp => {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    regex = new RegExp(pattern);
    compiled.set(pattern, regex);
  }
  return regex;
};

/** The member path as KMS writes it in validation messages: first letter in lower case. */
const memberPath = (field: string): string =>
  field.replace(/(^|\.)([A-Z])/g, (_, dot, c) => dot + c.toLowerCase());

/**
 * A `ValidationException` in KMS's wording. It never quotes the value: members may be secrets.
 *
 * @param field - The member, e.g. `"XksProxyAuthenticationCredential.RawSecretAccessKey"`.
 * @param constraint - What the member must satisfy.
 * @returns The error to throw.
 * @internal
 */
export const invalid = (field: string, constraint: string): KmsError =>
  new KmsError(
    "ValidationException",
    `1 validation error detected: Value at '${memberPath(field)}' failed to satisfy constraint: ${constraint}`,
  );

/**
 * A `ValidationException` for a missing required member.
 *
 * @param field - The member name.
 * @returns The error to throw.
 * @internal
 */
export const missing = (field: string): KmsError =>
  new KmsError(
    "ValidationException",
    `1 validation error detected: Value null at '${memberPath(field)}' failed to satisfy constraint: Member must not be null`,
  );

const checkString = (value: unknown, field: string, rule: StringRule): string => {
  if (typeof value !== "string") throw invalid(field, "Member must be a string");
  if (rule.min !== undefined && value.length < rule.min) {
    throw invalid(field, `Member must have length greater than or equal to ${rule.min}`);
  }
  if (rule.max !== undefined && value.length > rule.max) {
    throw invalid(field, `Member must have length less than or equal to ${rule.max}`);
  }
  if (rule.pattern !== undefined && !regexOf(rule.pattern).test(value)) {
    throw invalid(field, `Member must satisfy regular expression pattern: ${rule.pattern}`);
  }
  return value;
};

/**
 * An optional string member.
 *
 * @param input - The request object.
 * @param field - The member name.
 * @param rule - Its constraints.
 * @returns The value, or undefined when absent (or `null`).
 * @internal
 */
export const optString = (input: JsonObject, field: string, rule: StringRule = {}): string | undefined => {
  const value = input[field];
  return value === undefined || value === null ? undefined : checkString(value, field, rule);
};

/**
 * A required string member.
 *
 * @param input - The request object.
 * @param field - The member name.
 * @param rule - Its constraints.
 * @returns The value.
 * @internal
 */
export const reqString = (input: JsonObject, field: string, rule: StringRule = {}): string => {
  const value = optString(input, field, rule);
  if (value === undefined) throw missing(field);
  return value;
};

/**
 * An optional enum member.
 *
 * @param input - The request object.
 * @param field - The member name.
 * @param values - The allowed values.
 * @returns The value, or undefined when absent.
 * @internal
 */
export const optEnum = <T extends string>(
  input: JsonObject,
  field: string,
  values: readonly T[],
): T | undefined => {
  const value = optString(input, field);
  if (value !== undefined && !(values as readonly string[]).includes(value)) {
    throw invalid(field, `Member must satisfy enum value set: [${values.join(", ")}]`);
  }
  return value as T | undefined;
};

/**
 * An optional integer member.
 *
 * @param input - The request object.
 * @param field - The member name.
 * @param min - The smallest allowed value.
 * @param max - The largest allowed value.
 * @returns The value, or undefined when absent.
 * @internal
 */
export const optInt = (input: JsonObject, field: string, min: number, max: number): number | undefined => {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value))
    throw invalid(field, "Member must be an integer");
  if (value < min) throw invalid(field, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw invalid(field, `Member must have value less than or equal to ${max}`);
  return value;
};

/**
 * An optional boolean member.
 *
 * @param input - The request object.
 * @param field - The member name.
 * @returns The value, or undefined when absent.
 * @internal
 */
export const optBool = (input: JsonObject, field: string): boolean | undefined => {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw invalid(field, "Member must be a boolean");
  return value;
};

/**
 * An optional structure member.
 *
 * @param input - The request object.
 * @param field - The member name.
 * @returns The value, or undefined when absent.
 * @internal
 */
export const optObject = (input: JsonObject, field: string): JsonObject | undefined => {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw invalid(field, "Member must be a structure");
  return value as JsonObject;
};

/**
 * An optional blob member (base64 in JSON).
 *
 * @param input - The request object.
 * @param field - The member name.
 * @param min - The smallest allowed size in bytes.
 * @param max - The largest allowed size in bytes.
 * @returns The decoded bytes, or undefined when absent.
 * @internal
 */
export const optBlob = (input: JsonObject, field: string, min: number, max: number): Buffer | undefined => {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
    throw new KmsError("SerializationException", `Value for '${memberPath(field)}' is not valid base64.`);
  }
  const bytes = Buffer.from(value, "base64");
  if (bytes.length < min) throw invalid(field, `Member must have length greater than or equal to ${min}`);
  if (bytes.length > max) throw invalid(field, `Member must have length less than or equal to ${max}`);
  return bytes;
};

/**
 * A required blob member (base64 in JSON).
 *
 * @param input - The request object.
 * @param field - The member name.
 * @param min - The smallest allowed size in bytes.
 * @param max - The largest allowed size in bytes.
 * @returns The decoded bytes.
 * @internal
 */
export const reqBlob = (input: JsonObject, field: string, min: number, max: number): Buffer => {
  const value = optBlob(input, field, min, max);
  if (value === undefined) throw missing(field);
  return value;
};

/**
 * An optional map of strings to strings (an encryption context).
 *
 * @param input - The request object.
 * @param field - The member name.
 * @returns The map, or undefined when absent.
 * @internal
 */
export const optStringMap = (
  input: JsonObject,
  field: string,
): Readonly<Record<string, string>> | undefined => {
  const value = optObject(input, field);
  if (value === undefined) return undefined;
  for (const v of Object.values(value)) {
    if (typeof v !== "string") throw invalid(field, "Map values must be strings");
  }
  return value as Readonly<Record<string, string>>;
};
