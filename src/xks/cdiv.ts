/**
 * The ciphertext data integrity value (CDIV) of the XKS proxy API (specification, Appendix C): the
 * proxy computes it over its Encrypt answer, KMS recomputes it and refuses an answer that differs.
 */
import { createHash } from "node:crypto";

/**
 * The parts of an Encrypt answer the CDIV covers.
 * @internal
 */
export interface CdivInput {
  /** The request's additional authenticated data (empty when absent). */
  readonly aad: Uint8Array;
  /** The answer's ciphertext metadata (empty when absent). */
  readonly metadata: Uint8Array;
  /** The answer's initialization vector. */
  readonly iv: Uint8Array;
  /** The answer's ciphertext. */
  readonly ciphertext: Uint8Array;
  /** The answer's authentication tag. */
  readonly tag: Uint8Array;
}

/**
 * The CDIV: `Base64(SHA-256(aad ‖ ciphertextMetadata ‖ iv ‖ ciphertext ‖ tag))`, absent fields
 * counting as empty and no lengths included.
 *
 * @param input - The covered fields.
 * @returns The Base64 value.
 * @internal
 */
export const ciphertextDataIntegrityValue = (input: CdivInput): string =>
  createHash("sha256")
    .update(input.aad)
    .update(input.metadata)
    .update(input.iv)
    .update(input.ciphertext)
    .update(input.tag)
    .digest("base64");
