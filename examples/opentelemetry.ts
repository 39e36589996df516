/**
 * Record a KMS failure on an OpenTelemetry span: the `toLogEntry` keys are OpenTelemetry
 * semantic-convention names where one exists (`error.type`, `rpc.system`, `rpc.method`,
 * `aws.request_id`…), `kms.*` otherwise. Without an SDK registered, `@opentelemetry/api` is a no-op,
 * so this example also prints the attributes it sets.
 *
 *   AWS_REGION=eu-west-1 KMS_KEY_ID=alias/payments npx tsx examples/opentelemetry.ts
 */
import { pathToFileURL } from "node:url";
import { EncryptCommand, KMSClient, type KMSClientConfig } from "@aws-sdk/client-kms";
import { type Attributes, type Span, SpanStatusCode, trace } from "@opentelemetry/api";
import { classify, failureOf, type KmsFailure, toLogEntry, withKeyStoreErrors } from "kms-keystore-errors";

/** The log entry as span attributes: a `KmsLogEntry` is OpenTelemetry `Attributes` as it is. */
export function spanAttributes(failure: KmsFailure): Attributes {
  return toLogEntry(failure);
}

/** Marks the span as failed with the classified failure. */
export function recordFailure(span: Span, failure: KmsFailure): Attributes {
  const attributes = spanAttributes(failure);
  span.setAttributes(attributes);
  // The exception event carries the kind and the (redacted) message, never the raw SDK error.
  span.recordException({ name: failure.kind, message: failure.message ?? failure.remediation.summary });
  span.setStatus({ code: SpanStatusCode.ERROR, message: `${failure.kind}: ${failure.cause}` });
  return attributes;
}

/** Encrypts inside a span; on failure records it and prints the attributes set. */
export async function main(
  config: KMSClientConfig,
  options: { readonly keyId: string },
): Promise<Attributes | undefined> {
  const tracer = trace.getTracer("kms-keystore-errors-example");
  const kms = withKeyStoreErrors(new KMSClient(config));
  try {
    return await tracer.startActiveSpan("KMS.Encrypt", async (span) => {
      try {
        await kms.send(
          new EncryptCommand({ KeyId: options.keyId, Plaintext: new TextEncoder().encode("trace me") }),
        );
        span.setStatus({ code: SpanStatusCode.OK });
        console.log("Encrypted; span status OK.");
        return undefined;
      } catch (error) {
        const attributes = recordFailure(span, failureOf(error) ?? classify(error));
        console.log("Span attributes:", JSON.stringify(attributes, null, 2));
        return attributes;
      } finally {
        span.end();
      }
    });
  } finally {
    kms.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const keyId = process.env.KMS_KEY_ID;
  if (keyId === undefined) throw new Error("Set KMS_KEY_ID to a key (id, ARN or alias).");
  await main({}, { keyId });
}
