/**
 * Renders the error reference (docs/errors.md) from the catalog: one section per cause, grouped by
 * key store type, with meaning, kinds, codes, retryability, steps and links.
 */
import { DOCS_LAST_CHECKED, DOCS_UNCONFIRMED } from "../src/catalog/docs.js";
import { catalog, type KnownCatalogEntry } from "../src/index.js";

const GROUPS: readonly { title: string; test: (e: KnownCatalogEntry) => boolean }[] = [
  {
    title: "External key stores (XKS)",
    test: (e) => e.customKeyStore && e.keyStoreType === "EXTERNAL_KEY_STORE",
  },
  { title: "CloudHSM key stores", test: (e) => e.customKeyStore && e.keyStoreType === "AWS_CLOUDHSM" },
  { title: "Both custom key store types", test: (e) => e.customKeyStore && e.keyStoreType === undefined },
  { title: "General KMS errors", test: (e) => !e.customKeyStore },
];

const anchor = (cause: string) => cause.toLowerCase().replaceAll("_", "-");
const code = (s: string) => `\`${s}\``;

function section(e: KnownCatalogEntry): string[] {
  const lines = [
    `### ${e.cause}`,
    "",
    e.remediation.summary,
    "",
    `- **Kinds:** ${e.kinds.map(code).join(", ")}`,
    ...(e.codes.length > 0 ? [`- **Codes:** ${e.codes.map(code).join(", ")}`] : []),
    `- **Category:** ${e.category} · **Retryable:** ${e.retryable ? "yes" : "no"}${e.keyStoreType ? ` · **Key store:** ${code(e.keyStoreType)}` : ""}`,
    "",
    ...e.remediation.steps.map((step, i) => `${i + 1}. ${step}`),
    "",
  ];
  for (const [type, variant] of Object.entries(e.byKeyStoreType ?? {})) {
    if (variant === undefined) continue;
    lines.push(`**For ${code(type)}:** ${variant.summary}`, "");
    lines.push(...variant.steps.map((step, i) => `${i + 1}. ${step}`), "");
  }
  lines.push(`${docsLabel(e.remediation.docs)}: ${e.remediation.docs.map(link).join(" · ")}`, "");
  return lines;
}

/** A link, marked when its page could not be confirmed. */
const link = (url: string): string =>
  DOCS_UNCONFIRMED[url] === undefined ? `<${url}>` : `<${url}> (unconfirmed)`;

/** "Docs", with the oldest date on which the section's links were checked on the current pages. */
function docsLabel(urls: readonly string[]): string {
  const dates = urls.flatMap((url) => DOCS_LAST_CHECKED[url] ?? []).sort();
  return dates.length === 0 ? "Docs" : `Docs (checked ${dates[0]})`;
}

/** The whole page, deterministic (catalog order). */
export function renderErrorReference(): string {
  const out = [
    "# Error reference",
    "",
    "<!-- Generated from the catalog by `npm run docs:errors`; do not edit by hand. -->",
    "",
    `Every cause that \`kms-keystore-errors\` knows (${catalog.length} in all). A failure's \`cause\` is one of these`,
    "codes; `kind` is the exception (or the library's own kind) that carried it. Look one up from a",
    "terminal with `npx kms-keystore-errors explain <name|code|log line>`.",
    "",
  ];
  for (const group of GROUPS) {
    const entries = catalog.filter(group.test);
    out.push(`## ${group.title}`, "");
    out.push(...entries.map((e) => `- [${e.cause}](#${anchor(e.cause)})`), "");
    for (const e of entries) out.push(...section(e));
  }
  return `${out.join("\n").trimEnd()}\n`;
}
