/**
 * How each service's protocol renders an answer: restXml (S3), awsQuery (SNS, RDS), AWS JSON 1.0
 * and 1.1 (with the query-compatible error header where the service sends it), restJson1 (Lambda).
 */
import { el, escapeXml, xml } from "../aws/protocol.js";
import type { Protocol, ServiceId } from "./model.js";

/**
 * A response, ready to write.
 * @internal
 */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * An error a service answers with.
 * @internal
 */
export interface WireError {
  /** The wire code. */
  readonly code: string;
  /** The HTTP status. */
  readonly status: number;
  /** The message. */
  readonly message: string;
  /** The query-compatible code, sent in `x-amzn-query-error` (JSON services only). */
  readonly queryCode?: string | undefined;
  /** Extra members of the error structure (JSON protocols), e.g. Step Functions' `kmsKeyState`. */
  readonly members?: Readonly<Record<string, string>> | undefined;
}

/**
 * The wire details of one service.
 * @internal
 */
export interface ServiceWire {
  /** The protocol. */
  readonly protocol: Protocol;
  /** JSON protocols: the `X-Amz-Target` prefix, e.g. `"AmazonSQS."`. */
  readonly target?: string;
  /** JSON protocols: the Smithy namespace the service puts before `#` in `__type`, if any. */
  readonly namespace?: string;
  /** awsQuery: the `Version` parameter and the XML namespace of answers. */
  readonly version?: string;
  readonly xmlns?: string;
}

/**
 * Every service's wire details.
 * @internal
 */
export const SERVICE_WIRES: Readonly<Record<ServiceId, ServiceWire>> = {
  S3: { protocol: "restXml" },
  SQS: { protocol: "awsJson1_0", target: "AmazonSQS.", namespace: "com.amazonaws.sqs" },
  SNS: { protocol: "awsQuery", version: "2010-03-31", xmlns: "http://sns.amazonaws.com/doc/2010-03-31/" },
  Lambda: { protocol: "restJson1" },
  Kinesis: { protocol: "awsJson1_1", target: "Kinesis_20131202." },
  "Secrets Manager": { protocol: "awsJson1_1", target: "secretsmanager." },
  SSM: { protocol: "awsJson1_1", target: "AmazonSSM." },
  SFN: { protocol: "awsJson1_0", target: "AWSStepFunctions.", namespace: "com.amazonaws.states" },
  DynamoDB: {
    protocol: "awsJson1_0",
    target: "DynamoDB_20120810.",
    namespace: "com.amazonaws.dynamodb.v20120810",
  },
  RDS: { protocol: "awsQuery", version: "2014-10-31", xmlns: "http://rds.amazonaws.com/doc/2014-10-31/" },
};

const faultType = (status: number): "Sender" | "Receiver" => (status >= 500 ? "Receiver" : "Sender");

const jsonContentType = (protocol: Protocol): string =>
  protocol === "awsJson1_0" ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1";

/**
 * A successful JSON-protocol answer.
 * @param wire - The service's wire details.
 * @param output - The operation's output.
 * @param requestId - The request id.
 * @returns The answer.
 * @internal
 */
export const jsonOk = (wire: ServiceWire, output: unknown, requestId: string): Answer => ({
  status: 200,
  headers: {
    "content-type": wire.protocol === "restJson1" ? "application/json" : jsonContentType(wire.protocol),
    "x-amzn-requestid": requestId,
  },
  body: JSON.stringify(output),
});

/**
 * A successful awsQuery answer: `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…`.
 * @param wire - The service's wire details.
 * @param action - The action.
 * @param inner - The result's rendered children.
 * @param requestId - The request id.
 * @returns The answer.
 * @internal
 */
export const queryOk = (wire: ServiceWire, action: string, inner: string, requestId: string): Answer => ({
  status: 200,
  headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
  body: `<${action}Response xmlns="${wire.xmlns ?? ""}">${el(`${action}Result`, xml(inner))}${el(
    "ResponseMetadata",
    xml(el("RequestId", requestId)),
  )}</${action}Response>`,
});

/**
 * An error answer in the service's protocol.
 * @param wire - The service's wire details.
 * @param error - The error.
 * @param requestId - The request id.
 * @returns The answer.
 * @internal
 */
export const errorAnswer = (wire: ServiceWire, error: WireError, requestId: string): Answer => {
  switch (wire.protocol) {
    case "restXml":
      return {
        status: error.status,
        headers: {
          "content-type": "application/xml",
          "x-amz-request-id": requestId,
          "x-amz-id-2": Buffer.from(requestId).toString("base64"),
        },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n${el(
          "Error",
          xml(
            el("Code", error.code),
            el("Message", error.message),
            el("RequestId", requestId),
            el("HostId", Buffer.from(requestId).toString("base64")),
          ),
        )}`,
      };
    case "awsQuery":
      return {
        status: error.status,
        headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
        body: `<ErrorResponse xmlns="${escapeXml(wire.xmlns ?? "")}">${el(
          "Error",
          xml(el("Type", faultType(error.status)), el("Code", error.code), el("Message", error.message)),
        )}${el("RequestId", requestId)}</ErrorResponse>`,
      };
    case "awsJson1_0":
    case "awsJson1_1":
      return {
        status: error.status,
        headers: {
          "content-type": jsonContentType(wire.protocol),
          "x-amzn-requestid": requestId,
          ...(error.queryCode === undefined
            ? {}
            : { "x-amzn-query-error": `${error.queryCode};${faultType(error.status)}` }),
        },
        body: JSON.stringify({
          ...error.members,
          __type: wire.namespace === undefined ? error.code : `${wire.namespace}#${error.code}`,
          message: error.message,
        }),
      };
    case "restJson1":
      return {
        status: error.status,
        headers: {
          "content-type": "application/json",
          "x-amzn-requestid": requestId,
          "x-amzn-errortype": error.code,
        },
        body: JSON.stringify({
          ...error.members,
          Type: error.status >= 500 ? "Service" : "User",
          Message: error.message,
        }),
      };
  }
};
