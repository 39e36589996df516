/**
 * The forms an echo of a secret takes in a server's text, as fast-check arbitraries: exact, letter
 * case, characters inserted, Base64 (padded, unpadded, inside a longer Base64 text), Base64url, hex,
 * URL and form encoding, JSON escaping, and a prefix or suffix of 12 or more characters of any of
 * them. The contract they check: none of these forms survives in anything the library outputs.
 */
import fc from "fast-check";

const utf8 = (text: string) => Buffer.from(text, "utf8");
const percentAll = (bytes: Uint8Array) =>
  [...bytes].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");

/** Characters a re-flowing or hostile sender may insert. */
const INSERTED = ["\r\n", "\n", " ", "\t", "\u200b", "\u00ad", "\u202e", "\ufeff", "\u001b[31m"];

/** Any inserted character (or escape sequence), to compare text without them. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape sequence is one of the insertions.
const INSERTED_ANY = /\u001b\[31m|[\r\n\t \u200b\u00ad\u202e\ufeff]/g;

/** The forms of a value, by name: every one must be redacted. */
export function formsOf(secret: string | Uint8Array): Readonly<Record<string, string>> {
  const bytes = typeof secret === "string" ? utf8(secret) : Buffer.from(secret);
  const b64 = bytes.toString("base64");
  const forms: Record<string, string> = {
    base64: b64,
    "base64 unpadded": b64.replace(/=+$/, ""),
    "base64 at offset 1": Buffer.concat([Buffer.from("x"), bytes, Buffer.from("yz")]).toString("base64"),
    "base64 at offset 2": Buffer.concat([Buffer.from("xy"), bytes, Buffer.from("z")]).toString("base64"),
    base64url: bytes.toString("base64url"),
    hex: bytes.toString("hex"),
    "hex upper": bytes.toString("hex").toUpperCase(),
    "percent-encoded": percentAll(bytes),
  };
  const text = typeof secret === "string" ? secret : bytes.toString("utf8");
  if (typeof secret === "string" || Buffer.compare(utf8(text), bytes) === 0) {
    forms.exact = text;
    forms["upper case"] = text.toUpperCase();
    forms.encodeURIComponent = encodeURIComponent(text);
    forms["form-encoded"] = encodeURIComponent(text).replace(/%20/g, "+");
    forms["JSON-escaped"] = JSON.stringify(text).slice(1, -1);
    forms["JSON-escaped ASCII"] = JSON.stringify(text)
      .slice(1, -1)
      .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  }
  return forms;
}

/** A string secret: printable, with a space and a non-ASCII letter possible, 16–40 characters. */
export const stringSecret = fc
  .string({
    unit: fc.constantFrom(
      ..."ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%&*+-_= é".split(""),
    ),
    minLength: 16,
    maxLength: 40,
  })
  .filter((s) => s.trim() === s && /[A-Za-z]/.test(s));

/** A byte secret (plaintext, key material), 16–48 bytes. */
export const byteSecret = fc.uint8Array({ minLength: 16, maxLength: 48 });

/** One planted echo of a secret: the form's name and the text the server puts in its answer. */
export interface Echo {
  readonly form: string;
  readonly text: string;
}

/**
 * An echo of `secret` in one of its forms: whole, with characters inserted (for text), or cut to a
 * prefix or suffix of 12 or more characters.
 *
 * @param secret - The secret value.
 * @returns An arbitrary of echoes.
 */
export function echoOf(secret: string | Uint8Array): fc.Arbitrary<Echo> {
  const forms = Object.entries(formsOf(secret));
  return fc
    .tuple(
      fc.constantFrom(...forms),
      fc.constantFrom("whole", "inserted", "prefix", "suffix"),
      fc.nat(),
      fc.constantFrom(...INSERTED),
    )
    .map(([[name, form], how, n, insert]): Echo => {
      if (how === "inserted" && name === "exact") {
        const at = 1 + (n % (form.length - 1));
        return {
          form: `${name} with ${JSON.stringify(insert)} inserted`,
          text: `${form.slice(0, at)}${insert}${form.slice(at)}`,
        };
      }
      // The offset forms carry characters of their neighbours at both ends: they are echoed whole.
      const cuttable = !name.startsWith("base64 at offset");
      if (how === "prefix" && cuttable && form.length > 12) {
        const length = 12 + (n % (form.length - 12));
        return { form: `${name}, cut to its first ${length}`, text: form.slice(0, length) };
      }
      if (how === "suffix" && cuttable && form.length > 12) {
        const length = 12 + (n % (form.length - 12));
        return { form: `${name}, cut to its last ${length}`, text: form.slice(-length) };
      }
      return { form: name, text: form };
    });
}

/**
 * What of an echo survives in `output`: any 12-character piece of the echo, or the echo itself when
 * it is shorter, compared without the characters that were inserted. Empty when nothing survives.
 *
 * @param output - Text the library produced.
 * @param echo - The planted echo.
 * @returns The pieces found.
 */
export function survivors(output: string, echo: Echo): string[] {
  const plain = echo.text.replace(INSERTED_ANY, "");
  const haystack = output.replace(INSERTED_ANY, "");
  const pieces =
    plain.length <= 12
      ? [plain]
      : Array.from({ length: plain.length - 11 }, (_, i) => plain.slice(i, i + 12));
  return pieces.filter((piece) => haystack.includes(piece));
}
