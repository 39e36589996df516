/**
 * Redaction and terminal safety: the one module that keeps secrets out of failures, log entries,
 * formatted text, CLI output, diagnostic reports and the emulators' request logs.
 *
 * Secrets are collected from a command input by field ({@link SECRET_FIELDS}) or given by value
 * ({@link secretsOf}), and then found in foreign text (a service's or proxy's message) in every form
 * an echo takes:
 * - exactly, and in any letter case;
 * - with whitespace, control, zero-width or bidi characters inserted anywhere (a re-flowed message);
 * - Base64 (at any byte alignment, padded or not), Base64url, hex in either case, URL-encoded
 *   (percent or form encoding) and JSON-escaped, for string and byte secrets alike;
 * - cut: a prefix or a suffix of {@link PARTIAL_MATCH_LENGTH} or more characters of any of those
 *   forms (a message truncated by whoever sent it).
 * SigV4 `Credential=` and `Signature=` values are redacted wherever they appear. Text is redacted
 * before it is cut, always. Everything here is pure and total: no Node built-ins, no throws.
 */

/** The placeholder that replaces every secret value. @internal */
export const REDACTED = "[REDACTED]";

/**
 * Members of command inputs (at any depth) whose values are secret. KMS: plaintext, ciphertext,
 * passwords, MAC messages and the external key store proxy credential (both its parts). The other
 * services whose KMS failures the middleware classifies: the data they encrypt with KMS (S3 `Body`
 * and `SSECustomerKey`, SQS `MessageBody`, SNS `Message`, Lambda `Payload` and `ClientContext`,
 * Kinesis `Data`, Secrets Manager `SecretString`/`SecretBinary`, SSM `Value`, Step Functions `input`,
 * DynamoDB `Item` and `ExpressionAttributeValues`).
 * @internal
 */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  "Plaintext",
  "CiphertextBlob",
  "SourceCiphertextBlob",
  "KeyStorePassword",
  "RawSecretAccessKey",
  "AccessKeyId",
  "XksProxyAuthenticationCredential",
  "Message",
  "Mac",
  "EncryptedKeyMaterial",
  "ImportToken",
  "CiphertextForRecipient",
  "SharedSecret",
  "PrivateKeyPlaintext",
  "PrivateKeyCiphertextBlob",
  "Body",
  "SSECustomerKey",
  "MessageBody",
  "Payload",
  "ClientContext",
  "Data",
  "SecretString",
  "SecretBinary",
  "Value",
  "input",
  "Item",
  "ExpressionAttributeValues",
]);

/** Secret values shorter than this (in characters or bytes) cannot be told from ordinary text. */
const MIN_SECRET_LENGTH = 4;
/**
 * A prefix or suffix of a secret's form this long or longer is redacted wherever it occurs: what a
 * sender's own truncation leaves of an echo.
 * @internal
 */
export const PARTIAL_MATCH_LENGTH = 12;
/** Longest text {@link redact} returns by default; longer text is cut (after redaction) and marked. */
const MAX_TEXT_LENGTH = 2048;
/** Text beyond this is not looked at: it is cut first (with room for the longest secret form). */
const MAX_SCANNED_LENGTH = 65_536;
/** How deep an input is walked for secrets, and how many nodes at most (linear, bounded work). */
const MAX_DEPTH = 16;
const MAX_NODES = 10_000;
/** Secret values kept from one input at most (each yields a dozen forms). */
const MAX_SECRETS = 256;

// ---------------------------------------------------------------------------------------------
// Terminal safety
// ---------------------------------------------------------------------------------------------

/**
 * ANSI/ECMA-48 escape sequences (CSI, OSC with BEL or ST terminator, DCS/SOS/PM/APC strings, and
 * two-character escapes), in their 7-bit and 8-bit (C1) forms.
 */
const ESCAPE_SEQUENCES =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape sequences is the point.
  /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?|(?:\u001b[\]PX^_]|[\u009d\u0090\u0098\u009e\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[\u0020-\u002f]*[\u0030-\u007e]?/g;

/**
 * Characters never printed as they are: C0 and C1 controls (DEL included), line and paragraph
 * separators, and the bidirectional formatting characters (embeddings, overrides, isolates, marks)
 * that can make a terminal show text in another order than it is.
 */
const UNPRINTABLE_CLASS =
  "[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]";
const UNPRINTABLE = new RegExp(`${UNPRINTABLE_CLASS}+`, "g");
const UNPRINTABLE_TEST = new RegExp(UNPRINTABLE_CLASS);

/**
 * Makes text safe to print on a terminal or in a line-oriented log: escape sequences are removed,
 * and every other run of control, line-separator or bidi-formatting characters becomes one space.
 * Use it on text that holds no secret (ours, or already passed through {@link redact}, which applies it).
 *
 * @param text - Any text.
 * @returns Printable text on one line.
 * @internal
 */
export function sanitize(text: string): string {
  if (!UNPRINTABLE_TEST.test(text)) return text;
  return text.replace(ESCAPE_SEQUENCES, "").replace(UNPRINTABLE, " ");
}

/** Characters JSON.stringify leaves raw that a terminal or a JavaScript parser may act on. */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `JSON.stringify`, with DEL, the C1 controls, the line/paragraph separators and the bidi
 * formatting characters escaped as `\u` escapes (`\u0085`) as well (JSON only requires it of C0), so that printed
 * JSON cannot drive a terminal either. Never throws: a value that cannot be serialised (a cycle, a
 * BigInt, a throwing `toJSON`) gives `null`.
 *
 * @param value - What to serialise.
 * @param space - Indentation, as for `JSON.stringify`.
 * @returns JSON text, ASCII-safe for terminals.
 * @internal
 */
export function toSafeJson(value: unknown, space?: number): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value, undefined, space);
  } catch {
    // A cycle, a BigInt or a throwing `toJSON`: nothing to print.
  }
  if (json === undefined) return "null";
  return json.replace(JSON_UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

// ---------------------------------------------------------------------------------------------
// Collecting secrets
// ---------------------------------------------------------------------------------------------

const safeGet = (obj: object, key: string): unknown => {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    // A throwing getter or proxy trap: no value.
  }
  return undefined;
};

const safeKeys = (obj: object): string[] => {
  try {
    return Object.keys(obj);
  } catch {
    return [];
  }
};

/** The bytes of a typed array, DataView or ArrayBuffer from any realm (not `instanceof`). */
function bytesOf(value: unknown): Uint8Array | undefined {
  try {
    if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    const tag = Object.prototype.toString.call(value);
    if (tag === "[object ArrayBuffer]" || tag === "[object SharedArrayBuffer]") {
      return new Uint8Array(value as ArrayBuffer);
    }
  } catch {
    // A detached buffer or a hostile object: no bytes.
  }
  return undefined;
}

/**
 * A set of secret values, ready to be redacted from text. Immutable; the encoded forms are computed
 * on first use. Build one with {@link collectSecrets} or {@link secretsOf}.
 * @internal
 */
export class Secrets {
  /** No secrets: {@link redact} then only sanitises and cuts. */
  static readonly none: Secrets = new Secrets([]);
  /** The secret values as given: strings, and bytes (copied). */
  readonly values: readonly (string | Uint8Array)[];
  #matchers: readonly Matcher[] | undefined;

  /** @param values - Strings and byte arrays; shorter ones than 4 are ignored. */
  constructor(values: readonly (string | Uint8Array)[]) {
    this.values = values;
  }

  /** How many secret values there are. */
  get size(): number {
    return this.values.length;
  }

  /** The skeletons of every form of every value, for matching. @internal */
  matchers(): readonly Matcher[] {
    this.#matchers ??= buildMatchers(this.values);
    return this.#matchers;
  }

  /**
   * These secrets and more.
   *
   * @param other - More secrets.
   * @returns A new set holding both.
   */
  with(other: Secrets): Secrets {
    if (other.size === 0) return this;
    if (this.size === 0) return other;
    return new Secrets([...this.values, ...other.values]);
  }
}

/** Adds one leaf value (a string or bytes) to `out`, when long enough; false for any other value. */
function addLeaf(value: unknown, out: (string | Uint8Array)[]): boolean {
  if (typeof value === "string") {
    if (value.length >= MIN_SECRET_LENGTH) out.push(value);
    return true;
  }
  const bytes = bytesOf(value);
  if (bytes === undefined) return false;
  if (bytes.length > 0) out.push(bytes.slice());
  return true;
}

/**
 * Walks `input` once (iteratively: a seen-set, a depth cap and a node cap keep it linear in the
 * input's size whatever its shape). Under a member named in `fields` every string and byte leaf is a
 * secret; with `all`, every leaf of the whole input is.
 */
function walk(input: unknown, fields: ReadonlySet<string> | undefined, out: (string | Uint8Array)[]): void {
  const seen = new WeakSet<object>();
  const stack: { value: unknown; depth: number; secret: boolean }[] = [
    { value: input, depth: 0, secret: fields === undefined },
  ];
  let nodes = 0;
  while (stack.length > 0 && nodes < MAX_NODES && out.length < MAX_SECRETS) {
    const { value, depth, secret } = stack.pop() as { value: unknown; depth: number; secret: boolean };
    nodes++;
    if (secret && addLeaf(value, out)) continue;
    if (value === null || typeof value !== "object" || depth >= MAX_DEPTH) continue;
    if (seen.has(value) || bytesOf(value) !== undefined) continue;
    seen.add(value);
    const keys = safeKeys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      if (fields?.has(key) === true) continue;
      stack.push({ value: safeGet(value, key), depth: depth + 1, secret });
    }
    // Secret members last, so they are read first (before any cap is reached), and read by name
    // too, so that one served by a getter on the prototype (as a class instance has) is found.
    for (const key of fields ?? []) {
      const member = safeGet(value, key);
      if (member !== undefined) stack.push({ value: member, depth: depth + 1, secret: true });
    }
  }
}

/**
 * Collects the secret values of a command input (or of anything shaped like one): the members named
 * in {@link SECRET_FIELDS}, at any depth, strings and byte arrays (any realm) alike. Linear in the
 * input's size; never throws.
 *
 * @param input - A command input, or any untrusted value.
 * @returns The secrets found.
 * @internal
 */
export function collectSecrets(input: unknown): Secrets {
  return collect(input, SECRET_FIELDS);
}

/**
 * Secrets given by value: strings and byte arrays, or arrays and objects of them (every leaf
 * counts). For credentials, signatures and headers a caller holds itself.
 *
 * @param values - The secret values.
 * @returns The secrets.
 * @internal
 */
export function secretsOf(...values: readonly unknown[]): Secrets {
  return collect(values, undefined);
}

/** The secrets {@link walk} finds; a hostile input that throws keeps what was found before. */
function collect(input: unknown, fields: ReadonlySet<string> | undefined): Secrets {
  const out: (string | Uint8Array)[] = [];
  try {
    walk(input, fields, out);
  } catch {
    // A hostile input cannot stop classification; what was collected so far is still redacted.
  }
  return new Secrets(out);
}

// ---------------------------------------------------------------------------------------------
// Forms and skeletons
// ---------------------------------------------------------------------------------------------

/**
 * Characters an echo may have inserted into a secret without changing it: whitespace (Unicode
 * spaces, line breaks), C0/C1 controls, zero-width and other format characters (soft hyphen, bidi
 * marks, embeddings and isolates, word joiners, BOM), and the tag characters U+E0000–E007F.
 */
const IGNORABLE_SOURCE =
  "[\\s\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u034f\\u061c\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180f\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u206f\\u3164\\ufe00-\\ufe0f\\ufeff\\uffa0\\ufff0-\\ufff8]|\\udb40[\\udc00-\\udc7f]";
const IGNORABLE = new RegExp(`(?:${IGNORABLE_SOURCE})`, "y");
const IGNORABLE_CHAR = new RegExp(`^(?:${IGNORABLE_SOURCE})$`);
/**
 * Escape sequences of more than two characters (CSI, and OSC/DCS/SOS/PM/APC strings), which an echo
 * may have inserted whole. A two-character escape is not skipped whole: its ESC alone is ignorable,
 * so an ESC inserted before a secret's character does not hide that character.
 */
const LONG_ESCAPE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape sequences is the point.
  /(?:\u001b\[|\u009b)(?:[\u0030-\u003f]+[\u0020-\u002f]*|[\u0020-\u002f]+)[\u0040-\u007e]|(?:\u001b[\]PX^_]|[\u009d\u0090\u0098\u009e\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)/y;
/**
 * Escapes an echo may have written a secret's characters with, decoded wherever they occur: JSON's
 * `\u` with four hex digits, `\/`, `\\` and `\"`, and percent-encoded ASCII (`%2B`): any encoder's
 * choice of which characters to escape matches, not only the few forms built from the secret.
 */
const ESCAPED = /\\u([0-9A-Fa-f]{4})|\\([/\\"])|%([0-7][0-9A-Fa-f])/y;
/** Text the fast path reads as it is: printable ASCII and whitespace, nothing to skip. */
const PLAIN = /^[\x20-\x7e\t\n\r]*$/;
/** Text with something {@link ESCAPED} may decode. */
const MAY_BE_ESCAPED = /[%\\]/;
const WHITESPACE = /[ \t\n\r]+/g;

/**
 * The skeleton of `text`, which matching compares: ignorable characters and long escape sequences
 * left out, every character case-folded (upper-cased, then lower-cased, so `ß` and `SS` compare
 * equal), and with `decode` the escapes of {@link ESCAPED} decoded; and for each of its characters,
 * where in `text` it starts and ends.
 */
function skeletonWithPositions(
  text: string,
  decode: boolean,
): { s: string; starts: number[]; ends: number[] } {
  let s = "";
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < text.length; ) {
    IGNORABLE.lastIndex = i;
    LONG_ESCAPE.lastIndex = i;
    const skip = LONG_ESCAPE.exec(text) ?? IGNORABLE.exec(text);
    if (skip !== null) {
      i += skip[0].length;
      continue;
    }
    ESCAPED.lastIndex = i;
    const escaped = decode ? ESCAPED.exec(text) : null;
    let ch: string;
    let width: number;
    if (escaped !== null) {
      const code = escaped[1] ?? escaped[3];
      ch = code === undefined ? (escaped[2] as string) : String.fromCharCode(Number.parseInt(code, 16));
      width = escaped[0].length;
      // An escaped space or control character is as ignorable as a written one.
      if (IGNORABLE_CHAR.test(ch)) {
        i += width;
        continue;
      }
    } else {
      ch = String.fromCodePoint(text.codePointAt(i) as number);
      width = ch.length;
    }
    const folded = ch < "\u0080" ? ch.toLowerCase() : ch.toUpperCase().toLowerCase();
    for (let k = 0; k < folded.length; k++) {
      s += folded[k];
      starts.push(i);
      ends.push(i + width);
    }
    i += width;
  }
  return { s, starts, ends };
}

/** What matching compares: the skeleton of `text` (see {@link skeletonWithPositions}). */
const skeleton = (text: string, decode = false): string =>
  PLAIN.test(text) && !(decode && MAY_BE_ESCAPED.test(text))
    ? text.toLowerCase().replace(WHITESPACE, "")
    : skeletonWithPositions(text, decode).s;

/** One form of one secret, as a skeleton. @internal */
export interface Matcher {
  /** The form's length (as a skeleton). */
  readonly length: number;
  /**
   * The skeletons of the form's first and last {@link PARTIAL_MATCH_LENGTH} characters (the whole
   * form when it is no longer): the shortest cut that is still redacted.
   */
  readonly head: string;
  readonly tail: string;
  /** True when `head` is the whole form. */
  readonly short: boolean;
  /** The whole form's skeleton, built on first use. */
  form(): string;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8");

// The encoded forms are read straight as skeletons (lower case, ASCII) from tables of strings.
const chars = (text: string): readonly string[] => [...text];
/** Base64's alphabets, in lower case (the skeleton of a form is its lower case). */
const BASE64_LOWER = chars("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz0123456789+/");
const BASE64URL_LOWER = chars("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz0123456789-_");
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
/** Each byte as RFC 3986 writes it, lower case: unreserved ASCII as itself, else `%xx`. */
const PERCENT = Array.from({ length: 256 }, (_, byte) => {
  const ch = String.fromCharCode(byte);
  return /[A-Za-z0-9\-._~]/.test(ch) ? ch.toLowerCase() : `%${HEX[byte]}`;
});
/** The same, with a space as `+` (HTML form encoding). */
const PERCENT_PLUS = PERCENT.map((encoded, byte) => (byte === 0x20 ? "+" : encoded));
/** Every byte as `%xx`: a legal, if unusual, URL encoding some senders use. */
const PERCENT_ALL = HEX.map((pair) => `%${pair}`);
/** Each byte as a decoded text reads it: ASCII as itself (lower case), the others as `%xx`. */
const PERCENT_DECODED = Array.from({ length: 256 }, (_, byte) =>
  byte < 0x80 ? String.fromCharCode(byte).toLowerCase() : `%${HEX[byte]}`,
);
const PERCENT_DECODED_PLUS = PERCENT_DECODED.map((encoded, byte) => (byte === 0x20 ? "+" : encoded));
/** How many characters each table writes for each byte. */
const PERCENT_WIDTH = Uint8Array.from(PERCENT, (encoded) => encoded.length);
const PERCENT_PLUS_WIDTH = Uint8Array.from(PERCENT_PLUS, (encoded) => encoded.length);
const PERCENT_DECODED_WIDTH = Uint8Array.from(PERCENT_DECODED, (encoded) => encoded.length);
const PERCENT_DECODED_PLUS_WIDTH = Uint8Array.from(PERCENT_DECODED_PLUS, (encoded) => encoded.length);

/** JSON string escaping, plain and ASCII-only (as Python's `json.dumps` writes it). */
function jsonForms(text: string): string[] {
  const plain = JSON.stringify(text).slice(1, -1);
  const ascii = plain.replace(
    /[^\x20-\x7e]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return [plain, ascii];
}

/** Whether bytes are well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF). */
function isUtf8(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] as number;
    const need =
      b < 0x80
        ? 0
        : b >= 0xc2 && b <= 0xdf
          ? 1
          : b >= 0xe0 && b <= 0xef
            ? 2
            : b >= 0xf0 && b <= 0xf4
              ? 3
              : -1;
    if (need < 0 || i + need >= bytes.length + (need === 0 ? 1 : 0)) return false;
    const c = bytes[i + 1] ?? 0;
    if (need >= 1 && (c & 0xc0) !== 0x80) return false;
    if (
      (b === 0xe0 && c < 0xa0) ||
      (b === 0xed && c > 0x9f) ||
      (b === 0xf0 && c < 0x90) ||
      (b === 0xf4 && c > 0x8f)
    ) {
      return false;
    }
    for (let k = 2; k <= need; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return false;
    i += need + 1;
  }
  return true;
}

/**
 * Every form an echo of this value may take. The text forms (the value as text, JSON-escaped,
 * `encodeURIComponent`) are built and skeletonised at once: native string functions make them cheap.
 * The encoded forms (Base64 at each alignment and URL-safe, hex, percent-encodings) are read on
 * demand: a matcher needs only their first and last {@link PARTIAL_MATCH_LENGTH} characters until one
 * of those occurs in a text, and the whole form only then, so a large plaintext costs no more than a
 * small one until it is echoed.
 */
function matchersOf(value: string | Uint8Array, add: (m: Matcher) => void, seen: Set<string>): void {
  let bytes: Uint8Array;
  let text: string | undefined;
  if (typeof value === "string") {
    text = value;
    bytes = utf8.encode(value);
  } else {
    bytes = value;
    // Text only when the bytes are valid UTF-8 (checked without the cost of a thrown error).
    text = isUtf8(value) ? utf8Decoder.decode(value) : undefined;
  }
  if (text !== undefined) {
    const component = encodeURIComponent(text);
    // JavaScript's encodeURIComponent leaves !'()* alone, unlike RFC 3986.
    for (const [raw, decode] of [
      [text, false],
      [text, true],
      ...[...jsonForms(text), component, component.replace(/%20/g, "+")].map((f) => [f, false] as const),
    ] as const) {
      const form = skeleton(raw, decode);
      if (form.length < MIN_SECRET_LENGTH || seen.has(form)) continue;
      seen.add(form);
      // A cut keeps PARTIAL_MATCH_LENGTH characters of the form as written: what they leave once
      // skeletonised is the anchor (at least MIN_SECRET_LENGTH of it).
      const short = raw.length <= PARTIAL_MATCH_LENGTH;
      const head = short
        ? form
        : form.slice(
            0,
            Math.max(skeleton(raw.slice(0, PARTIAL_MATCH_LENGTH), decode).length, MIN_SECRET_LENGTH),
          );
      const tail = short
        ? form
        : form.slice(
            form.length -
              Math.max(skeleton(raw.slice(-PARTIAL_MATCH_LENGTH), decode).length, MIN_SECRET_LENGTH),
          );
      add({ length: form.length, head, tail, short, form: () => form });
    }
  }
  // The standalone Base64, and the three alignments inside a longer Base64 text; each URL-safe too.
  for (const alphabet of [BASE64_LOWER, BASE64URL_LOWER]) {
    add(base64Matcher(bytes, 0, true, alphabet));
    for (let offset = 0; offset < 3; offset++) add(base64Matcher(bytes, offset, false, alphabet));
  }
  add(
    encodedMatcher(bytes.length * 2, (from, to) => {
      let out = "";
      for (let k = from; k < to; k++) out += (HEX[bytes[k >> 1] as number] as string)[k & 1];
      return out;
    }),
  );
  // RFC 3986 percent-encoding (and with a space as `+`, as forms write it), and every byte as `%xx`.
  add(percentMatcher(bytes, PERCENT, PERCENT_WIDTH));
  if (bytes.includes(0x20)) add(percentMatcher(bytes, PERCENT_PLUS, PERCENT_PLUS_WIDTH));
  add(percentMatcher(bytes, PERCENT_ALL, undefined));
  // As decoded text reads any percent-encoding: ASCII as itself, the other bytes as `%xx` (compared
  // with a text whose escapes of ASCII characters were decoded; only needed when there are others).
  if (bytes.some((b) => b >= 0x80)) {
    add(percentMatcher(bytes, PERCENT_DECODED, PERCENT_DECODED_WIDTH));
    if (bytes.includes(0x20)) add(percentMatcher(bytes, PERCENT_DECODED_PLUS, PERCENT_DECODED_PLUS_WIDTH));
  }
}

/**
 * A matcher over an encoded form of `length` characters, `read(from, to)` giving any of them (as a
 * skeleton): its head and tail now, the whole form only when a text needs it.
 */
function encodedMatcher(length: number, read: (from: number, to: number) => string): Matcher {
  if (length <= PARTIAL_MATCH_LENGTH) {
    const form = read(0, length);
    return { length, head: form, tail: form, short: true, form: () => form };
  }
  let form: string | undefined;
  return {
    length,
    head: read(0, PARTIAL_MATCH_LENGTH),
    tail: read(length - PARTIAL_MATCH_LENGTH, length),
    short: false,
    form: () => {
      form ??= read(0, length);
      return form;
    },
  };
}

/**
 * A matcher over the Base64 of `bytes` as it appears after `offset` other bytes (0–2), in lower case:
 * with `whole`, the standalone encoding without padding (its last character depends on the secret
 * alone when nothing follows); otherwise only the characters that depend on the secret's bytes alone.
 */
function base64Matcher(
  bytes: Uint8Array,
  offset: number,
  whole: boolean,
  alphabet: readonly string[],
): Matcher {
  const total = offset + bytes.length;
  const first = Math.ceil((offset * 8) / 6);
  const last = whole ? Math.ceil((total * 8) / 6) : Math.floor((total * 8) / 6);
  return encodedMatcher(Math.max(0, last - first), (from, to) => {
    let out = "";
    for (let k = first + from; k < first + to; k++) {
      // Character k holds bits 6k…6k+5 of the stream: the secret after `offset` zero bytes.
      const bit = k * 6;
      const j = (bit >> 3) - offset;
      const hi = j < 0 ? 0 : (bytes[j] ?? 0);
      const lo = j + 1 < 0 ? 0 : (bytes[j + 1] ?? 0);
      out += alphabet[(((hi << 8) | lo) >> (10 - (bit & 7))) & 63];
    }
    return out;
  });
}

/**
 * A matcher over a percent-encoding, each byte written as `table` says; `widths` gives each byte's
 * width (every byte is 3 wide when absent).
 */
function percentMatcher(
  bytes: Uint8Array,
  table: readonly string[],
  widths: Uint8Array | undefined,
): Matcher {
  let length = bytes.length * 3;
  if (widths !== undefined) {
    length = 0;
    for (let i = 0; i < bytes.length; i++) length += widths[bytes[i] as number] as number;
  }
  const encode = (from: number, to: number): string => {
    let out = "";
    for (let i = from; i < to; i++) out += table[bytes[i] as number];
    return out;
  };
  // A character range of the form, from the bytes that write it (at most 12 bytes write 12 characters).
  const n = Math.min(bytes.length, PARTIAL_MATCH_LENGTH);
  return encodedMatcher(length, (from, to) => {
    if (from === 0 && to === length) return encode(0, bytes.length);
    return from === 0
      ? encode(0, n).slice(0, to)
      : encode(bytes.length - n, bytes.length).slice(from - length);
  });
}

function buildMatchers(values: readonly (string | Uint8Array)[]): Matcher[] {
  const seen = new Set<string>();
  const matchers: Matcher[] = [];
  const add = (m: Matcher): void => {
    if (m.length >= MIN_SECRET_LENGTH) matchers.push(m);
  };
  for (const value of values) matchersOf(value, add, seen);
  // Longest first: a long form's match covers what a shorter one would find inside it.
  return matchers.sort((a, b) => b.length - a.length);
}

/** Longest prefix of `form` at `s[at…]`. */
function extendForward(s: string, at: number, form: string): number {
  let n = 0;
  while (n < form.length && at + n < s.length && s.charCodeAt(at + n) === form.charCodeAt(n)) n++;
  return n;
}

/** Longest suffix of `form` ending at `s[…end)`. */
function extendBackward(s: string, end: number, form: string, floor: number): number {
  let n = 0;
  while (
    n < form.length &&
    end - n - 1 >= floor &&
    s.charCodeAt(end - n - 1) === form.charCodeAt(form.length - n - 1)
  ) {
    n++;
  }
  return n;
}

/** Ranges `[start, end)` of the skeleton that are a secret, or a cut secret. */
function findInSkeleton(s: string, matchers: readonly Matcher[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (const matcher of matchers) {
    const { head, tail } = matcher;
    if (matcher.short) {
      for (let at = s.indexOf(head); at !== -1; at = s.indexOf(head, at + head.length)) {
        ranges.push([at, at + head.length]);
      }
      continue;
    }
    // The whole form is built only when its head or tail occurs.
    if (s.indexOf(head) === -1 && s.indexOf(tail) === -1) continue;
    const form = matcher.form();
    // A form, or a prefix of it of at least PARTIAL_MATCH_LENGTH characters.
    for (let at = s.indexOf(head); at !== -1; ) {
      const n = extendForward(s, at, form);
      ranges.push([at, at + n]);
      at = s.indexOf(head, at + n);
    }
    // A suffix of it of at least PARTIAL_MATCH_LENGTH characters.
    let floor = 0;
    for (let at = s.indexOf(tail); at !== -1; at = s.indexOf(tail, at + tail.length)) {
      const end = at + tail.length;
      const n = extendBackward(s, end, form, floor);
      ranges.push([end - n, end]);
      floor = end;
    }
  }
  return ranges;
}

/**
 * Replaces the secrets' occurrences in `text` with the placeholder. The text is compared twice when it
 * holds escapes: as written (the forms built from the secret, cut or whole) and decoded (whatever
 * subset of characters an encoder escaped).
 */
function replaceSecrets(text: string, matchers: readonly Matcher[]): string {
  if (matchers.length === 0 || text.length < MIN_SECRET_LENGTH) return text;
  const decode = MAY_BE_ESCAPED.test(text);
  // Fast path: no form occurs in a skeleton, so nothing to map back.
  if (
    findInSkeleton(skeleton(text), matchers).length === 0 &&
    (!decode || findInSkeleton(skeleton(text, true), matchers).length === 0)
  ) {
    return text;
  }
  const ranges: [number, number][] = [];
  for (const decoded of decode ? [false, true] : [false]) {
    const { s, starts, ends } = skeletonWithPositions(text, decoded);
    for (const [start, end] of findInSkeleton(s, matchers)) {
      ranges.push([starts[start] as number, ends[end - 1] as number]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  let out = "";
  let cursor = 0;
  let open: [number, number] | undefined;
  for (const range of ranges) {
    if (open !== undefined && range[0] <= open[1]) {
      open[1] = Math.max(open[1], range[1]);
      continue;
    }
    if (open !== undefined) {
      out += text.slice(cursor, open[0]) + REDACTED;
      cursor = open[1];
    }
    open = [range[0], range[1]];
  }
  if (open !== undefined) {
    out += text.slice(cursor, open[0]) + REDACTED;
    cursor = open[1];
  }
  return out + text.slice(cursor);
}

/**
 * SigV4 material: the `Credential` scope (it starts with the access key id) and `Signature` values,
 * in an `Authorization` header, a presigned URL's query (also URL-encoded) or a JSON echo of either
 * (`"Signature": "…"`, `Credential: …`).
 */
const SIGV4 =
  /((?:X-Amz-)?Credential["']?\s*(?:=|:|%3D)\s*["']?)[^\s,;&"'<>]+|((?:X-Amz-)?Signature["']?\s*(?:=|:|%3D)\s*["']?)[0-9A-Fa-f]{8,}/gi;
const SIGV4_TEST = /credential|signature/i;

// ---------------------------------------------------------------------------------------------
// Redaction
// ---------------------------------------------------------------------------------------------

/**
 * Makes foreign text (a service's or proxy's message, a server's answer) safe to keep: the text is
 * sanitised ({@link sanitize}), every form of every secret becomes `[REDACTED]`, SigV4 credentials
 * and signatures too, and only then is it cut to `maxLength` (marked `… [truncated]`). Text past
 * 64 KiB is not read. Never cut foreign text before passing it here.
 *
 * @param text - Foreign text.
 * @param secrets - From {@link collectSecrets} or {@link secretsOf}.
 * @param maxLength - Longest result (before the marker).
 * @returns Text safe to log and print.
 * @internal
 */
export function redact(text: string, secrets: Secrets = Secrets.none, maxLength = MAX_TEXT_LENGTH): string {
  let out = text;
  const matchers = secrets.size === 0 ? [] : secrets.matchers();
  if (out.length > MAX_SCANNED_LENGTH) {
    // Room for the longest form, so that a secret straddling the scan limit is still whole.
    const room = matchers.reduce((n, m) => Math.max(n, m.length), 0);
    out = out.slice(0, MAX_SCANNED_LENGTH + room);
  }
  // Matched before it is sanitised: the skeleton skips escape sequences whole, and a lone ESC or
  // other control character alone, so an ESC inserted before a secret's character cannot take
  // that character with it when the text is sanitised.
  out = sanitize(replaceSecrets(out, matchers));
  if (SIGV4_TEST.test(out)) out = out.replace(SIGV4, sigv4Replacement);
  return out.length > maxLength ? `${out.slice(0, maxLength)}… [truncated]` : out;
}

/**
 * Replaces every form of every secret, and SigV4 credentials and signatures, in text that is already
 * safe to print (built from redacted parts), keeping its line breaks and styling: the last pass over a
 * whole output. Foreign text goes through {@link redact} first, which also sanitises and cuts.
 *
 * @param text - Printable text, possibly multi-line.
 * @param secrets - From {@link collectSecrets} or {@link secretsOf}.
 * @returns The text with the secrets replaced.
 * @internal
 */
export function redactOutput(text: string, secrets: Secrets): string {
  const out = replaceSecrets(text, secrets.size === 0 ? [] : secrets.matchers());
  return SIGV4_TEST.test(out) ? out.replace(SIGV4, sigv4Replacement) : out;
}

const sigv4Replacement = (_match: string, credential?: string, signature?: string): string =>
  credential === undefined ? `${signature}${REDACTED}` : `${credential}${REDACTED}`;

/** A JSON blob: Base64 text as the JSON protocols send `Plaintext` and other byte members. */
const BLOB = /^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The secrets of a wire body, and for each that is a Base64 blob its bytes as well: an echo of
 * `Plaintext` is an echo of the bytes the blob stands for, in any of their forms.
 */
function withBlobBytes(secrets: Secrets): Secrets {
  const bytes: Uint8Array[] = [];
  for (const value of secrets.values) {
    if (typeof value !== "string" || !BLOB.test(value)) continue;
    try {
      const binary = atob(value);
      const decoded = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) decoded[i] = binary.charCodeAt(i);
      bytes.push(decoded);
    } catch {
      // Not Base64 after all: the text alone is the secret.
    }
  }
  return bytes.length === 0 ? secrets : secrets.with(new Secrets(bytes));
}

/** How deep {@link redactTree} copies; deeper values are replaced by a marker. */
const MAX_TREE_DEPTH = 64;

/**
 * A redacted copy of a JSON-like value (a request body for a log): members named in `fields` become
 * `[REDACTED]`, every string is redacted by value (a secret member sent as a Base64 blob counts as its
 * bytes too), and nesting past 64 levels (or past 10,000 nodes) becomes `"[TOO DEEP]"`. Iterative:
 * any depth of input is safe.
 *
 * @param value - A parsed JSON value, or anything.
 * @param secrets - Values to redact from strings.
 * @param fields - Member names whose values are secret.
 * @returns The copy.
 * @internal
 */
export function redactTree(
  value: unknown,
  secrets: Secrets = Secrets.none,
  fields: ReadonlySet<string> = SECRET_FIELDS,
): unknown {
  const all = secrets.with(withBlobBytes(collectSecrets(value)));
  const root: { v: unknown } = { v: undefined };
  const stack: { from: unknown; set: (v: unknown) => void; depth: number }[] = [
    { from: value, set: (v) => (root.v = v), depth: 0 },
  ];
  let nodes = 0;
  while (stack.length > 0) {
    const { from, set, depth } = stack.pop() as (typeof stack)[number];
    nodes++;
    if (typeof from === "string") set(redact(from, all, Number.MAX_SAFE_INTEGER));
    else if (from === null || typeof from !== "object") set(from);
    else if (depth >= MAX_TREE_DEPTH || nodes > MAX_NODES) set("[TOO DEEP]");
    else if (Array.isArray(from)) {
      const copy: unknown[] = [];
      set(copy);
      for (let i = 0; i < from.length; i++) {
        stack.push({ from: from[i], set: (v) => (copy[i] = v), depth: depth + 1 });
      }
    } else {
      const copy: Record<string, unknown> = {};
      set(copy);
      for (const key of safeKeys(from)) {
        // Member names are text from the sender too (a secret may be used as a key).
        const name = redact(key, all, Number.MAX_SAFE_INTEGER);
        if (fields.has(key)) copy[name] = REDACTED;
        else stack.push({ from: safeGet(from, key), set: (v) => (copy[name] = v), depth: depth + 1 });
      }
    }
  }
  return root.v;
}
