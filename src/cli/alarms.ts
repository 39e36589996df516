/**
 * `alarms`: lists the custom key stores (DescribeCustomKeyStores, bounded like `doctor`) and prints
 * AWS's recommended CloudWatch alarms for the external key stores among them (`keyStoreAlarms`).
 */
import type { AlarmFormat } from "../diagnostics/alarms.js";
import { keyStoreAlarms } from "../diagnostics/alarms.js";
import { checkKeyStores } from "../lifecycle.js";
import { httpBounds } from "./bounds.js";
import { cannotDescribe, describeFailedLine, kmsClient, regionOf } from "./doctor.js";
import type { Output } from "./explain.js";
import { printable } from "./style.js";
import { PROGRAM } from "./usage.js";

/** Options of `alarms`, from the command line (validated). @internal */
export interface AlarmsOptions {
  readonly region?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly profile?: string | undefined;
  readonly format: AlarmFormat;
  readonly snsTopicArn?: string | undefined;
  /** The command's deadline in milliseconds. */
  readonly deadlineMs: number;
  /** Aborts at the deadline. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Runs `alarms`: the stores, then the alarms text on stdout (exit 0); a note on stderr when no store
 * is an external key store; exit 2 when the stores could not be described.
 *
 * @param options - Region, endpoint, profile, format, SNS topic and bounds.
 * @returns What to print and the exit status.
 * @internal
 */
export async function runAlarms(options: AlarmsOptions): Promise<Output> {
  const client = kmsClient(options);
  try {
    const region = await regionOf(client, "alarms", false);
    if (typeof region !== "string") return region;
    const result = await checkKeyStores(client, {
      signal: options.signal,
      requestTimeoutMs: httpBounds(options.deadlineMs).requestTimeout,
    });
    if (result.isErr())
      return cannotDescribe(result.error, describeFailedLine(result.error, "alarms"), false);
    const text = keyStoreAlarms(result.value, { format: options.format, snsTopicArn: options.snsTopicArn });
    if (text === "") {
      return {
        stdout: "",
        stderr: `${PROGRAM} alarms: no external key store in ${printable(region)}: AWS recommends CloudWatch alarms for external key stores only.\n`,
        code: 0,
      };
    }
    return { stdout: text, stderr: "", code: 0 };
  } finally {
    client.destroy();
  }
}
