import type { KeyStoreModel } from "./key-stores.js";
import type { KeyModel } from "./keys.js";
import type { JsonObject } from "./protocol.js";

/**
 * One KMS operation: a request object in, a response object out (or a thrown `KmsError`).
 * @internal
 */
export type Operation = (input: JsonObject) => JsonObject;

/**
 * The operations the emulator serves, by name (the part of `X-Amz-Target` after `TrentService.`).
 *
 * @param stores - The custom key store model.
 * @param keys - The key model.
 * @returns The dispatch table.
 * @internal
 */
export const operations = (stores: KeyStoreModel, keys: KeyModel): ReadonlyMap<string, Operation> =>
  new Map<string, Operation>([
    ["CreateCustomKeyStore", (i) => stores.create(i)],
    ["DescribeCustomKeyStores", (i) => stores.describe(i)],
    ["ConnectCustomKeyStore", (i) => stores.connect(i)],
    ["DisconnectCustomKeyStore", (i) => stores.disconnect(i)],
    ["UpdateCustomKeyStore", (i) => stores.update(i)],
    ["DeleteCustomKeyStore", (i) => stores.delete(i)],
    ["CreateKey", (i) => keys.create(i)],
    ["DescribeKey", (i) => keys.describe(i)],
    ["ListKeys", (i) => keys.list(i)],
    ["EnableKey", (i) => keys.setEnabled(i, true)],
    ["DisableKey", (i) => keys.setEnabled(i, false)],
    ["ScheduleKeyDeletion", (i) => keys.scheduleDeletion(i)],
    ["CancelKeyDeletion", (i) => keys.cancelDeletion(i)],
    ["Encrypt", (i) => keys.encrypt(i)],
    ["Decrypt", (i) => keys.decrypt(i)],
    ["ReEncrypt", (i) => keys.reEncrypt(i)],
    ["GenerateDataKey", (i) => keys.generateDataKey(i, true)],
    ["GenerateDataKeyWithoutPlaintext", (i) => keys.generateDataKey(i, false)],
  ]);
