import { EncryptCommand, type EncryptCommandOutput, KMSClient } from "@aws-sdk/client-kms";
import {
  type Cause,
  type CauseOf,
  classify,
  type FailureOfKind,
  hasCause,
  type Kind,
  type KmsFailure,
  sendResult,
  withKeyStoreErrors,
} from "kms-keystore-errors";
import type { ResultAsync } from "neverthrow";
import { describe, expectTypeOf, it } from "vitest";

// These tests are checked by `tsc --noEmit` (part of `npm test`) and run by vitest.
describe("KmsFailure types", () => {
  it("narrowing on kind narrows cause", () => {
    const f = classify(new Error("x"));
    if (f.kind === "XksProxyVpcEndpointServiceInvalidConfigurationException") {
      expectTypeOf(f.cause).toEqualTypeOf<"XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION">();
    }
    if (f.kind === "KMSInvalidStateException") {
      expectTypeOf<"XKS_PROXY_TIMED_OUT">().toExtend<typeof f.cause>();
      expectTypeOf<"KMS_INVALID_STATE">().toExtend<typeof f.cause>();
      // @ts-expect-error a CloudHSM cluster-in-use cause never arrives as KMSInvalidStateException
      const impossible: typeof f.cause = "CLOUDHSM_CLUSTER_IN_USE";
      void impossible;
    }
  });

  it("checking cause narrows kind", () => {
    const f = classify(new Error("x"));
    if (f.cause === "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION") {
      expectTypeOf(f.kind).toEqualTypeOf<
        "XksProxyVpcEndpointServiceInvalidConfigurationException" | "ConnectionFailed"
      >();
    }
    if (hasCause(f, "LIMIT_EXCEEDED")) {
      expectTypeOf(f.kind).toEqualTypeOf<"LimitExceededException">();
    }
  });

  it("derives Kind and Cause from the catalog", () => {
    expectTypeOf<"TransportError">().toExtend<Kind>();
    expectTypeOf<"XKS_PROXY_TIMED_OUT">().toExtend<Cause>();
    expectTypeOf<CauseOf<"LimitExceededException">>().toEqualTypeOf<"LIMIT_EXCEEDED">();
    expectTypeOf<FailureOfKind<"Aborted">["cause"]>().toEqualTypeOf<"ABORTED">();
    // @ts-expect-error not a kind
    expectTypeOf<CauseOf<"NoSuchKind">>();
  });

  it("every kind has at least one cause", () => {
    type KindsWithoutCause = { [K in Kind]: [CauseOf<K>] extends [never] ? K : never }[Kind];
    expectTypeOf<KindsWithoutCause>().toEqualTypeOf<never>();
  });

  it("a switch over kind is exhaustive with a default branch", () => {
    const describeFailure = (f: KmsFailure): string => {
      switch (f.kind) {
        case "ThrottlingException":
          return "slow down";
        default:
          return f.remediation.summary;
      }
    };
    expectTypeOf(describeFailure).returns.toEqualTypeOf<string>();
  });
});

describe("public function types", () => {
  // Typed, never called: a call would send a request that outlives the test.
  it("sendResult infers the command's output", () => {
    const send = (kms: KMSClient) =>
      sendResult(kms, new EncryptCommand({ KeyId: "k", Plaintext: new Uint8Array([1]) }));
    expectTypeOf(send).returns.toEqualTypeOf<ResultAsync<EncryptCommandOutput, KmsFailure>>();
  });

  it("withKeyStoreErrors returns the client's own type", () => {
    const kms = withKeyStoreErrors(new KMSClient({ region: "us-east-1" }));
    expectTypeOf(kms).toEqualTypeOf<KMSClient>();
  });
});
