import { runInNewContext } from "node:vm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  collectSecrets,
  REDACTED,
  redact,
  redactTree,
  SECRET_FIELDS,
  sanitize,
  secretsOf,
  toSafeJson,
} from "../src/redact.js";

const PASSWORD = "correct horse 42";
const utf8 = (text: string) => new TextEncoder().encode(text);
const b64 = (text: string | Uint8Array) => Buffer.from(text).toString("base64");

describe("collectSecrets", () => {
  it.each([...SECRET_FIELDS])("treats the value of %s as a secret, at any depth", (field) => {
    const secrets = collectSecrets({ Outer: { [field]: `value of ${field}` } });
    expect(secrets.values).toEqual([`value of ${field}`]);
  });

  it("takes every leaf under a secret member, strings and bytes alike", () => {
    const secrets = collectSecrets({
      XksProxyAuthenticationCredential: {
        AccessKeyId: "AKIDEXAMPLE1",
        RawSecretAccessKey: utf8("secret-bytes"),
      },
      KeyId: "not-a-secret",
    });
    expect(secrets.values.map((v) => (typeof v === "string" ? v : Buffer.from(v).toString()))).toEqual([
      "AKIDEXAMPLE1",
      "secret-bytes",
    ]);
  });

  it("ignores values shorter than four characters and empty byte arrays", () => {
    expect(collectSecrets({ Plaintext: "abc", Mac: new Uint8Array(0) }).size).toBe(0);
  });

  it("recognises byte arrays made in another realm", () => {
    const foreign = runInNewContext("new Uint8Array([104, 105, 100, 100, 101, 110, 33, 33])") as Uint8Array;
    expect(foreign instanceof Uint8Array).toBe(false);
    const secrets = collectSecrets({ Plaintext: foreign });
    expect(redact("echo: hidden!!", secrets)).toBe(`echo: ${REDACTED}`);
  });

  it("walks an input with shared subtrees once (linear, not exponential)", () => {
    // 14 levels, each object referenced twice: 16,384 paths to one leaf, read once.
    let reads = 0;
    let shared: Record<string, unknown> = {
      get Leaf() {
        reads++;
        return "shared-secret-value";
      },
    };
    for (let i = 0; i < 14; i++) shared = { a: shared, b: shared };
    const secrets = collectSecrets({ Plaintext: shared });
    expect(secrets.values).toEqual(["shared-secret-value"]);
    expect(reads).toBe(1);
  });

  it("never throws on hostile inputs and keeps what it collected", () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error("trap");
        },
      },
    );
    const cyclic: Record<string, unknown> = { Plaintext: "cyclic-secret" };
    cyclic.self = cyclic;
    expect(collectSecrets(hostile).size).toBe(0);
    expect(collectSecrets(null).size).toBe(0);
    expect(collectSecrets(cyclic).values).toEqual(["cyclic-secret"]);
  });

  it("walks on past a member whose keys or value cannot be read", () => {
    const noKeys = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error("trap");
        },
      },
    );
    const throwingGetter = {
      get Plaintext(): string {
        throw new Error("getter");
      },
    };
    const secrets = collectSecrets({
      A: noKeys,
      B: throwingGetter,
      C: 42,
      D: null,
      E: { Plaintext: "read-after-the-traps" },
    });
    expect(secrets.values).toEqual(["read-after-the-traps"]);
  });

  it("keeps a secret of four characters or more, and a copy of secret bytes", () => {
    expect(collectSecrets({ Plaintext: "abcd" }).values).toEqual(["abcd"]);
    expect(collectSecrets({ Plaintext: "abc" }).size).toBe(0);
    const bytes = utf8("byte-secret");
    const secrets = collectSecrets({ Plaintext: bytes });
    bytes.fill(0);
    expect(secrets.values).toEqual([utf8("byte-secret")]);
  });

  it("keeps at most 256 secret values of one input", () => {
    const many = Array.from({ length: 300 }, (_, i) => `secret-value-${i}`);
    const secrets = collectSecrets({ Plaintext: many });
    expect(secrets.size).toBe(256);
    expect(secrets.values).toEqual(many.slice(0, 256));
  });

  it("reads at most 10,000 values of an input, itself included", () => {
    // The input, its members, the last member's object and the secret in it.
    const wide = (members: number) => {
      const input: Record<string, unknown> = {};
      for (let i = 0; i < members; i++) input[`m${i}`] = i;
      input.last = { Plaintext: "the-ten-thousandth-value" };
      return input;
    };
    expect(collectSecrets(wide(9_997)).values).toEqual(["the-ten-thousandth-value"]);
    expect(collectSecrets(wide(9_998)).size).toBe(0);
  });

  it("walks an input 16 levels deep and no deeper", () => {
    const nested = (levels: number, leaf: object): object => {
      let node = leaf;
      for (let i = 0; i < levels; i++) node = { a: node };
      return node;
    };
    expect(collectSecrets(nested(15, { Plaintext: "fifteen-deep" })).values).toEqual(["fifteen-deep"]);
    expect(collectSecrets(nested(16, { Plaintext: "sixteen-deep" })).size).toBe(0);
    // Under a secret member, the same count goes on.
    const under = (levels: number) => nested(levels, { Plaintext: { a: { b: `leaf-under-${levels}` } } });
    expect(collectSecrets(under(13)).values).toEqual(["leaf-under-13"]);
    expect(collectSecrets(under(14)).size).toBe(0);
  });

  it("counts an ordinary byte array as one value, not as one node per byte", () => {
    // Walked byte by byte, a large array would use up the node budget before the secret.
    const secrets = collectSecrets({ Blob: new Uint8Array(20_000), Later: { Plaintext: "after-the-blob" } });
    expect(secrets.values).toEqual(["after-the-blob"]);
  });

  it("takes an ArrayBuffer or SharedArrayBuffer as bytes, and finds their echo", () => {
    const buffer = utf8("array-buffer-secret").buffer;
    const shared = new SharedArrayBuffer(20);
    new Uint8Array(shared).set(utf8("shared-buffer-secret"));
    const secrets = collectSecrets({ Plaintext: buffer, CiphertextBlob: shared });
    expect(secrets.values).toHaveLength(2);
    expect(secrets.values).toEqual(
      expect.arrayContaining([utf8("array-buffer-secret"), utf8("shared-buffer-secret")]),
    );
    const hexOf = (text: string) => Buffer.from(text).toString("hex");
    const echo = `proxy said ${hexOf("array-buffer-secret")} and ${hexOf("shared-buffer-secret")}`;
    expect(redact(echo, secrets)).toBe(`proxy said ${REDACTED} and ${REDACTED}`);
  });
});

describe("redact: the forms of an echo", () => {
  const secrets = collectSecrets({ KeyStorePassword: PASSWORD });
  const hex = Buffer.from(PASSWORD).toString("hex");

  it.each([
    ["exact", PASSWORD],
    ["upper case", PASSWORD.toUpperCase()],
    ["a line break inside", "correct\r\nhorse 42"],
    ["zero-width characters inside", "c\u200bo\u200drrect hor\ufeffse 42"],
    ["bidi controls inside", "correct\u202e horse\u2066 42"],
    ["an escape sequence inside", "correct \u001b[31mhorse 42"],
    ["Base64", b64(PASSWORD)],
    ["Base64 without padding", b64(PASSWORD).replace(/=+$/, "")],
    ["Base64 wrapped at 8 columns", b64(PASSWORD).replace(/(.{8})/g, "$1\n")],
    ["Base64url", Buffer.from(PASSWORD).toString("base64url")],
    ["Base64 inside a longer encoding (offset 1)", b64(`x${PASSWORD}y`)],
    ["Base64 inside a longer encoding (offset 2)", b64(`xy${PASSWORD}`)],
    ["hex, lower case", hex],
    ["hex, upper case", hex.toUpperCase()],
    ["URL-encoded", encodeURIComponent(PASSWORD)],
    ["form-encoded", "correct+horse+42"],
    ["every byte percent-encoded", [...Buffer.from(PASSWORD)].map((b) => `%${b.toString(16)}`).join("")],
    ["JSON-escaped", JSON.stringify(PASSWORD).slice(1, -1)],
    ["a lone ESC before characters (sanitising would take them along)", "corr\u001bect \u001bhors\u001be 42"],
    ["a C1 CSI before a character", "correct \u009bhorse 42"],
    [
      "JSON with every character escaped",
      [...PASSWORD].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join(""),
    ],
    ["percent-encoded letters mixed with plain ones", "corr%65ct%20h%6Frse 42"],
    ["a 12-character prefix cut by truncation", PASSWORD.slice(0, 12)],
    ["a 12-character suffix cut by truncation", PASSWORD.slice(-12)],
  ])("finds the secret %s", (_form, echo) => {
    const out = redact(`proxy said: <${echo}> end`, secrets);
    expect(out).toContain(REDACTED);
    expect(out.startsWith("proxy said: <")).toBe(true);
    expect(out.endsWith("> end")).toBe(true);
    expect(out.toLowerCase()).not.toContain("horse");
    expect(out.toLowerCase()).not.toContain(hex.slice(0, 12));
  });

  it("finds byte secrets as Base64, Base64url, hex and URL-encoded", () => {
    const bytes = new Uint8Array([
      0xff, 0x00, 0x10, 0x80, 0x7f, 0xfe, 0x01, 0x02, 0x03, 0x04, 0xaa, 0xbb, 0xcc,
    ]);
    const byteSecrets = collectSecrets({ Plaintext: bytes });
    const percent = [...bytes].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
    for (const echo of [
      b64(bytes),
      Buffer.from(bytes).toString("base64url"),
      Buffer.from(bytes).toString("hex").toUpperCase(),
      percent,
    ]) {
      // Only Base64 padding may remain: it carries nothing of the secret.
      expect(redact(`[${echo}]`, byteSecrets)).toMatch(/^\[\[REDACTED\]=*\]$/);
    }
  });

  it.each([
    // The lowest and highest code points each lead byte's range allows, next to the forms it refuses.
    ["U+0800, the first three-byte code point", [0xe0, 0xa0, 0x80], "\u0800"],
    ["U+D7FF, the last before the surrogates", [0xed, 0x9f, 0xbf], "\ud7ff"],
    ["U+10000, the first four-byte code point", [0xf0, 0x90, 0x80, 0x80], "\u{10000}"],
    ["U+10FFFF, the last code point", [0xf4, 0x8f, 0xbf, 0xbf], "\u{10ffff}"],
  ])("finds byte secrets that are UTF-8 text as that text: %s", (_name, edge, char) => {
    const head = utf8("plaintext-");
    const bytes = new Uint8Array([...head, ...edge, ...head]);
    const text = `plaintext-${char}plaintext-`;
    expect(new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toBe(text);
    expect(redact(`[${text}]`, collectSecrets({ Plaintext: bytes }))).toBe(`[${REDACTED}]`);
  });

  it.each([
    ["an overlong three-byte form", [0xe0, 0x9f, 0xbf]],
    ["a surrogate", [0xed, 0xa0, 0x80]],
    ["an overlong four-byte form", [0xf0, 0x8f, 0xbf, 0xbf]],
    ["a code point past U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
  ])("reads byte secrets that are not UTF-8 (%s) only in their encoded forms", (_name, bad) => {
    const head = utf8("plaintext-");
    const bytes = new Uint8Array([...head, ...bad, ...head]);
    // A decoder that replaces what it cannot read would make text of them: that text is no echo.
    const replaced = new TextDecoder().decode(bytes);
    const secrets = collectSecrets({ Plaintext: bytes });
    expect(redact(`[${replaced}]`, secrets)).toBe(`[${replaced}]`);
    expect(redact(`[${b64(bytes)}]`, secrets)).toMatch(/^\[\[REDACTED\]=*\]$/);
  });

  it("redacts before it cuts, so a secret at the cut leaves no prefix", () => {
    const key = `${"S".repeat(20)}abcdefghijklmnopqrstuvwxyz0123456789`;
    const text = `${"x".repeat(140)}${key}`;
    const out = redact(text, secretsOf(key), 160);
    expect(out).toBe(`${"x".repeat(140)}${REDACTED}`);
  });

  it("redacts SigV4 credentials and signatures wherever they appear", () => {
    const header =
      "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261202/eu-west-1/kms-xks-proxy/aws4_request, SignedHeaders=host;x-amz-date, Signature=" +
      "0123456789abcdef".repeat(4);
    const out = redact(header);
    expect(out).not.toContain("AKIDEXAMPLE");
    expect(out).not.toContain("0123456789abcdef");
    expect(out).toContain(`Credential=${REDACTED}`);
    expect(out).toContain(`Signature=${REDACTED}`);
  });

  it("leaves text without secrets alone, except for control characters", () => {
    expect(redact("nothing to hide here", secrets)).toBe("nothing to hide here");
    expect(redact("one\ntwo\u2028three\u0007")).toBe("one two three ");
  });

  it("cuts long text after redaction and marks the cut", () => {
    const long = redact("x".repeat(5000));
    expect(long).toBe(`${"x".repeat(2048)}… [truncated]`);
  });

  it("reads at most 64 KiB of a huge text", () => {
    const huge = `${PASSWORD} ${"y".repeat(2_000_000)}`;
    const out = redact(huge, secrets, Number.MAX_SAFE_INTEGER);
    expect(out.startsWith(REDACTED)).toBe(true);
    expect(out.length).toBeLessThan(70_000);
  });

  it("finds planted secrets whatever the surrounding text (property)", () => {
    const secretArb = fc
      .string({ minLength: 16, maxLength: 48, unit: "grapheme-ascii" })
      .filter((s) => s.replace(/\s/g, "").length >= 16);
    const encode = [
      (s: string) => s,
      (s: string) => s.toUpperCase(),
      (s: string) => s.split("").join("\r\n"),
      (s: string) => b64(s),
      (s: string) => Buffer.from(s).toString("base64url"),
      (s: string) => Buffer.from(s).toString("hex"),
      (s: string) => encodeURIComponent(s),
      (s: string) => s.slice(0, 12),
      (s: string) => s.slice(-12),
    ];
    fc.assert(
      fc.property(
        secretArb,
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        fc.integer({ min: 0, max: encode.length - 1 }),
        (secret, before, after, which) => {
          const echo = (encode[which] as (s: string) => string)(secret);
          const out = redact(`${before} ${echo} ${after}`, secretsOf(secret), Number.MAX_SAFE_INTEGER);
          expect(out).not.toContain(echo);
          expect(out).toContain(REDACTED);
        },
      ),
      { seed: 1202, numRuns: 400 },
    );
  });
});

describe("sanitize and toSafeJson", () => {
  it("removes escape sequences and turns control and bidi runs into one space", () => {
    expect(sanitize("\u001b[31mred\u001b[0m")).toBe("red");
    expect(sanitize("\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007")).toBe("link");
    expect(sanitize("a\u202eb\u2066c\r\n\u0085d")).toBe("a b c d");
    expect(sanitize("plain")).toBe("plain");
  });

  it.each([
    ["a control sequence cut before its final byte", "a\u001b[31"],
    ["an operating system command cut before its terminator", "a\u001b]0;window title"],
    ["a lone escape at the end", "a\u001b"],
  ])("drops %s whole, parameters and all", (_what, text) => {
    expect(sanitize(text)).toBe("a");
  });

  it("drops a two-character escape with its intermediate bytes (a character set designation)", () => {
    expect(sanitize("a\u001b(Bb\u001b#8c")).toBe("abc");
  });

  it("escapes C1 controls, bidi characters and line separators in JSON", () => {
    const json = toSafeJson({ name: "x\u0085\u009b31m\u202e\u2028" });
    expect(json).toBe('{"name":"x\\u0085\\u009b31m\\u202e\\u2028"}');
    expect(JSON.parse(json)).toEqual({ name: "x\u0085\u009b31m\u202e\u2028" });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(toSafeJson(cyclic)).toBe("null");
  });
});

describe("redact: encoders that escape their own choice of characters", () => {
  const KEY = "FAKEsecret+Key/Value0123456789abcdefXYZ/+==";
  const secrets = secretsOf(KEY);

  it.each([
    ["PHP json_encode (escaped slashes)", KEY.replace(/\//g, "\\/")],
    ["JSON with + as \\u002b", KEY.replace(/\+/g, "\\u002b")],
    ["Python urllib.parse.quote (slashes left alone)", encodeURIComponent(KEY).replace(/%2F/g, "/")],
    [
      "Go url.PathEscape (+ and = left alone)",
      encodeURIComponent(KEY).replace(/%2B/g, "+").replace(/%3D/g, "="),
    ],
  ])("finds the secret written by %s", (_encoder, echo) => {
    const out = redact(`proxy said: <${echo}> end`, secrets);
    expect(out).toBe(`proxy said: <${REDACTED}> end`);
  });

  it("finds a non-ASCII secret percent-encoded by any encoder", () => {
    const secret = "Grüße-aus-Köln-0123456789";
    const quoted = encodeURIComponent(secret).replace(/-/g, "%2D");
    expect(redact(`x ${quoted} y`, secretsOf(secret))).toBe(`x ${REDACTED} y`);
  });

  it("compares letters case-folded, so ß and SS are the same", () => {
    const secret = "straßenbahnstraße-0042";
    expect(redact(`echo ${secret.toUpperCase()}`, secretsOf(secret))).toBe(`echo ${REDACTED}`);
  });
});

describe("redact: SigV4 material in other spellings", () => {
  const hex = "0123456789abcdef".repeat(4);
  it.each([
    ["JSON", `{"Signature": "${hex}"}`],
    ["URL-encoded query", `X-Amz-Signature%3D${hex}`],
    ["spaced", `signature = ${hex}`],
    ["a JSON credential", `{"credential":"AKIAFAKEFAKEFAKE1234/20261207/us-east-1/kms/aws4_request"}`],
  ])("redacts a %s signature or credential", (_form, text) => {
    const out = redact(text);
    expect(out).toContain(REDACTED);
    expect(out).not.toContain(hex.slice(0, 8));
    expect(out).not.toContain("AKIAFAKE");
  });
});

describe("collectSecrets: what the SDK would send", () => {
  it("reads a secret member served by a getter on the prototype", () => {
    class EncryptInput {
      readonly KeyId = "alias/app";
      get Plaintext(): Uint8Array {
        return new TextEncoder().encode("plaintext-behind-a-getter");
      }
    }
    const secrets = collectSecrets(new EncryptInput());
    expect(redact("echo plaintext-behind-a-getter", secrets)).toBe(`echo ${REDACTED}`);
  });

  it("reads secret members before walking a large sibling", () => {
    const context = Object.fromEntries(Array.from({ length: 12_000 }, (_, i) => [`k${i}`, `v${i}`]));
    const secrets = collectSecrets({
      EncryptionContext: context,
      Plaintext: "plaintext-after-a-big-context",
    });
    expect(redact("echo plaintext-after-a-big-context", secrets)).toBe(`echo ${REDACTED}`);
  });
});

describe("redactTree", () => {
  it("redacts member names too", () => {
    const blob = Buffer.from("a-secret-used-as-a-key").toString("base64");
    const copy = JSON.stringify(redactTree({ Plaintext: blob, EncryptionContext: { [blob]: "x" } }));
    expect(copy).not.toContain(blob);
  });

  it("replaces secret members and redacts their values from every other string", () => {
    expect(
      redactTree({ KeyStorePassword: PASSWORD, Note: `echo ${PASSWORD}`, List: [1, `x ${PASSWORD}`] }),
    ).toEqual({ KeyStorePassword: REDACTED, Note: `echo ${REDACTED}`, List: [1, `x ${REDACTED}`] });
  });

  it("counts a secret member sent as a Base64 blob as its bytes, in every form", () => {
    const bytes = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09]);
    const body = {
      Plaintext: bytes.toString("base64"),
      EncryptionContext: { hex: bytes.toString("hex"), url: `a ${bytes.toString("base64url")} b` },
    };
    expect(redactTree(body)).toEqual({
      Plaintext: REDACTED,
      EncryptionContext: { hex: REDACTED, url: `a ${REDACTED} b` },
    });
  });

  it("copies a body nested 5,000 deep without overflowing the stack", () => {
    let deep: unknown = { Plaintext: "deep-secret" };
    for (let i = 0; i < 5000; i++) deep = { a: deep };
    const copy = JSON.stringify(redactTree(deep));
    expect(copy).toContain("[TOO DEEP]");
    expect(copy).not.toContain("deep-secret");
  });
});
