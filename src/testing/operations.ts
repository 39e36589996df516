import type { KeyStoreModel } from "./key-stores.js";
import type { KeyModel } from "./keys.js";
import type { JsonObject } from "./protocol.js";
import type { KmsCall } from "./xks-gateway.js";

/**
 * One KMS operation: a request object and the request's identity in, a response object out (or a
 * thrown or rejected `KmsError`). Operations that reach a real XKS proxy answer asynchronously.
 * @internal
 */
export type Operation = (input: JsonObject, call: KmsCall) => JsonObject | Promise<JsonObject>;

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
    ["CreateCustomKeyStore", (i, c) => stores.create(i, c)],
    ["DescribeCustomKeyStores", (i) => stores.describe(i)],
    ["ConnectCustomKeyStore", (i, c) => stores.connect(i, c)],
    ["DisconnectCustomKeyStore", (i) => stores.disconnect(i)],
    ["UpdateCustomKeyStore", (i, c) => stores.update(i, c)],
    ["DeleteCustomKeyStore", (i) => stores.delete(i)],
    ["CreateKey", (i, c) => keys.create(i, c)],
    ["DescribeKey", (i) => keys.describe(i)],
    ["ListKeys", (i) => keys.list(i)],
    ["EnableKey", (i) => keys.setEnabled(i, true)],
    ["DisableKey", (i) => keys.setEnabled(i, false)],
    ["ScheduleKeyDeletion", (i) => keys.scheduleDeletion(i)],
    ["CancelKeyDeletion", (i) => keys.cancelDeletion(i)],
    ["Encrypt", (i, c) => keys.encrypt(i, c)],
    ["Decrypt", (i, c) => keys.decrypt(i, c)],
    ["ReEncrypt", (i, c) => keys.reEncrypt(i, c)],
    ["GenerateDataKey", (i, c) => keys.generateDataKey(i, true, c)],
    ["GenerateDataKeyWithoutPlaintext", (i, c) => keys.generateDataKey(i, false, c)],
  ]);
