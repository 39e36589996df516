/**
 * Shared machinery of the deep checks: calling optional AWS clients (loading their command classes
 * on demand) and turning call failures into evidence.
 */
import { redact } from "../redact.js";
import { requestSignal } from "./bounds.js";

/**
 * A structural AWS SDK v3 client: anything with the SDK's `send(command, options)`. The EC2, ELBv2,
 * CloudHSM v2 and CloudWatch clients are optional peer dependencies, so the library never imports
 * their types.
 * @public
 */
export interface AwsClientLike {
  /**
   * Sends a command.
   * @param command - An SDK command of this client's service.
   * @param options - Per-request options (`abortSignal`).
   * @returns The command's output.
   */
  send(command: never, options?: never): Promise<unknown>;
}

/** The services whose clients are optional. @internal */
export type OptionalService = "ec2" | "elbv2" | "cloudhsm" | "cloudwatch";

/**
 * The optional clients: the package that provides each, its client class, and its IAM prefix.
 * @internal
 */
export const OPTIONAL_CLIENTS: Readonly<
  Record<OptionalService, { readonly package: string; readonly client: string; readonly iamPrefix: string }>
> = {
  ec2: { package: "@aws-sdk/client-ec2", client: "EC2Client", iamPrefix: "ec2" },
  elbv2: {
    package: "@aws-sdk/client-elastic-load-balancing-v2",
    client: "ElasticLoadBalancingV2Client",
    iamPrefix: "elasticloadbalancing",
  },
  cloudhsm: { package: "@aws-sdk/client-cloudhsm-v2", client: "CloudHSMV2Client", iamPrefix: "cloudhsm" },
  cloudwatch: { package: "@aws-sdk/client-cloudwatch", client: "CloudWatchClient", iamPrefix: "cloudwatch" },
};

const DENIED = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "CloudHsmAccessDeniedException",
  "UnauthorizedAccess",
]);

/**
 * A call's outcome: the output, or evidence of why there is none.
 * @internal
 */
export type CallResult<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      readonly evidence: string;
      readonly code?: string | undefined;
      readonly missing?: true;
    };

const readString = (value: unknown, key: string): string | undefined => {
  try {
    const v = (value as Record<string, unknown> | null | undefined)?.[key];
    return typeof v === "string" ? v : undefined;
  } catch {
    return undefined;
  }
};

const safeString = (value: unknown): string => {
  try {
    return String(value);
  } catch {
    return "error";
  }
};

/**
 * Turns a rejected call into evidence: the denied IAM action, or the error's name and message.
 * @param error - What the call rejected with.
 * @param action - The IAM action, e.g. `ec2:DescribeSubnets`.
 * @returns The failed call result.
 * @internal
 */
export const failedCall = (error: unknown, action: string): CallResult<never> => {
  // The name is the server's too (an error code it chose): redacted and cut like the message.
  const name = redact(readString(error, "name") ?? "Error", undefined, 64);
  const message = redact(readString(error, "message") ?? safeString(error), undefined, 200);
  if (DENIED.has(name)) {
    return { ok: false, code: name, evidence: `access denied: the caller lacks ${action} (${name})` };
  }
  return { ok: false, code: name, evidence: `${action} failed: ${name}: ${message}` };
};

type CommandClass = new (input: unknown) => unknown;
const modules = new Map<string, Promise<Record<string, unknown>>>();

const loadCommand = async (pkg: string, operation: string): Promise<CommandClass | undefined> => {
  let loading = modules.get(pkg);
  if (loading === undefined) {
    loading = import(/* @vite-ignore */ pkg) as Promise<Record<string, unknown>>;
    modules.set(pkg, loading);
    loading.catch(() => modules.delete(pkg));
  }
  const mod = await loading;
  const ctor = mod[`${operation}Command`];
  return typeof ctor === "function" ? (ctor as CommandClass) : undefined;
};

/** What a call the run's signal stopped gives; the run reports the stop, not the calls. */
const STOPPED: CallResult<never> = { ok: false, evidence: "stopped" };

/**
 * Calls the optional AWS clients of one diagnosis: loads command classes with dynamic `import()`,
 * bounds each call by the request timeout and the run's signal (the caller's and the deadline), and
 * never rejects.
 * @internal
 */
export class AwsCaller {
  readonly #clients: Partial<Record<OptionalService, AwsClientLike | undefined>>;
  readonly #signal: AbortSignal;
  readonly #requestTimeoutMs: number;

  /**
   * @param clients - The optional clients.
   * @param signal - Aborts the calls (the caller's signal and the deadline).
   * @param requestTimeoutMs - Milliseconds one call may take.
   */
  constructor(
    clients: Partial<Record<OptionalService, AwsClientLike | undefined>>,
    signal: AbortSignal,
    requestTimeoutMs: number,
  ) {
    this.#clients = clients;
    this.#signal = signal;
    this.#requestTimeoutMs = requestTimeoutMs;
  }

  /**
   * Sends one call bounded by the request timeout and the run's signal; a call cut by either is
   * reported as such, not as the SDK's abort error.
   *
   * @param action - The IAM action, for the evidence.
   * @param send - Sends the call with the given signal.
   * @returns The output, or evidence; never rejects.
   */
  async send<T>(action: string, send: (abortSignal: AbortSignal) => Promise<T>): Promise<CallResult<T>> {
    // Once the run is stopped nothing more is sent; the run then reports only that it was stopped.
    if (this.#signal.aborted) return STOPPED;
    const signal = requestSignal(this.#signal, this.#requestTimeoutMs);
    try {
      return { ok: true, value: await send(signal) };
    } catch (error) {
      // Cut by the request timeout (or by the run's signal, when again only the stop is reported).
      if (signal.aborted) {
        return { ok: false, evidence: `${action} gave no answer within ${this.#requestTimeoutMs} ms` };
      }
      return failedCall(error, action);
    }
  }

  /**
   * Whether a client was passed.
   * @param service - The service.
   * @returns True when present.
   */
  has(service: OptionalService): boolean {
    return this.#clients[service] !== undefined;
  }

  /**
   * Sends `<operation>Command` with `input` through the service's client.
   *
   * @param service - Which client.
   * @param operation - The operation, e.g. `"DescribeSubnets"`.
   * @param input - The command input.
   * @param purpose - What the call is for, for the "install" and "missing client" evidence.
   * @returns The output, or evidence; never rejects.
   */
  async call<T>(
    service: OptionalService,
    operation: string,
    input: unknown,
    purpose: string,
  ): Promise<CallResult<T>> {
    const client = this.#clients[service];
    const { package: pkg, client: clientName, iamPrefix } = OPTIONAL_CLIENTS[service];
    if (client === undefined) {
      return {
        ok: false,
        missing: true,
        evidence: `no ${clientName} was passed (clients.${service}): pass one from ${pkg} to run the ${purpose}`,
      };
    }
    let Command: CommandClass | undefined;
    try {
      Command = await loadCommand(pkg, operation);
    } catch {
      Command = undefined;
    }
    if (Command === undefined) {
      return { ok: false, missing: true, evidence: `Install ${pkg} to run the ${purpose}` };
    }
    const action = `${iamPrefix}:${operation}`;
    const command = Command;
    return this.send(
      action,
      async (abortSignal) => (await client.send(new command(input) as never, { abortSignal } as never)) as T,
    );
  }
}
