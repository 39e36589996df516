/**
 * Which members of a command input are secret: each one named below, found at the top of an input
 * with a string value, is redacted wherever the error echoes it. The list is written out here (not
 * read from the library), so that a field dropped from the library's list fails this test.
 */
import { classify } from "kms-keystore-errors";
import { describe, expect, it } from "vitest";

const FIELDS = [
  "Plaintext",
  "CiphertextBlob",
  "SourceCiphertextBlob",
  "KeyStorePassword",
  "RawSecretAccessKey",
  "AccessKeyId",
  "XksProxyAuthenticationCredential",
  "Message",
  "Mac",
  "EncryptedKeyMaterial",
  "ImportToken",
  "CiphertextForRecipient",
  "SharedSecret",
  "PrivateKeyPlaintext",
  "PrivateKeyCiphertextBlob",
  "Body",
  "SSECustomerKey",
  "MessageBody",
  "Payload",
  "ClientContext",
  "Data",
  "SecretString",
  "SecretBinary",
  "Value",
  "input",
  "Item",
  "ExpressionAttributeValues",
];

describe("the secret members of a command input", () => {
  it.each(FIELDS)("%s is redacted from the failure", (field) => {
    const secret = `Marked${field}SecretValue0123456789`;
    const error = Object.assign(new Error(`the service echoed ${secret} back`), {
      name: "ValidationException",
      $fault: "client",
      $metadata: { httpStatusCode: 400, requestId: `req-${secret}` },
    });
    const failure = classify(error, { operation: "Encrypt", input: { KeyId: "alias/app", [field]: secret } });
    expect(JSON.stringify(failure)).not.toContain(secret);
    expect(failure.message).toContain("[REDACTED]");
  });

  it("leaves an ordinary member's value as it is", () => {
    const value = "alias/app-ordinary-value";
    const error = Object.assign(new Error(`no key named ${value}`), {
      name: "NotFoundException",
      $fault: "client",
    });
    expect(classify(error, { operation: "Encrypt", input: { KeyId: value } }).message).toBe(
      `no key named ${value}`,
    );
  });
});
