import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from "node:crypto";
import type { KeyRecord, KeyRegistry, Origin } from "./key-registry.js";
import {
  decodeMarker,
  encodeMarker,
  faultError,
  type KeyStoreModel,
  outcomeError,
  type StoreRecord,
} from "./key-stores.js";
import { epochSeconds, type JsonObject, KmsError } from "./protocol.js";
import {
  invalid,
  missing,
  optBool,
  optEnum,
  optInt,
  optString,
  optStringMap,
  reqBlob,
  reqString,
} from "./validation.js";
import type { KmsCall, XksSealed } from "./xks-gateway.js";

const ORIGINS: readonly Origin[] = ["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"];
const KEY_USAGES = ["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"] as const;
const KEY_SPECS = [
  "SYMMETRIC_DEFAULT",
  "RSA_2048",
  "RSA_3072",
  "RSA_4096",
  "ECC_NIST_P256",
  "ECC_NIST_P384",
  "ECC_NIST_P521",
  "ECC_SECG_P256K1",
  "ECC_NIST_EDWARDS25519",
  "HMAC_224",
  "HMAC_256",
  "HMAC_384",
  "HMAC_512",
  "ML_DSA_44",
  "ML_DSA_65",
  "ML_DSA_87",
  "ML_KEM_512",
  "ML_KEM_768",
  "ML_KEM_1024",
  "SM2",
] as const;
const ENCRYPTION_ALGORITHMS = [
  "SYMMETRIC_DEFAULT",
  "RSAES_OAEP_SHA_1",
  "RSAES_OAEP_SHA_256",
  "SM2PKE",
] as const;
const DATA_KEY_SPECS = ["AES_256", "AES_128"] as const;
const KEY_ID_RULE = { min: 1, max: 2048 };
const CIPHERTEXT_MAX = 6144;

/** Blob layout: version (1) ‖ key id length (1) ‖ key id ‖ IV (12) ‖ tag (16) ‖ ciphertext. */
const BLOB_VERSION = 0x01;
/**
 * Blob of a key whose external key store proxy is real (double encryption, as in KMS: the proxy
 * encrypts KMS's own version-1 blob): version (1) ‖ then, each as length (1) ‖ bytes: KMS key id,
 * external key id, IV, tag, ciphertext metadata ‖ the proxy's ciphertext.
 */
const XKS_BLOB_VERSION = 0x02;
const XKS_BLOB_FIELDS = 5;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The encryption context as AAD: entries sorted by key, so that member order does not matter. */
const aad = (context: Readonly<Record<string, string>> | undefined): Buffer =>
  Buffer.from(JSON.stringify(Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));

const invalidCiphertext = (): KmsError => new KmsError("InvalidCiphertextException", "");

/**
 * The AAD sent to the proxy: the KMS key ARN, binding the proxy's layer to the KMS key. The
 * encryption context binds KMS's own inner layer, so a wrong context is an
 * `InvalidCiphertextException`, as for any KMS key.
 */
const proxyAad = (key: { readonly arn: string }): Buffer => Buffer.from(key.arn, "utf8");

/** Packs length-prefixed fields (each < 256 bytes) and a tail. */
const pack = (version: number, fields: readonly Buffer[], tail: Buffer): Buffer =>
  Buffer.concat([Buffer.from([version]), ...fields.flatMap((f) => [Buffer.from([f.length]), f]), tail]);

/** Unpacks {@link pack}'s fields; undefined when the blob is too short. */
const unpack = (blob: Buffer, count: number): { fields: Buffer[]; tail: Buffer } | undefined => {
  const fields: Buffer[] = [];
  let at = 1;
  for (let i = 0; i < count; i += 1) {
    const length = blob[at];
    if (length === undefined || at + 1 + length > blob.length) return undefined;
    fields.push(blob.subarray(at + 1, at + 1 + length));
    at += 1 + length;
  }
  return { fields, tail: blob.subarray(at) };
};

/** The KMS key id a blob names (either layout), or undefined when it is not one of ours. */
const blobKeyIdOf = (blob: Buffer): string | undefined => {
  if (blob[0] !== BLOB_VERSION && blob[0] !== XKS_BLOB_VERSION) return undefined;
  return unpack(blob, 1)?.fields[0]?.toString("utf8");
};

const dryRun = (input: JsonObject): void => {
  if (optBool(input, "DryRun") === true) {
    throw new KmsError(
      "DryRunOperationException",
      "The request would have succeeded, but the DryRun option is set.",
    );
  }
};

/**
 * The KMS key model: key state, metadata and real AES-256-GCM round trips.
 * @internal
 */
export class KeyModel {
  readonly #region: string;
  readonly #accountId: string;
  readonly #stores: KeyStoreModel;
  readonly #keys: KeyRegistry;

  /**
   * @param region - The Region in key ARNs.
   * @param accountId - The account in key ARNs.
   * @param stores - The custom key store model: the stores keys live in, and the key table it keeps.
   */
  constructor(region: string, accountId: string, stores: KeyStoreModel) {
    this.#region = region;
    this.#accountId = accountId;
    this.#stores = stores;
    this.#keys = stores.keys;
  }

  /**
   * `CreateKey`: in an external key store whose proxy is routed, after the proxy's GetKeyMetadata.
   * @param input - The request.
   * @param call - The KMS request (for the proxy's `requestMetadata`).
   * @returns The response.
   */
  async create(input: JsonObject, call: KmsCall): Promise<JsonObject> {
    const description = optString(input, "Description", { min: 0, max: 8192 }) ?? "";
    const keyUsage = optEnum(input, "KeyUsage", KEY_USAGES) ?? "ENCRYPT_DECRYPT";
    const keySpec =
      optEnum(input, "KeySpec", KEY_SPECS) ??
      optEnum(input, "CustomerMasterKeySpec", KEY_SPECS) ??
      "SYMMETRIC_DEFAULT";
    const origin = optEnum(input, "Origin", ORIGINS) ?? "AWS_KMS";
    const storeId = optString(input, "CustomKeyStoreId", { min: 1, max: 64 });
    const xksKeyId = optString(input, "XksKeyId", { min: 1, max: 128, pattern: "^[a-zA-Z0-9-_.]+$" });
    const multiRegion = optBool(input, "MultiRegion") ?? false;
    optString(input, "Policy", { min: 1, max: 131072 });
    const custom = origin === "AWS_CLOUDHSM" || origin === "EXTERNAL_KEY_STORE";
    if (storeId !== undefined && !custom) {
      throw invalid(
        "Origin",
        "Member must be AWS_CLOUDHSM or EXTERNAL_KEY_STORE when CustomKeyStoreId is specified",
      );
    }
    if (custom && storeId === undefined) throw missing("CustomKeyStoreId");
    if (xksKeyId !== undefined && origin !== "EXTERNAL_KEY_STORE") {
      throw invalid("XksKeyId", "Member is valid only when Origin is EXTERNAL_KEY_STORE");
    }
    let store: StoreRecord | undefined;
    if (custom && storeId !== undefined) {
      if (keySpec !== "SYMMETRIC_DEFAULT" || keyUsage !== "ENCRYPT_DECRYPT" || multiRegion) {
        throw new KmsError(
          "UnsupportedOperationException",
          "KMS keys in a custom key store must be single-Region symmetric encryption keys (KeySpec SYMMETRIC_DEFAULT, KeyUsage ENCRYPT_DECRYPT).",
        );
      }
      store = this.#stores.require(storeId);
      const expected = store.type === "AWS_CLOUDHSM" ? "AWS_CLOUDHSM" : "EXTERNAL_KEY_STORE";
      if (origin !== expected) {
        throw invalid(
          "Origin",
          `Member must be ${expected} for custom key store ${store.id} (type ${store.type})`,
        );
      }
      if (store.type === "EXTERNAL_KEY_STORE" && xksKeyId === undefined) throw missing("XksKeyId");
      if (store.state !== "CONNECTED") {
        const what =
          store.type === "EXTERNAL_KEY_STORE"
            ? `The external key store ${store.id} is not connected to its external key store proxy.`
            : `The AWS CloudHSM key store ${store.id} is not connected to its AWS CloudHSM cluster.`;
        throw new KmsError(
          "CustomKeyStoreInvalidStateException",
          `${what} Its connection state is ${store.state}. Connect the custom key store and wait until it is CONNECTED.`,
        );
      }
      this.#checkXksKeyFree(store, xksKeyId);
      const fault = this.#stores.takeFault(store, store.xks?.uriEndpoint, "createKey");
      if (fault?.createKey !== undefined) {
        throw faultError(fault.createKey, {
          customKeyStoreId: store.id,
          ...(xksKeyId === undefined ? {} : { xksKeyId }),
        });
      }
      const gateway = this.#stores.gateway;
      if (xksKeyId !== undefined && gateway.routed(store.xks)) {
        const outcome = await gateway.metadata(store.xks, xksKeyId, call);
        if (outcome !== undefined) {
          throw outcomeError(outcome, "createKey", { customKeyStoreId: store.id, xksKeyId });
        }
        this.#checkXksKeyFree(store, xksKeyId);
      }
    }
    const id = randomUUID();
    const key: KeyRecord = {
      id,
      arn: `arn:aws:kms:${this.#region}:${this.#accountId}:key/${id}`,
      state: origin === "EXTERNAL" ? "PendingImport" : "Enabled",
      origin,
      customKeyStoreId: store?.id,
      xksKeyId,
      description,
      keySpec,
      keyUsage,
      multiRegion,
      creationDate: new Date(),
      material: randomBytes(32),
      deletionDate: undefined,
      pendingWindowInDays: undefined,
    };
    this.#keys.add(key);
    return { KeyMetadata: this.#metadata(key) };
  }

  /**
   * `DescribeKey`.
   * @param input - The request.
   * @returns The response.
   */
  describe(input: JsonObject): JsonObject {
    return { KeyMetadata: this.#metadata(this.#resolve(reqString(input, "KeyId", KEY_ID_RULE))) };
  }

  /**
   * `ListKeys`.
   * @param input - The request.
   * @returns The response.
   */
  list(input: JsonObject): JsonObject {
    const limit = optInt(input, "Limit", 1, 1000) ?? 100;
    const keys = this.#keys.all();
    const start = decodeMarker(optString(input, "Marker", { min: 1, max: 1024 }), keys.length);
    const page = keys.slice(start, start + limit);
    const next = start + page.length;
    return {
      Keys: page.map((k) => ({ KeyId: k.id, KeyArn: k.arn })),
      Truncated: next < keys.length,
      ...(next < keys.length ? { NextMarker: encodeMarker(next) } : {}),
    };
  }

  /**
   * `EnableKey` and `DisableKey`.
   * @param input - The request.
   * @param enabled - Which one.
   * @returns The response.
   */
  setEnabled(input: JsonObject, enabled: boolean): JsonObject {
    const key = this.#resolve(reqString(input, "KeyId", KEY_ID_RULE));
    if (key.state === "PendingDeletion" || key.state === "PendingImport") throw this.#stateError(key);
    key.state = enabled ? "Enabled" : "Disabled";
    return {};
  }

  /**
   * `ScheduleKeyDeletion`.
   * @param input - The request.
   * @returns The response.
   */
  scheduleDeletion(input: JsonObject): JsonObject {
    const key = this.#resolve(reqString(input, "KeyId", KEY_ID_RULE));
    const days = optInt(input, "PendingWindowInDays", 7, 30) ?? 30;
    if (key.state === "PendingDeletion") throw this.#stateError(key);
    key.state = "PendingDeletion";
    key.pendingWindowInDays = days;
    key.deletionDate = new Date(Date.now() + days * 86_400_000);
    return {
      KeyId: key.arn,
      DeletionDate: epochSeconds(key.deletionDate),
      KeyState: "PendingDeletion",
      PendingWindowInDays: days,
    };
  }

  /**
   * `CancelKeyDeletion`: the key comes back `Disabled`, as in KMS.
   * @param input - The request.
   * @returns The response.
   */
  cancelDeletion(input: JsonObject): JsonObject {
    const key = this.#resolve(reqString(input, "KeyId", KEY_ID_RULE));
    if (key.state !== "PendingDeletion") {
      throw new KmsError("KMSInvalidStateException", `${key.arn} is not pending deletion.`);
    }
    key.state = "Disabled";
    key.deletionDate = undefined;
    key.pendingWindowInDays = undefined;
    return { KeyId: key.arn };
  }

  /**
   * `Encrypt`.
   * @param input - The request.
   * @param call - The KMS request (for a routed proxy's `requestMetadata`).
   * @returns The response.
   */
  async encrypt(input: JsonObject, call: KmsCall): Promise<JsonObject> {
    const key = this.#resolve(reqString(input, "KeyId", KEY_ID_RULE));
    const plaintext = reqBlob(input, "Plaintext", 1, 4096);
    const context = optStringMap(input, "EncryptionContext");
    this.#checkAlgorithm(input, "EncryptionAlgorithm", key);
    dryRun(input);
    this.#usable(key);
    return {
      CiphertextBlob: (await this.#sealAny(key, plaintext, context, call)).toString("base64"),
      KeyId: key.arn,
      EncryptionAlgorithm: "SYMMETRIC_DEFAULT",
    };
  }

  /**
   * `Decrypt`.
   * @param input - The request.
   * @param call - The KMS request (for a routed proxy's `requestMetadata`).
   * @returns The response.
   */
  async decrypt(input: JsonObject, call: KmsCall): Promise<JsonObject> {
    const blob = reqBlob(input, "CiphertextBlob", 1, CIPHERTEXT_MAX);
    const context = optStringMap(input, "EncryptionContext");
    const keyId = optString(input, "KeyId", KEY_ID_RULE);
    const { key, plaintext } = await this.#open(blob, context, keyId, input, "EncryptionAlgorithm", call);
    return {
      KeyId: key.arn,
      Plaintext: plaintext.toString("base64"),
      EncryptionAlgorithm: "SYMMETRIC_DEFAULT",
    };
  }

  /**
   * `ReEncrypt`.
   * @param input - The request.
   * @param call - The KMS request (for a routed proxy's `requestMetadata`).
   * @returns The response.
   */
  async reEncrypt(input: JsonObject, call: KmsCall): Promise<JsonObject> {
    const blob = reqBlob(input, "CiphertextBlob", 1, CIPHERTEXT_MAX);
    const sourceContext = optStringMap(input, "SourceEncryptionContext");
    const sourceKeyId = optString(input, "SourceKeyId", KEY_ID_RULE);
    const destination = this.#resolve(reqString(input, "DestinationKeyId", KEY_ID_RULE));
    const destinationContext = optStringMap(input, "DestinationEncryptionContext");
    this.#checkAlgorithm(input, "DestinationEncryptionAlgorithm", destination);
    const { key, plaintext } = await this.#open(
      blob,
      sourceContext,
      sourceKeyId,
      input,
      "SourceEncryptionAlgorithm",
      call,
    );
    this.#usable(destination);
    return {
      CiphertextBlob: (await this.#sealAny(destination, plaintext, destinationContext, call)).toString(
        "base64",
      ),
      SourceKeyId: key.arn,
      KeyId: destination.arn,
      SourceEncryptionAlgorithm: "SYMMETRIC_DEFAULT",
      DestinationEncryptionAlgorithm: "SYMMETRIC_DEFAULT",
    };
  }

  /**
   * `GenerateDataKey` and `GenerateDataKeyWithoutPlaintext`.
   * @param input - The request.
   * @param withPlaintext - Whether the response carries the plaintext data key.
   * @param call - The KMS request (for a routed proxy's `requestMetadata`).
   * @returns The response.
   */
  async generateDataKey(input: JsonObject, withPlaintext: boolean, call: KmsCall): Promise<JsonObject> {
    const key = this.#resolve(reqString(input, "KeyId", KEY_ID_RULE));
    const bytes = optInt(input, "NumberOfBytes", 1, 1024);
    const spec = optEnum(input, "KeySpec", DATA_KEY_SPECS);
    const context = optStringMap(input, "EncryptionContext");
    if ((bytes === undefined) === (spec === undefined)) {
      throw new KmsError("ValidationException", "Specify either NumberOfBytes or KeySpec, but not both.");
    }
    dryRun(input);
    this.#usable(key);
    const plaintext = randomBytes(bytes ?? (spec === "AES_128" ? 16 : 32));
    return {
      CiphertextBlob: (await this.#sealAny(key, plaintext, context, call)).toString("base64"),
      ...(withPlaintext ? { Plaintext: plaintext.toString("base64") } : {}),
      KeyId: key.arn,
    };
  }

  #checkXksKeyFree(store: StoreRecord, xksKeyId: string | undefined): void {
    if (xksKeyId === undefined) return;
    for (const key of this.#keys.all()) {
      if (key.customKeyStoreId === store.id && key.xksKeyId === xksKeyId) {
        throw new KmsError(
          "XksKeyAlreadyInUseException",
          `The external key ${xksKeyId} is already associated with KMS key ${key.arn} in custom key store ${store.id}.`,
        );
      }
    }
  }

  /** The message values of a key's proxy failures. */
  #vars(key: KeyRecord, store: StoreRecord): Readonly<Record<string, string>> {
    return {
      keyArn: key.arn,
      customKeyStoreId: store.id,
      ...(key.xksKeyId === undefined ? {} : { xksKeyId: key.xksKeyId }),
    };
  }

  /** Seals locally, then, for a key whose proxy is routed, has the proxy encrypt that blob. */
  async #sealAny(
    key: KeyRecord,
    plaintext: Buffer,
    context: Readonly<Record<string, string>> | undefined,
    call: KmsCall,
  ): Promise<Buffer> {
    const inner = this.#seal(key, plaintext, context);
    const store = this.#store(key);
    const gateway = this.#stores.gateway;
    if (store === undefined || key.xksKeyId === undefined || !gateway.routed(store.xks)) return inner;
    const result = await gateway.encrypt(store.xks, key.xksKeyId, key.arn, inner, proxyAad(key), call);
    if (!result.ok) throw outcomeError(result.fault, "crypto", this.#vars(key, store));
    const { iv, tag, metadata, ciphertext } = result.value;
    return pack(
      XKS_BLOB_VERSION,
      [Buffer.from(key.id, "utf8"), Buffer.from(key.xksKeyId, "utf8"), iv, tag, metadata],
      ciphertext,
    );
  }

  /** Has the proxy decrypt an {@link XKS_BLOB_VERSION} blob: KMS's inner blob, or a KMS error. */
  async #proxyOpen(key: KeyRecord, blob: Buffer, call: KmsCall): Promise<Buffer> {
    const parts = unpack(blob, XKS_BLOB_FIELDS);
    const [, xksKeyId, iv, tag, metadata] = parts?.fields ?? [];
    if (parts === undefined || xksKeyId === undefined || iv === undefined || tag === undefined) {
      throw invalidCiphertext();
    }
    const store = this.#store(key);
    if (store === undefined) throw invalidCiphertext();
    const gateway = this.#stores.gateway;
    // Without its proxy, KMS cannot reach the external key.
    if (!gateway.routed(store.xks)) throw outcomeError("unreachable", "crypto", this.#vars(key, store));
    const sealed: XksSealed = { ciphertext: parts.tail, iv, tag, metadata: metadata ?? Buffer.alloc(0) };
    const result = await gateway.decrypt(
      store.xks,
      xksKeyId.toString("utf8"),
      key.arn,
      sealed,
      proxyAad(key),
      call,
    );
    if (!result.ok) throw outcomeError(result.fault, "crypto", this.#vars(key, store));
    return result.value;
  }

  #resolve(keyId: string): KeyRecord {
    if (keyId.startsWith("alias/") || /^arn:[^:]+:kms:[^:]*:[^:]*:alias\//.test(keyId)) {
      throw new KmsError("NotFoundException", `Alias ${keyId} is not found.`);
    }
    const arn = /^arn:aws:kms:([^:]+):(\d{12}):key\/(.+)$/.exec(keyId);
    const key = this.#keys.all().find((k) => (arn === null ? k.id === keyId : k.arn === keyId));
    if (key === undefined) {
      const shown = arn === null ? `arn:aws:kms:${this.#region}:${this.#accountId}:key/${keyId}` : keyId;
      throw new KmsError("NotFoundException", `Key '${shown}' does not exist`);
    }
    return key;
  }

  #stateError(key: KeyRecord): KmsError {
    return new KmsError(
      "KMSInvalidStateException",
      key.state === "PendingImport" ? `${key.arn} is pending import.` : `${key.arn} is pending deletion.`,
    );
  }

  #store(key: KeyRecord): StoreRecord | undefined {
    return key.customKeyStoreId === undefined ? undefined : this.#stores.get(key.customKeyStoreId);
  }

  /** The key state KMS reports: keys of a store that is not connected are `Unavailable`. */
  #effectiveState(key: KeyRecord): string {
    if (key.state === "PendingDeletion") return key.state;
    const store = this.#store(key);
    return store !== undefined && store.state !== "CONNECTED" ? "Unavailable" : key.state;
  }

  /** Throws what KMS throws when the key cannot be used for a cryptographic operation now. */
  #usable(key: KeyRecord): void {
    const state = this.#effectiveState(key);
    if (state === "PendingDeletion" || state === "PendingImport") throw this.#stateError(key);
    if (state === "Unavailable") throw new KmsError("KMSInvalidStateException", `${key.arn} is unavailable.`);
    if (state === "Disabled") throw new KmsError("DisabledException", `${key.arn} is disabled.`);
    if (key.keySpec !== "SYMMETRIC_DEFAULT" || key.keyUsage !== "ENCRYPT_DECRYPT") {
      throw new KmsError(
        "InvalidKeyUsageException",
        `${key.arn} key usage is ${key.keyUsage} which is not valid for this operation.`,
      );
    }
    const store = this.#store(key);
    if (store === undefined) return;
    const fault = this.#stores.takeFault(store, store.xks?.uriEndpoint, "crypto");
    if (fault !== undefined) {
      throw faultError(fault.crypto, {
        keyArn: key.arn,
        customKeyStoreId: store.id,
        ...(key.xksKeyId === undefined ? {} : { xksKeyId: key.xksKeyId }),
        ...(store.cloudHsm === undefined ? {} : { clusterId: store.cloudHsm.clusterId }),
      });
    }
  }

  #checkAlgorithm(input: JsonObject, field: string, key: KeyRecord): void {
    const algorithm = optEnum(input, field, ENCRYPTION_ALGORITHMS);
    if (algorithm !== undefined && algorithm !== "SYMMETRIC_DEFAULT" && key.keySpec === "SYMMETRIC_DEFAULT") {
      throw new KmsError(
        "InvalidKeyUsageException",
        `The encryption algorithm ${algorithm} is not valid for ${key.arn}. Use SYMMETRIC_DEFAULT.`,
      );
    }
  }

  #seal(key: KeyRecord, plaintext: Buffer, context: Readonly<Record<string, string>> | undefined): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", key.material, iv);
    cipher.setAAD(aad(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const id = Buffer.from(key.id, "utf8");
    return Buffer.concat([Buffer.from([BLOB_VERSION, id.length]), id, iv, cipher.getAuthTag(), ciphertext]);
  }

  async #open(
    blob: Buffer,
    context: Readonly<Record<string, string>> | undefined,
    keyId: string | undefined,
    input: JsonObject,
    algorithmField: string,
    call: KmsCall,
  ): Promise<{ key: KeyRecord; plaintext: Buffer }> {
    const blobKeyId = blobKeyIdOf(blob);
    if (blobKeyId === undefined) throw invalidCiphertext();
    const key = this.#keys.get(blobKeyId);
    if (keyId !== undefined) {
      const requested = this.#resolve(keyId);
      if (requested.id !== blobKeyId) {
        throw new KmsError(
          "IncorrectKeyException",
          "The key ID in the request does not identify a KMS key that can perform this operation.",
        );
      }
    }
    if (key === undefined) throw invalidCiphertext();
    this.#checkAlgorithm(input, algorithmField, key);
    dryRun(input);
    this.#usable(key);
    const inner = blob[0] === XKS_BLOB_VERSION ? await this.#proxyOpen(key, blob, call) : blob;
    return { key, plaintext: this.#unseal(key, inner, context) };
  }

  /** Opens a version-1 blob with the key's own material. */
  #unseal(key: KeyRecord, blob: Buffer, context: Readonly<Record<string, string>> | undefined): Buffer {
    const idLength = blob[1] ?? 0;
    const headerLength = 2 + idLength + IV_BYTES + TAG_BYTES;
    if (blob[0] !== BLOB_VERSION || blob.length < headerLength) throw invalidCiphertext();
    if (blob.subarray(2, 2 + idLength).toString("utf8") !== key.id) throw invalidCiphertext();
    const iv = blob.subarray(2 + idLength, 2 + idLength + IV_BYTES);
    const tag = blob.subarray(2 + idLength + IV_BYTES, headerLength);
    try {
      const decipher = createDecipheriv("aes-256-gcm", key.material, iv);
      decipher.setAAD(aad(context));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(blob.subarray(headerLength)), decipher.final()]);
    } catch {
      throw invalidCiphertext();
    }
  }

  #metadata(key: KeyRecord): JsonObject {
    const state = this.#effectiveState(key);
    const store = this.#store(key);
    return {
      AWSAccountId: this.#accountId,
      KeyId: key.id,
      Arn: key.arn,
      CreationDate: epochSeconds(key.creationDate),
      Enabled: state === "Enabled",
      Description: key.description,
      KeyUsage: key.keyUsage,
      KeyState: state,
      Origin: key.origin,
      KeyManager: "CUSTOMER",
      CustomerMasterKeySpec: key.keySpec,
      KeySpec: key.keySpec,
      ...(key.keyUsage === "ENCRYPT_DECRYPT" && key.keySpec === "SYMMETRIC_DEFAULT"
        ? { EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"] }
        : {}),
      MultiRegion: key.multiRegion,
      ...(key.customKeyStoreId === undefined ? {} : { CustomKeyStoreId: key.customKeyStoreId }),
      ...(store?.cloudHsm === undefined ? {} : { CloudHsmClusterId: store.cloudHsm.clusterId }),
      ...(key.xksKeyId === undefined ? {} : { XksKeyConfiguration: { Id: key.xksKeyId } }),
      ...(key.deletionDate === undefined
        ? {}
        : {
            DeletionDate: epochSeconds(key.deletionDate),
            PendingDeletionWindowInDays: key.pendingWindowInDays,
          }),
    };
  }
}
