/** A short remediation for the renderer tests, and the lines the CLI prints for it. */
export const REMEDIATION = {
  summary: "Fix it.",
  steps: ["Do the thing."],
  docs: ["https://docs.aws.amazon.com/kms/"],
} as const;

/**
 * The lines of {@link REMEDIATION} as the CLI's text prints them: summary, numbered steps, docs.
 *
 * @param indent - The prefix of each line.
 * @returns The lines, a blank line before each part.
 */
export const remediationBlock = (indent: string): string[] => [
  "",
  `${indent}Fix it.`,
  "",
  `${indent}What to do:`,
  `${indent}  1. Do the thing.`,
  "",
  `${indent}Docs:`,
  `${indent}  - https://docs.aws.amazon.com/kms/`,
];
