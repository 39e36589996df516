import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  catalog,
  catalogEntry,
  entriesForKind,
  entryForCause,
  isServiceKind,
  KINDS,
  MESSAGE_RULES,
} from "../src/catalog/index.js";
import type { MessageRule } from "../src/catalog/schema.js";
import {
  hasMessageRules,
  matchAnyMessageRule,
  matchMessageRule,
  normalizeMessage,
  resolveKind,
} from "../src/rules.js";

const RULES: readonly MessageRule[] = MESSAGE_RULES;
/** The rule at `index` in MESSAGE_RULES, checked to have the expected cause. */
const rule = (index: number, cause: string): MessageRule => {
  const r = RULES[index] as MessageRule;
  expect(r.cause).toBe(cause);
  return r;
};
const ruleIndex = (r: MessageRule | undefined): number => (r === undefined ? -1 : RULES.indexOf(r));

describe("normalizeMessage", () => {
  it("pads with one space and keeps lowercase letters and digits", () => {
    expect(normalizeMessage("abc")).toBe(" abc ");
    expect(normalizeMessage("a1b2")).toBe(" a1b2 ");
    expect(normalizeMessage("Key IS Disabled")).toBe(" key is disabled ");
  });

  it("returns a single space for empty or all-separator input", () => {
    expect(normalizeMessage("")).toBe(" ");
    expect(normalizeMessage("!")).toBe(" ");
    expect(normalizeMessage(" -- ")).toBe(" ");
  });

  it("does not double the padding around leading and trailing punctuation", () => {
    expect(normalizeMessage("!abc")).toBe(" abc ");
    expect(normalizeMessage("abc.")).toBe(" abc ");
    expect(normalizeMessage("...abc!!!")).toBe(" abc ");
    expect(normalizeMessage("  a  ")).toBe(" a ");
  });

  it("collapses every run of other characters into one space", () => {
    expect(normalizeMessage("can't")).toBe(" can t ");
    expect(normalizeMessage("a - b\t\nc")).toBe(" a b c ");
    expect(normalizeMessage("PKCS#11 session")).toBe(" pkcs 11 session ");
    expect(normalizeMessage("é")).toBe(" ");
    expect(normalizeMessage("aéb")).toBe(" a b ");
    // Letters outside ASCII whose lowercase is ASCII (the Kelvin sign, dotted capital I) stay separators.
    expect(normalizeMessage("\u212Aey \u0130d")).toBe(" ey d ");
  });

  it("lowercases exactly A to Z and keeps exactly a to z and 0 to 9", () => {
    expect(normalizeMessage("A")).toBe(" a ");
    expect(normalizeMessage("Z")).toBe(" z ");
    expect(normalizeMessage("a")).toBe(" a ");
    expect(normalizeMessage("z")).toBe(" z ");
    expect(normalizeMessage("0")).toBe(" 0 ");
    expect(normalizeMessage("9")).toBe(" 9 ");
    expect(normalizeMessage("AZaz09")).toBe(" azaz09 ");
  });

  it("treats the characters next to the letter and digit ranges as separators", () => {
    // '@' 64, '[' 91, '`' 96, '{' 123, '/' 47, ':' 58
    for (const c of ["@", "[", "`", "{", "/", ":"]) {
      expect(normalizeMessage(c)).toBe(" ");
      expect(normalizeMessage(`x${c}y`)).toBe(" x y ");
    }
    expect(normalizeMessage("@AZ[`az{/09:")).toBe(" az az 09 ");
  });

  it("reads at most the first 4096 characters", () => {
    const a4096 = "a".repeat(4096);
    expect(normalizeMessage(a4096)).toBe(` ${a4096} `);
    expect(normalizeMessage(`${a4096}b`)).toBe(` ${a4096} `);
    expect(normalizeMessage(`${"a".repeat(4095)}-b`)).toBe(` ${"a".repeat(4095)} `);
    expect(normalizeMessage(`${"a".repeat(4094)}-b`)).toBe(` ${"a".repeat(4094)} b `);
    // A rule phrase past the limit is not read.
    const padding = "x ".repeat(2048);
    expect(matchAnyMessageRule(normalizeMessage(`${padding}pending deletion`))).toBeUndefined();
    expect(matchAnyMessageRule(normalizeMessage(`pending deletion ${padding}`))?.cause).toBe(
      "KEY_PENDING_DELETION",
    );
  });
});

describe("matchMessageRule and matchAnyMessageRule", () => {
  it("read text that is not normalised as its normal form: whole words, the last one too", () => {
    const text = "The external key is NOT enabled";
    expect(matchAnyMessageRule(text)).toBe(matchAnyMessageRule(normalizeMessage(text)));
    expect(matchAnyMessageRule(text)?.cause).toBe("XKS_KEY_DISABLED");
    expect(matchMessageRule("KMSInvalidStateException", " the key is disabled")?.cause).toBe("KEY_DISABLED");
    // A word is matched whole: a cut or a longer word is another word.
    expect(matchMessageRule("KMSInvalidStateException", " the key is disable")).toBeUndefined();
    expect(matchMessageRule("KMSInvalidStateException", " the key is disabledx ")).toBeUndefined();
    expect(matchMessageRule("KMSInvalidStateException", "the-key-is-disabled")?.cause).toBe("KEY_DISABLED");
  });

  it("return the earlier rule when a later rule's words come first in the message", () => {
    // XKS_KEY_DISABLED ("external key is not enabled") precedes KEY_DISABLED ("is disabled").
    const xksDisabled = rule(4, "XKS_KEY_DISABLED");
    const keyDisabled = rule(30, "KEY_DISABLED");
    const both = normalizeMessage("The key is disabled: the external key is not enabled.");
    expect(matchAnyMessageRule(both)).toBe(xksDisabled);
    expect(matchMessageRule("KMSInvalidStateException", both)).toBe(xksDisabled);
    expect(matchAnyMessageRule(normalizeMessage("The key is disabled."))).toBe(keyDisabled);
    expect(matchMessageRule("KMSInvalidStateException", normalizeMessage("The key is disabled."))).toBe(
      keyDisabled,
    );
  });

  it("prefer the store-specific not-connected rule over the generic one that is found first", () => {
    const specific = rule(20, "KEY_STORE_NOT_CONNECTED");
    const generic = rule(22, "KEY_STORE_NOT_CONNECTED");
    const text = normalizeMessage("The custom key store is not connected to its external key store proxy.");
    expect(matchAnyMessageRule(text)).toBe(specific);
    expect(matchAnyMessageRule(text)?.keyStoreType).toBe("EXTERNAL_KEY_STORE");
    expect(matchMessageRule("CustomKeyStoreInvalidStateException", text)).toBe(specific);
    expect(matchMessageRule("KMSInvalidStateException", text)).toBe(specific);
    const plain = normalizeMessage("The custom key store is not connected.");
    expect(matchAnyMessageRule(plain)).toBe(generic);
    expect(matchAnyMessageRule(plain)).not.toHaveProperty("keyStoreType");
  });

  it("return the earliest of three matching rules for a kind", () => {
    const text = normalizeMessage(
      "The custom key store is in a failed state; it is not connected; cannot communicate with the external key store proxy.",
    );
    expect(matchMessageRule("CustomKeyStoreInvalidStateException", text)?.cause).toBe(
      "XKS_PROXY_NOT_REACHABLE",
    );
    expect(matchAnyMessageRule(text)?.cause).toBe("XKS_PROXY_NOT_REACHABLE");
  });

  it("find the earlier rule for every pair of matching rules, whatever their order in the message", () => {
    const phrase = (m: string | readonly string[]): string => (typeof m === "string" ? m : m.join(" "));
    for (let later = 1; later < RULES.length; later++) {
      const laterText = phrase((RULES[later] as MessageRule).match[0] as string | readonly string[]);
      for (let earlier = 0; earlier < later; earlier++) {
        const earlierText = phrase((RULES[earlier] as MessageRule).match[0] as string | readonly string[]);
        const text = normalizeMessage(`${laterText}. ${earlierText}.`);
        expect(ruleIndex(matchAnyMessageRule(text))).toBeLessThanOrEqual(earlier);
      }
    }
  });

  it("only try the rules whose cause lists the kind", () => {
    const deletion = normalizeMessage("The key is pending deletion.");
    expect(matchAnyMessageRule(deletion)?.cause).toBe("KEY_PENDING_DELETION");
    expect(matchMessageRule("KMSInvalidStateException", deletion)?.cause).toBe("KEY_PENDING_DELETION");
    expect(matchMessageRule("InvalidSignatureException", deletion)).toBeUndefined();
    expect(matchMessageRule("KMSInternalException", deletion)).toBeUndefined();

    const sessions = normalizeMessage("No PKCS#11 sessions are available.");
    expect(matchMessageRule("KMSInternalException", sessions)?.cause).toBe(
      "CLOUDHSM_PKCS11_SESSIONS_EXHAUSTED",
    );
    expect(matchMessageRule("KMSInvalidStateException", sessions)).toBeUndefined();

    const expired = normalizeMessage(
      "Signature expired: 20240101T000000Z is now earlier than 20240101T000500Z",
    );
    expect(matchMessageRule("InvalidSignatureException", expired)?.cause).toBe("SIGNATURE_EXPIRED");
    expect(matchMessageRule("KMSInvalidStateException", expired)).toBeUndefined();
  });

  it("match no rule for kinds without message rules or unknown kinds", () => {
    const deletion = normalizeMessage("The key is pending deletion.");
    expect(matchMessageRule("ThrottlingException", deletion)).toBeUndefined();
    expect(matchMessageRule("DisabledException", normalizeMessage("key is disabled"))).toBeUndefined();
    expect(matchMessageRule("TransportError", deletion)).toBeUndefined();
    expect(matchMessageRule("NoSuchException", deletion)).toBeUndefined();
    expect(matchMessageRule("", deletion)).toBeUndefined();
  });

  it("match whole words only and need every fragment of an all-of alternative", () => {
    expect(matchAnyMessageRule(normalizeMessage("key is disabledx"))).toBeUndefined();
    expect(matchAnyMessageRule(normalizeMessage("xis disabled"))).toBeUndefined();
    expect(matchAnyMessageRule(normalizeMessage("key material"))).toBeUndefined();
    expect(matchAnyMessageRule(normalizeMessage("key material in the cluster"))?.cause).toBe(
      "CLOUDHSM_KEY_MATERIAL_NOT_FOUND",
    );
    expect(matchAnyMessageRule(normalizeMessage(""))).toBeUndefined();
    expect(matchAnyMessageRule(normalizeMessage("nothing to see here"))).toBeUndefined();
  });
});

describe("kind lookups", () => {
  it("hasMessageRules is true exactly for the kinds marked messageRules", () => {
    for (const k of KINDS) expect(hasMessageRules(k.kind)).toBe("messageRules" in k);
    expect(hasMessageRules("KMSInvalidStateException")).toBe(true);
    expect(hasMessageRules("ThrottlingException")).toBe(false);
    expect(hasMessageRules("NoSuchException")).toBe(false);
  });

  it("isServiceKind is true for wire kinds and false for the library's own kinds and unknown names", () => {
    for (const k of KINDS) expect(isServiceKind(k.kind)).toBe(!("synthetic" in k));
    expect(isServiceKind("KMSInvalidStateException")).toBe(true);
    expect(isServiceKind("ThrottlingException")).toBe(true);
    for (const own of [
      "TransportError",
      "Aborted",
      "ConnectionFailed",
      "UnknownServiceError",
      "Unrecognized",
    ]) {
      expect(isServiceKind(own)).toBe(false);
    }
    for (const unknown of ["NoSuchException", "", "constructor", "kmsinvalidstateexception"]) {
      expect(isServiceKind(unknown)).toBe(false);
    }
  });

  it("entriesForKind lists exactly the entries carrying the kind, in catalog order", () => {
    expect(entriesForKind("XksKeyNotFoundException").map((e) => e.cause)).toEqual(["XKS_KEY_NOT_FOUND"]);
    expect(entriesForKind("DisabledException").map((e) => e.cause)).toEqual(["KEY_DISABLED"]);
    expect(entriesForKind("InvalidSignatureException").map((e) => e.cause)).toEqual([
      "INVALID_SIGNATURE",
      "SIGNATURE_EXPIRED",
    ]);
    for (const k of KINDS) {
      const entries = entriesForKind(k.kind);
      expect(entries).toEqual(catalog.filter((e) => (e.kinds as readonly string[]).includes(k.kind)));
      expect(entries.length).toBeLessThan(catalog.length);
    }
  });

  it("entriesForKind returns an empty list for an unknown kind", () => {
    expect(entriesForKind("NoSuchException")).toEqual([]);
    expect(entriesForKind("")).toHaveLength(0);
  });

  it("catalogEntry and entryForCause return the catalog's own entry", () => {
    const entry = catalogEntry("XKS_PROXY_TIMED_OUT");
    expect(entry.cause).toBe("XKS_PROXY_TIMED_OUT");
    expect(entry).toBe(catalog.find((e) => e.cause === "XKS_PROXY_TIMED_OUT"));
    expect(entryForCause("KEY_DISABLED")).toBe(catalogEntry("KEY_DISABLED"));
    expect(entryForCause("NO_SUCH_CAUSE")).toBeUndefined();
  });
});

describe("catalog", () => {
  it("is deeply frozen, down to remediation steps, docs and per-store-type variants", () => {
    const seen = new Set<object>();
    const visit = (value: unknown, path: string): void => {
      if (value === null || typeof value !== "object" || seen.has(value)) return;
      seen.add(value);
      expect(Object.isFrozen(value), path).toBe(true);
      for (const [key, child] of Object.entries(value)) visit(child, `${path}.${key}`);
    };
    visit(catalog, "catalog");
    // catalog, entries, kinds, codes, remediation, steps, docs, and the byKeyStoreType objects.
    expect(seen.size).toBeGreaterThan(catalog.length * 5);

    const withVariants = catalog.find((e) => e.byKeyStoreType !== undefined);
    expect(withVariants).toBeDefined();
    const variants = withVariants?.byKeyStoreType ?? {};
    expect(Object.isFrozen(variants)).toBe(true);
    for (const r of Object.values(variants)) {
      expect(Object.isFrozen(r)).toBe(true);
      expect(Object.isFrozen(r?.steps)).toBe(true);
      expect(Object.isFrozen(r?.docs)).toBe(true);
    }
  });

  it("rejects writes at every level", () => {
    const entry = catalog[0] as (typeof catalog)[number];
    expect(() => (catalog as unknown as unknown[]).push(entry)).toThrow(TypeError);
    expect(() => {
      (entry as { retryable: boolean }).retryable = !entry.retryable;
    }).toThrow(TypeError);
    expect(() => (entry.kinds as unknown as string[]).push("X")).toThrow(TypeError);
    expect(() => (entry.remediation.steps as string[]).push("X")).toThrow(TypeError);
    expect(() => (entry.remediation.docs as string[]).pop()).toThrow(TypeError);
    expect(() => {
      (entry.remediation as { summary: string }).summary = "changed";
    }).toThrow(TypeError);
  });
});

describe("the rule engine against the rules' plain reading", () => {
  /** What a rule means, read plainly: some alternative whose fragments the normal form all contains. */
  const reference = (rules: readonly MessageRule[], text: string): MessageRule | undefined => {
    const normalized = normalizeMessage(text);
    return rules.find((r) =>
      r.match.some((m) => (typeof m === "string" ? [m] : m).every((f) => normalized.includes(` ${f} `))),
    );
  };
  const rulesOf = (kind: string) =>
    RULES.filter((r) => (catalogEntry(r.cause as never).kinds as readonly string[]).includes(kind));
  const words = [...new Set(RULES.flatMap((r) => r.match.flat().flatMap((f) => f.split(" "))))];
  const ruleKinds = KINDS.filter((k) => hasMessageRules(k.kind)).map((k) => k.kind);
  /** Text made of rule words and fragments in any case, with noise and separators between them. */
  const text = fc
    .array(
      fc.oneof(
        fc.constantFrom(...words),
        // A near miss: a rule word with its last letter changed.
        fc.constantFrom(...words).map((w) => `${w.slice(0, -1)}${w.endsWith("q") ? "j" : "q"}`),
        fc.constantFrom(...RULES.flatMap((r) => r.match.flat())),
        fc.string({ maxLength: 4 }),
      ),
      { maxLength: 24 },
    )
    .chain((parts) =>
      fc
        .array(fc.constantFrom(" ", ". ", "-", "'", "\n", "é", "_", ""), {
          minLength: parts.length,
          maxLength: parts.length,
        })
        .map((separators) => parts.map((p, i) => `${p}${separators[i]}`).join("")),
    )
    .chain((s) => fc.constantFrom(s, s.toUpperCase(), ` ${s} `));

  it("finds the same first rule, for every kind and for any kind", () => {
    fc.assert(
      fc.property(text, fc.constantFrom(...ruleKinds), (message, kind) => {
        const expected = reference(rulesOf(kind), message);
        expect(matchMessageRule(kind, normalizeMessage(message))).toBe(expected);
        expect(resolveKind(kind, message)?.rule).toBe(expected);
        expect(matchAnyMessageRule(normalizeMessage(message))).toBe(reference(RULES, message));
      }),
      { seed: 20261207, numRuns: 2000 },
    );
  });

  it("reads a message's words as its normal form does: letters and digits join, anything else separates", () => {
    const cause = (message: string) => resolveKind("KMSInvalidStateException", message)?.entry.cause;
    expect(cause("The key is disabled")).toBe("KEY_DISABLED");
    for (const joined of ["A", "Z", "a", "z", "0", "9"]) {
      expect(cause(`The key is ${joined}disabled.`), joined).toBe("KMS_INVALID_STATE");
      expect(cause(`The key is disabled${joined}`), joined).toBe("KMS_INVALID_STATE");
    }
    for (const separator of ["@", "[", "`", "{", "/", ":", "\u00e9", "\u212a"]) {
      expect(cause(`The key is${separator}disabled${separator}`), separator).toBe("KEY_DISABLED");
    }
    expect(cause("THE KEY IS DISABLED.")).toBe("KEY_DISABLED");
  });

  it("reads a message up to the limit, and a word cut by the limit as cut", () => {
    const cause = (message: string) => resolveKind("KMSInvalidStateException", message)?.entry.cause;
    // 4,095 characters, then 4,097 (the last "d" past the limit), then a word that goes on past it.
    expect(cause(`${"x ".repeat(2042)}is disabled`)).toBe("KEY_DISABLED");
    expect(cause(`${"x ".repeat(2043)}is disabled`)).toBe("KMS_INVALID_STATE");
    expect(cause(`${"x ".repeat(2042)} is disabledx`)).toBe("KEY_DISABLED");
    for (const text of [`${"x ".repeat(2043)}is disabled`, `${"x ".repeat(2042)} is disabledx`]) {
      expect(resolveKind("KMSInvalidStateException", text)?.rule).toBe(
        matchAnyMessageRule(normalizeMessage(text)),
      );
    }
  });

  it("never reads a word no rule has as a rule word", () => {
    const ruleWords = new Set(RULES.flatMap((r) => r.match.flat().flatMap((f) => f.split(" "))));
    const unknown = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`).filter(
      (w) => !ruleWords.has(w),
    );
    expect(unknown.length).toBeGreaterThan(4900);
    for (const word of unknown) {
      expect(resolveKind("KMSInvalidStateException", `The key is ${word}.`)?.entry.cause, word).toBe(
        "KMS_INVALID_STATE",
      );
    }
  });

  it("tells a word from another word with the same hash, of the same length or not", () => {
    // "ap0gnoa" and "ah844hs2" have the 32-bit FNV-1a hash of "disabled", the hash words are looked up by.
    const hash = (word: string) =>
      [...word].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 0x01000193), 0x811c9dc5 | 0);
    const cause = (message: string) => resolveKind("KMSInvalidStateException", message)?.entry.cause;
    expect(cause("The key is disabled.")).toBe("KEY_DISABLED");
    for (const twin of ["ap0gnoa", "ah844hs2", "AH844HS2"]) {
      expect(hash(twin.toLowerCase())).toBe(hash("disabled"));
      expect(cause(`The key is ${twin}.`), twin).toBe("KMS_INVALID_STATE");
      expect(matchAnyMessageRule(` the key is ${twin.toLowerCase()} `), twin).toBeUndefined();
    }
  });
});
