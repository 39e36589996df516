/**
 * X.509 certificates made at test time with node:crypto alone (ECDSA P-256, SHA-256): a small DER
 * encoder for the few fields TLS needs, so that TLS and mutual TLS tests depend on no binary and ship
 * no private key.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from "node:crypto";

const length = (n: number): Buffer => {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
};
const tlv = (tag: number, ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};
const seq = (...parts: Buffer[]): Buffer => tlv(0x30, ...parts);
const set = (...parts: Buffer[]): Buffer => tlv(0x31, ...parts);
const integer = (bytes: Buffer): Buffer =>
  tlv(0x02, (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
const oid = (dotted: string): Buffer => {
  const [a = 0, b = 0, ...rest] = dotted.split(".").map(Number);
  const out = [40 * a + b];
  for (const arc of rest) {
    const chunk: number[] = [];
    for (let v = arc; ; v = Math.floor(v / 128)) {
      chunk.unshift((v % 128) | (chunk.length === 0 ? 0 : 0x80));
      if (v < 128) break;
    }
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
};
const utf8 = (text: string): Buffer => tlv(0x0c, Buffer.from(text, "utf8"));
const time = (date: Date): Buffer => {
  const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : tlv(0x18, Buffer.from(`${iso}Z`));
};
const bitString = (bytes: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.from([unused]), bytes);
const octets = (bytes: Buffer): Buffer => tlv(0x04, bytes);
const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 + n, inner);
const names = (commonNames: readonly string[]): Buffer =>
  seq(...commonNames.map((cn) => set(seq(oid("2.5.4.3"), utf8(cn)))));
const name = (commonName: string): Buffer => names([commonName]);
const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  seq(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), octets(value));

const ECDSA_SHA256 = seq(oid("1.2.840.10045.4.3.2"));

/** A certificate and its private key, both PEM. */
export interface TestCertificate {
  readonly cert: string;
  readonly key: string;
  /** The signing key, to issue further certificates when this one is a CA. */
  readonly keyObject: KeyObject;
  /** The subject common name (the issuer name of what it signs). */
  readonly commonName: string;
}

/** What to put in a certificate. */
export interface CertificateRequest {
  /** The subject common name. */
  readonly commonName: string;
  /** DNS names (subjectAltName), for server certificates. */
  readonly dnsNames?: readonly string[];
  /** Makes a CA certificate (basicConstraints CA, keyCertSign). */
  readonly ca?: boolean;
  /** The issuing CA; self-signed when absent. */
  readonly issuer?: TestCertificate;
  /** Validity end. @defaultValue one day from now */
  readonly notAfter?: Date;
  /** The subject's common names when not just `commonName`: none (a subject without CN), or several. */
  readonly subjectCommonNames?: readonly string[];
}

const pem = (label: string, der: Buffer): string =>
  `-----BEGIN ${label}-----\n${der
    .toString("base64")
    .match(/.{1,64}/g)
    ?.join("\n")}\n-----END ${label}-----\n`;

/**
 * Issues a certificate for a fresh P-256 key.
 *
 * @param request - Subject, names, CA flag, issuer, validity end.
 * @returns The certificate and its key.
 */
export function issueCertificate(request: CertificateRequest): TestCertificate {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const signer = request.issuer?.keyObject ?? privateKey;
  const issuerName = request.issuer?.commonName ?? request.commonName;
  const extensions: Buffer[] = [];
  if (request.ca === true) {
    extensions.push(extension("2.5.29.19", true, seq(tlv(0x01, Buffer.from([0xff])))));
    extensions.push(extension("2.5.29.15", true, bitString(Buffer.from([0x06]), 1)));
  }
  if (request.dnsNames !== undefined && request.dnsNames.length > 0) {
    extensions.push(
      extension("2.5.29.17", false, seq(...request.dnsNames.map((dns) => tlv(0x82, Buffer.from(dns))))),
    );
  }
  const now = Date.now();
  // DER integers are minimal: a serial whose first byte is 0 (and the next below 0x80) would be
  // padded, which parsers refuse. Its first byte is made 0x01–0x7f: positive, never padded.
  const serial = randomBytes(12);
  serial[0] = ((serial[0] as number) & 0x7f) | 0x01;
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    ECDSA_SHA256,
    name(issuerName),
    seq(time(new Date(now - 60_000)), time(request.notAfter ?? new Date(now + 86_400_000))),
    request.subjectCommonNames === undefined ? name(request.commonName) : names(request.subjectCommonNames),
    publicKey.export({ type: "spki", format: "der" }),
    ...(extensions.length > 0 ? [explicit(3, seq(...extensions))] : []),
  );
  const signature = sign("sha256", tbs, signer);
  const der = seq(tbs, ECDSA_SHA256, bitString(signature));
  return {
    cert: pem("CERTIFICATE", der),
    key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    keyObject: createPrivateKey(privateKey.export({ type: "pkcs8", format: "pem" })),
    commonName: request.commonName,
  };
}
