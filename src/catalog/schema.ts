/**
 * The shapes of catalog data. Every list here is `as const` data; the types that the rest of the
 * library uses (`Kind`, `Cause`, `Category`) are derived from it, never written twice.
 */

/**
 * Who or what must change for the failure to go away.
 *
 * - `configuration`: a setting of the key store, its proxy, cluster or network must be fixed.
 * - `connectivity`: the backing key store cannot be reached right now.
 * - `key-state`: the KMS key (or the external key) is in a state that refuses the operation.
 * - `throttling`: a request-rate limit; retry with backoff.
 * - `transient`: a passing fault in KMS or on the way to it; retry.
 * - `authorization`: credentials, signatures or permissions.
 * - `input`: the request itself is invalid.
 * - `quota`: a resource quota (not a rate); needs a quota increase or a cleanup.
 * - `conflict`: the resource is in use or in an incompatible state for this change.
 * - `not-found`: the named resource does not exist where the request looked.
 * - `unknown`: not enough information to say.
 *
 * @example
 * ```ts
 * import { CATEGORIES, catalog } from "kms-keystore-errors";
 * for (const category of CATEGORIES) console.log(category, catalog.filter((e) => e.category === category).length);
 * ```
 * @public
 */
export const CATEGORIES = [
  "configuration",
  "connectivity",
  "key-state",
  "throttling",
  "transient",
  "authorization",
  "input",
  "quota",
  "conflict",
  "not-found",
  "unknown",
] as const;

/**
 * Who or what must change for a failure to go away; one of {@link CATEGORIES}.
 * @public
 */
export type Category = (typeof CATEGORIES)[number];

/**
 * The two kinds of custom key store, spelled as KMS spells them (`CustomKeyStoreType`).
 * Keys with imported key material (origin `EXTERNAL`) are not in an external key store.
 *
 * @example
 * ```ts
 * import { KEY_STORE_TYPES, catalog } from "kms-keystore-errors";
 * for (const type of KEY_STORE_TYPES) console.log(type, catalog.filter((e) => e.keyStoreType === type).length);
 * ```
 * @public
 */
export const KEY_STORE_TYPES = ["AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"] as const;

/**
 * `AWS_CLOUDHSM` or `EXTERNAL_KEY_STORE`; one of {@link KEY_STORE_TYPES}.
 * @public
 */
export type KeyStoreType = (typeof KEY_STORE_TYPES)[number];

/**
 * True for `AWS_CLOUDHSM` and `EXTERNAL_KEY_STORE` (an untrusted value, such as a describe entry's).
 * @internal
 */
export const isKeyStoreType = (value: unknown): value is KeyStoreType =>
  (KEY_STORE_TYPES as readonly unknown[]).includes(value);

/**
 * What to do about a failure.
 * @public
 */
export interface Remediation {
  /** One or two sentences: what this failure means and what usually causes it. */
  readonly summary: string;
  /** Imperative, concrete steps in order: name the setting, the principal, the API call or CLI command. */
  readonly steps: readonly string[];
  /** Canonical AWS documentation URLs (`https://docs.aws.amazon.com/kms/...`), most useful first. */
  readonly docs: readonly string[];
}

/**
 * One cause of failure, with everything known about it. `kinds` lists every failure `kind` that can
 * carry this cause; `codes` lists what identifies it directly (exception names whose fallback cause
 * it is, and `ConnectionErrorCode` values).
 * @public
 */
export interface CatalogEntry<C extends string = string, K extends string = string> {
  /** SCREAMING_SNAKE_CASE identifier; a `ConnectionErrorCode` verbatim where one means the same thing. */
  readonly cause: C;
  /** Every failure kind that can carry this cause. */
  readonly kinds: readonly K[];
  /** Exception names and connection error codes that map directly to this cause. */
  readonly codes: readonly string[];
  /** Set when the cause exists for one type of custom key store only. */
  readonly keyStoreType?: KeyStoreType;
  /** Who or what must change. */
  readonly category: Category;
  /**
   * True when the same request, unchanged, may succeed soon. For a `ConnectionFailed` cause the
   * request is the whole reconnect cycle: `ensureConnected`, unchanged, may succeed (a `FAILED` store
   * refuses `ConnectCustomKeyStore` until it is disconnected).
   */
  readonly retryable: boolean;
  /** True when the cause is specific to custom key stores (CloudHSM or external). */
  readonly customKeyStore: boolean;
  /** What to do. When `byKeyStoreType` is present this text covers both store types. */
  readonly remediation: Remediation;
  /** Remediation variants chosen when the key store type is known. */
  readonly byKeyStoreType?: { readonly [T in KeyStoreType]?: Remediation };
}

/**
 * Defines one catalog entry, keeping `cause` and `kinds` as literal types (so that `KmsFailure` can be
 * derived from the data) while the text stays typed as plain `Remediation`.
 * @internal
 */
export const entry = <const C extends string, const K extends string>(
  e: CatalogEntry<C, K>,
): CatalogEntry<C, K> => e;

/**
 * A message rule: when a catch-all exception's message contains any of `match` (after normalising
 * case, punctuation and whitespace; an inner array means "all of these"), the failure gets `cause`.
 * Rules are tried in order; the first match wins, so more specific rules come first.
 * @internal
 */
export interface MessageRule<C extends string = string> {
  readonly cause: C;
  /** Fragments; a string matches when contained, an array when every element is contained. */
  readonly match: readonly (string | readonly string[])[];
  /** The store type this message implies, when it names one. */
  readonly keyStoreType?: KeyStoreType;
  /**
   * Set when no documented message backs the rule: the fragments are an inference from related
   * wording, so the cause is a likely reading, not a documented one.
   */
  readonly heuristic?: true;
}
