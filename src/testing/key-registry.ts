/**
 * The KMS keys of the emulator, as records: the one table the custom key store model and the key
 * model share (a store counts and removes its keys here; the key model creates and uses them).
 */

/**
 * The state of a KMS key of the model (`Unavailable` is derived from its store, never stored).
 * @internal
 */
export type KeyState = "Enabled" | "Disabled" | "PendingDeletion" | "PendingImport";

/**
 * Where a KMS key's material comes from.
 * @internal
 */
export type Origin = "AWS_KMS" | "EXTERNAL" | "AWS_CLOUDHSM" | "EXTERNAL_KEY_STORE";

/**
 * One KMS key of the model.
 * @internal
 */
export interface KeyRecord {
  /** The key id (a UUID). */
  readonly id: string;
  /** The key ARN. */
  readonly arn: string;
  /** The stored key state. */
  state: KeyState;
  /** The key's origin. */
  readonly origin: Origin;
  /** The custom key store that holds it, if any. */
  readonly customKeyStoreId: string | undefined;
  /** The external key id, for a key in an external key store. */
  readonly xksKeyId: string | undefined;
  /** The description. */
  readonly description: string;
  /** The key spec. */
  readonly keySpec: string;
  /** The key usage. */
  readonly keyUsage: string;
  /** Whether it is a multi-Region key. */
  readonly multiRegion: boolean;
  /** When it was created. */
  readonly creationDate: Date;
  /** The AES-256 key: never leaves the model. */
  readonly material: Buffer;
  /** When a key pending deletion is deleted. */
  deletionDate: Date | undefined;
  /** The waiting period of a key pending deletion, in days. */
  pendingWindowInDays: number | undefined;
}

/**
 * The KMS keys of one emulator, by key id, in creation order.
 * @internal
 */
export class KeyRegistry {
  readonly #keys = new Map<string, KeyRecord>();

  /**
   * A key by id.
   * @param id - The key id.
   * @returns The key, or undefined.
   */
  get(id: string): KeyRecord | undefined {
    return this.#keys.get(id);
  }

  /**
   * Adds a key.
   * @param key - The key.
   */
  add(key: KeyRecord): void {
    this.#keys.set(key.id, key);
  }

  /**
   * Every key, oldest first.
   * @returns The keys.
   */
  all(): KeyRecord[] {
    return [...this.#keys.values()];
  }

  /**
   * The number of KMS keys in a store, keys pending deletion included (they still exist until their
   * waiting period ends).
   * @param storeId - The store id.
   * @returns The count.
   */
  countIn(storeId: string): number {
    let count = 0;
    for (const key of this.#keys.values()) if (key.customKeyStoreId === storeId) count += 1;
    return count;
  }

  /**
   * Forgets the keys of a deleted store.
   * @param storeId - The store id.
   */
  removeIn(storeId: string): void {
    for (const [id, key] of this.#keys) if (key.customKeyStoreId === storeId) this.#keys.delete(id);
  }

  /**
   * Ends the waiting period of every key pending deletion: the keys are deleted, as KMS deletes a key
   * when its deletion date passes.
   * @returns The number of keys deleted.
   */
  completeDeletions(): number {
    let count = 0;
    for (const [id, key] of this.#keys) {
      if (key.state === "PendingDeletion") {
        this.#keys.delete(id);
        count += 1;
      }
    }
    return count;
  }
}
