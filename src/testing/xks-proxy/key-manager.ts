/**
 * The fake XKS proxy's external key manager: its keys and health, and the four operations on them
 * (GetHealthStatus, GetKeyMetadata, Encrypt, Decrypt) with real AES-256-GCM.
 */
import { randomBytes } from "node:crypto";
import { ciphertextDataIntegrityValue } from "../../xks/cdiv.js";
import { KEY_ID_PATTERN } from "../../xks/spec.js";
import { isRecord } from "../guards.js";
import { open, seal } from "./crypto.js";
import {
  type DecryptInput,
  decryptInput,
  type EncryptInput,
  encryptInput,
  type Route,
  XksError,
} from "./request.js";
import type { EkmHealth, XksProxyKey } from "./types.js";

interface KeyRecord {
  readonly id: string;
  readonly spec: string;
  readonly usage: readonly string[];
  readonly status: "ENABLED" | "DISABLED";
  readonly material: Buffer;
}

const EKM_STATES: readonly string[] = ["ACTIVE", "DEGRADED", "UNAVAILABLE"];

/**
 * Checks a key manager health setting.
 * @param health - One state, or one per fleet member.
 * @returns The states, one per member.
 * @throws TypeError when it is not 1–10 known states.
 * @internal
 */
export const healthOf = (health: EkmHealth | readonly EkmHealth[]): readonly EkmHealth[] => {
  const list: readonly EkmHealth[] = typeof health === "string" ? [health] : health;
  if (list.length < 1 || list.length > 10 || list.some((h) => !EKM_STATES.includes(h))) {
    throw new TypeError(
      'ekmHealth must be "ACTIVE", "DEGRADED" or "UNAVAILABLE", or a list of 1–10 of them.',
    );
  }
  return [...list];
};

/**
 * The external keys and key manager health behind the fake proxy, and the operations on them.
 * @internal
 */
export class ExternalKeyManager {
  readonly #keys = new Map<string, KeyRecord>();
  readonly #ciphertextMetadata: Buffer | undefined;
  #health: readonly EkmHealth[];

  /**
   * @param keys - The initial keys.
   * @param health - The initial key manager health.
   * @param ciphertextMetadata - Metadata returned by every Encrypt and bound into the AAD.
   * @throws TypeError when a key or the health is invalid.
   */
  constructor(
    keys: readonly XksProxyKey[],
    health: EkmHealth | readonly EkmHealth[],
    ciphertextMetadata: Buffer | undefined,
  ) {
    this.#ciphertextMetadata = ciphertextMetadata;
    this.#health = healthOf(health);
    for (const key of keys) this.setKey(key);
  }

  /**
   * Adds or replaces a key; replacing keeps its key material.
   * @param key - The key.
   * @throws TypeError when the key's id or status is invalid.
   */
  setKey(key: XksProxyKey): void {
    if (!isRecord(key) || typeof key.id !== "string" || !KEY_ID_PATTERN.test(key.id)) {
      throw new TypeError("keys[].id must be 1–128 characters of [A-Za-z0-9._-].");
    }
    if (key.status !== undefined && key.status !== "ENABLED" && key.status !== "DISABLED") {
      throw new TypeError('keys[].status must be "ENABLED" or "DISABLED".');
    }
    this.#keys.set(key.id, {
      id: key.id,
      spec: key.spec ?? "AES_256",
      usage: [...(key.usage ?? ["ENCRYPT", "DECRYPT"])],
      status: key.status ?? "ENABLED",
      material: this.#keys.get(key.id)?.material ?? randomBytes(32),
    });
  }

  /**
   * Removes a key.
   * @param id - The key id.
   */
  removeKey(id: string): void {
    this.#keys.delete(id);
  }

  /**
   * Sets the health GetHealthStatus reports.
   * @param health - One state, or one per fleet member.
   */
  setHealth(health: EkmHealth | readonly EkmHealth[]): void {
    this.#health = healthOf(health);
  }

  /**
   * Runs an operation on a validated request. The body is validated before the key is looked up, as
   * the reference proxy does.
   *
   * @param route - The operation and key id.
   * @param body - The JSON body.
   * @returns The answer's JSON body.
   * @throws XksError for every refusal.
   */
  run(route: Route, body: Readonly<Record<string, unknown>>): Record<string, unknown> {
    switch (route.operation) {
      case "health":
        return this.#healthStatus();
      case "metadata": {
        const key = this.#keyFor(route.keyId, undefined);
        return { keySpec: key.spec, keyUsage: [...key.usage], keyStatus: key.status };
      }
      case "encrypt": {
        const input = encryptInput(body);
        return this.#encrypt(this.#keyFor(route.keyId, "ENCRYPT"), input);
      }
      case "decrypt": {
        const input = decryptInput(body);
        return this.#decrypt(this.#keyFor(route.keyId, "DECRYPT"), input);
      }
    }
  }

  #keyFor(keyId: string | undefined, use: "ENCRYPT" | "DECRYPT" | undefined): KeyRecord {
    const key = keyId === undefined ? undefined : this.#keys.get(keyId);
    if (key === undefined)
      throw new XksError("KeyNotFoundException", `No external key with id ${keyId ?? ""}.`);
    if (use === undefined) return key;
    if (key.status !== "ENABLED")
      throw new XksError("InvalidStateException", `External key ${key.id} is not enabled.`);
    if (!key.usage.includes(use) || key.spec !== "AES_256") {
      throw new XksError(
        "InvalidKeyUsageException",
        `External key ${key.id} does not support ${use === "ENCRYPT" ? "Encrypt" : "Decrypt"}.`,
      );
    }
    return key;
  }

  #healthStatus(): Record<string, unknown> {
    return {
      xksProxyFleetSize: 1,
      xksProxyVendor: "kms-keystore-errors",
      xksProxyModel: "fake XKS proxy",
      ekmVendor: "kms-keystore-errors",
      ekmFleetDetails: this.#health.map((healthStatus, i) => ({
        id: `ekm-${i + 1}`,
        model: "fake EKM",
        healthStatus,
      })),
    };
  }

  #encrypt(key: KeyRecord, input: EncryptInput): Record<string, unknown> {
    const metadataBytes = this.#ciphertextMetadata;
    const md = metadataBytes ?? Buffer.alloc(0);
    const sealed = seal(key.material, input.plaintext, input.aad, md);
    let cdiv: string | undefined;
    if (input.cdiv) {
      // Appendix C: compute the value first, then prove the answer decrypts, which needs the
      // DECRYPT usage as well.
      cdiv = ciphertextDataIntegrityValue({ aad: input.aad, metadata: md, ...sealed });
      if (!key.usage.includes("DECRYPT")) {
        throw new XksError(
          "InvalidKeyUsageException",
          `External key ${key.id} does not support Decrypt, which verifying the ciphertext data integrity value needs.`,
        );
      }
      const check = open(key.material, sealed, input.aad, md);
      if (check === undefined || !check.equals(input.plaintext)) {
        throw new XksError("InternalException", "The ciphertext failed its verification decrypt.");
      }
    }
    return {
      ciphertext: sealed.ciphertext.toString("base64"),
      ...(metadataBytes === undefined ? {} : { ciphertextMetadata: metadataBytes.toString("base64") }),
      initializationVector: sealed.iv.toString("base64"),
      authenticationTag: sealed.tag.toString("base64"),
      ...(cdiv === undefined ? {} : { ciphertextDataIntegrityValue: cdiv }),
    };
  }

  #decrypt(key: KeyRecord, input: DecryptInput): Record<string, unknown> {
    const plaintext = open(key.material, input, input.aad, input.metadata);
    if (plaintext === undefined) {
      throw new XksError(
        "InvalidCiphertextException",
        "The ciphertext, authentication tag, initialization vector, AAD or ciphertext metadata failed authentication.",
      );
    }
    return { plaintext: plaintext.toString("base64") };
  }
}
