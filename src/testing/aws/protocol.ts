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
