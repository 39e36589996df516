/**
 * The fake proxy's cryptography: AES-256-GCM with the spec's suggested AAD binding (the ciphertext
 * data integrity value is part of the protocol: `src/xks/cdiv.ts`).
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * The AAD handed to AES-GCM: `u16be(len aad) ‖ aad ‖ u8(len md) ‖ md`, so that neither the caller's
 * AAD nor the ciphertext metadata can be moved into the other.
 * @internal
 */
export const gcmAad = (aad: Buffer, metadata: Buffer): Buffer => {
  const out = Buffer.alloc(2 + aad.length + 1 + metadata.length);
  out.writeUInt16BE(aad.length, 0);
  aad.copy(out, 2);
  out.writeUInt8(metadata.length, 2 + aad.length);
  metadata.copy(out, 3 + aad.length);
  return out;
};

/** The output of AES-GCM encryption. @internal */
export interface Sealed {
  readonly ciphertext: Buffer;
  readonly iv: Buffer;
  readonly tag: Buffer;
}

/**
 * Encrypts with AES-256-GCM under a fresh 12-byte IV.
 * @internal
 */
export const seal = (key: Buffer, plaintext: Buffer, aad: Buffer, metadata: Buffer): Sealed => {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(gcmAad(aad, metadata));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, iv, tag: cipher.getAuthTag() };
};

/**
 * Decrypts and authenticates; undefined when the tag does not verify (tampered input, wrong AAD,
 * wrong metadata, wrong key).
 * @internal
 */
export const open = (key: Buffer, sealed: Sealed, aad: Buffer, metadata: Buffer): Buffer | undefined => {
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, sealed.iv, { authTagLength: 16 });
    decipher.setAAD(gcmAad(aad, metadata));
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch {
    return undefined;
  }
};
