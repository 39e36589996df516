/**
 * An HTTP server on 127.0.0.1 that speaks just enough EC2 (ec2 query), ELBv2 (awsQuery), AWS
 * CloudHSM v2 (JSON 1.1) and CloudWatch (JSON 1.0, query-compatible errors) for the deep key store
 * checks and the health checks, from a scriptable {@link AwsModel}. One server routes by the body's
 * `Action`/`Version` and the `X-Amz-Target` header, so the real `EC2Client`,
 * `ElasticLoadBalancingV2Client`, `CloudHSMV2Client` and `CloudWatchClient` all point `endpoint` at it.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type RequestBody, startHttpServer, writeResponse } from "../http-server.js";
import { CLOUDHSM_TARGET_PREFIX, handleCloudHsm } from "./cloudhsm.js";
import { CLOUDWATCH_TARGET_PREFIX, handleCloudWatch } from "./cloudwatch.js";
import { EC2_VERSION, handleEc2 } from "./ec2.js";
import { ELBV2_VERSION, handleElbv2 } from "./elbv2.js";
import { AwsModel } from "./model.js";

/**
 * Options of {@link startAwsEmulator}.
 * @public
 */
export interface AwsEmulatorOptions {
  /** The Region of ARNs and service names. @defaultValue "us-east-1" */
  region?: string | undefined;
  /** The caller's 12-digit account id. @defaultValue "111122223333" */
  accountId?: string | undefined;
}

/**
 * A call the emulator received.
 * @public
 */
export interface AwsEmulatorCall {
  /** The IAM action, e.g. `"ec2:DescribeSubnets"`. */
  readonly action: string;
}

/**
 * A running AWS emulator (EC2, ELBv2, CloudHSM v2 and CloudWatch subsets).
 * @public
 */
export interface AwsEmulator {
  /** `http://127.0.0.1:<port>`: the `endpoint` of every client. */
  readonly endpoint: string;
  /** The Region. */
  readonly region: string;
  /** `{ endpoint, region, credentials }` for `new EC2Client({ ...aws.clientConfig })` and the others. */
  readonly clientConfig: {
    readonly endpoint: string;
    readonly region: string;
    readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  };
  /** The resources and denials, to script. */
  readonly model: AwsModel;
  /**
   * The calls received, oldest first.
   * @returns The calls.
   */
  calls(): readonly AwsEmulatorCall[];
  /**
   * Stops the server.
   * @returns A promise that settles when it is closed.
   */
  close(): Promise<void>;
}

const answer = (
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  requestId: string,
  headers: Readonly<Record<string, string>> = {},
): void =>
  writeResponse(
    res,
    status,
    { "content-type": contentType, "x-amzn-requestid": requestId, ...headers },
    body,
  );

/**
 * Starts the AWS emulator on 127.0.0.1 (a free port).
 *
 * @param options - Region and caller account.
 * @returns The running emulator; `close()` it when done.
 *
 * @example
 * ```ts
 * import { EC2Client } from "@aws-sdk/client-ec2";
 * import { startAwsEmulator } from "kms-keystore-errors/testing";
 *
 * const aws = await startAwsEmulator({ region: "us-east-1" });
 * const setup = aws.model.addXksVpcEndpointService();
 * setup.service.acceptanceRequired = true;
 * const ec2 = new EC2Client({ ...aws.clientConfig });
 * // diagnoseKeyStore({ kms, ec2 }, storeId) now reports the acceptance requirement as failing
 * await aws.close();
 * ```
 * @public
 */
export const startAwsEmulator = async (options: AwsEmulatorOptions = {}): Promise<AwsEmulator> => {
  const region = options.region ?? "us-east-1";
  const model = new AwsModel({ region, accountId: options.accountId ?? "111122223333" });
  const calls: AwsEmulatorCall[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse, received: RequestBody): void => {
    const requestId = randomUUID();
    if (received.tooLarge) {
      answer(res, 413, "text/plain", `The request body is larger than ${received.limit} bytes.`, requestId);
      return;
    }
    const body = received.bytes.toString("utf8");
    const target = req.headers["x-amz-target"];
    if (typeof target === "string" && target.startsWith(CLOUDHSM_TARGET_PREFIX)) {
      calls.push({ action: `cloudhsm:${target.slice(CLOUDHSM_TARGET_PREFIX.length)}` });
      const out = handleCloudHsm(target, body, model);
      answer(res, out.status, "application/x-amz-json-1.1", out.body, requestId);
      return;
    }
    if (typeof target === "string" && target.startsWith(CLOUDWATCH_TARGET_PREFIX)) {
      calls.push({ action: `cloudwatch:${target.slice(CLOUDWATCH_TARGET_PREFIX.length)}` });
      const out = handleCloudWatch(target, body, model);
      answer(
        res,
        out.status,
        "application/x-amz-json-1.0",
        out.body,
        requestId,
        out.queryError === undefined ? {} : { "x-amzn-query-error": out.queryError },
      );
      return;
    }
    const params = new URLSearchParams(body);
    const version = params.get("Version");
    const action = params.get("Action") ?? "";
    if (version === EC2_VERSION) {
      calls.push({ action: `ec2:${action}` });
      const out = handleEc2(params, model, requestId);
      answer(res, out.status, "text/xml;charset=UTF-8", out.body, requestId);
      return;
    }
    if (version === ELBV2_VERSION) {
      calls.push({ action: `elasticloadbalancing:${action}` });
      const out = handleElbv2(params, model, requestId);
      answer(res, out.status, "text/xml", out.body, requestId);
      return;
    }
    answer(
      res,
      400,
      "text/plain",
      `Unsupported request: Version=${version ?? ""} Target=${String(target)}`,
      requestId,
    );
  };

  const server = await startHttpServer({
    handle,
    onError: (error, _req, res) => {
      if (!res.headersSent) answer(res, 500, "text/plain", String(error), "internal");
    },
  });
  const endpoint = `http://127.0.0.1:${server.port}`;
  return {
    endpoint,
    region,
    clientConfig: {
      endpoint,
      region,
      credentials: { accessKeyId: "AKIDAWSEMULATOR", secretAccessKey: "aws-emulator-not-a-secret" },
    },
    model,
    calls: () => [...calls],
    close: () => server.close(),
  };
};
