/**
 * Wire helpers of the AWS emulator: query-protocol parameters, XML rendering, and service errors.
 */

/**
 * A service error the emulator answers with.
 * @internal
 */
export class AwsServiceError extends Error {
  /** The error code on the wire, e.g. `UnauthorizedOperation`. */
  readonly code: string;
  /** The HTTP status. */
  readonly status: number;

  /**
   * @param code - The wire code.
   * @param message - The message.
   * @param status - The HTTP status. @defaultValue 400
   */
  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
  }
}

/**
 * Escapes text for an XML element.
 * @param value - The text.
 * @returns The escaped text.
 * @internal
 */
export const escapeXml = (value: string): string =>
  value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * An XML element; `undefined` content renders nothing at all (the field is absent).
 * @param name - The element name.
 * @param content - Text (escaped), a number or boolean, or already rendered children (`{ xml }`).
 * @returns The element.
 * @internal
 */
export const el = (
  name: string,
  content: string | number | boolean | { xml: string } | undefined,
): string => {
  if (content === undefined) return "";
  const inner = typeof content === "object" ? content.xml : escapeXml(String(content));
  return `<${name}>${inner}</${name}>`;
};

/**
 * Rendered children, for {@link el}.
 * @param parts - Rendered elements.
 * @returns The marker object.
 * @internal
 */
export const xml = (...parts: readonly string[]): { xml: string } => ({ xml: parts.join("") });

/**
 * A list: `<name><entry>…</entry>…</name>` (`item` for EC2, `member` for ELBv2).
 * @param name - The list element.
 * @param entry - The entry element.
 * @param values - The values.
 * @param render - Renders one value's children (text for scalars).
 * @returns The list element.
 * @internal
 */
export const list = <T>(
  name: string,
  entry: "item" | "member",
  values: readonly T[],
  render: (value: T) => string | { xml: string },
): string => el(name, xml(...values.map((v) => el(entry, render(v)))));

/**
 * The numbered values of a query list parameter: `prefix.1`, `prefix.2`… in order.
 * @param params - The form parameters.
 * @param prefix - E.g. `"ServiceName"` or `"LoadBalancerArns.member"`.
 * @returns The values.
 * @internal
 */
export const listParam = (params: URLSearchParams, prefix: string): string[] => {
  const out: string[] = [];
  for (let i = 1; ; i++) {
    const value = params.get(`${prefix}.${i}`);
    if (value === null) return out;
    out.push(value);
  }
};

/**
 * EC2 filters (`Filter.N.Name`, `Filter.N.Value.M`) as a map from name to values.
 * @param params - The form parameters.
 * @returns The filters.
 * @internal
 */
export const filters = (params: URLSearchParams): Map<string, string[]> => {
  const out = new Map<string, string[]>();
  for (let i = 1; ; i++) {
    const name = params.get(`Filter.${i}.Name`);
    if (name === null) return out;
    out.set(name, listParam(params, `Filter.${i}.Value`));
  }
};

/**
 * How one query-protocol service refuses a request and renders its answers.
 * @internal
 */
export interface QueryService {
  /** The IAM service prefix, e.g. `"ec2"`. */
  readonly prefix: string;
  /** The error of an action the service does not have. */
  readonly unknownAction: (action: string) => AwsServiceError;
  /** The error of an action the caller may not call (403). */
  readonly denied: (action: string, accountId: string) => AwsServiceError;
  /** The error code of an unexpected failure (500). */
  readonly internalCode: string;
  /** The XML of a successful answer, around the operation's own elements. */
  readonly ok: (action: string, inner: string, requestId: string) => string;
  /** The XML of an error answer. */
  readonly error: (error: AwsServiceError, requestId: string) => string;
}

/**
 * Answers one query-protocol request: an unknown action or a denied one is refused, an operation's
 * {@link AwsServiceError} is answered as such, any other error as an internal one.
 *
 * @param service - The service's refusals and rendering.
 * @param operations - The service's operations, by action; each returns its answer's inner XML.
 * @param params - The form parameters (`Action`, `Version`, …).
 * @param model - The model.
 * @param requestId - The request id to report.
 * @returns The HTTP status and XML body.
 * @internal
 */
export const answerQuery = <M extends { readonly accountId: string; isDenied(action: string): boolean }>(
  service: QueryService,
  operations: Readonly<Record<string, (params: URLSearchParams, model: M) => string>>,
  params: URLSearchParams,
  model: M,
  requestId: string,
): { status: number; body: string } => {
  const action = params.get("Action") ?? "";
  try {
    const operation = operations[action];
    if (operation === undefined) throw service.unknownAction(action);
    if (model.isDenied(`${service.prefix}:${action}`)) throw service.denied(action, model.accountId);
    return { status: 200, body: service.ok(action, operation(params, model), requestId) };
  } catch (error) {
    const e =
      error instanceof AwsServiceError
        ? error
        : new AwsServiceError(service.internalCode, String(error), 500);
    return { status: e.status, body: service.error(e, requestId) };
  }
};
