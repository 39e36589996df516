/** Usage text of the CLI and of each command. */

/** The program name, as users type it. @internal */
export const PROGRAM = "kms-keystore-errors";

const EXPLAIN = `Usage: ${PROGRAM} explain <name|code|cause|log line...> [--all] [--json]

Explains an AWS KMS failure: the cause, whether retrying helps, what to do and the AWS docs.
The query is an exception name (XksProxyVpcEndpointServiceInvalidConfigurationException), a
ConnectionErrorCode (XKS_PROXY_TIMED_OUT), a cause, a fully qualified name, or a pasted log line
(quote it). Use - to read the query from stdin.

Options:
  --all        Every matching entry, most specific first (default: the best one)
  --json       Print the catalog entry (or, with --all, the entries) as JSON
  -h, --help   Show this help

Exit status: 0 explained, 1 nothing matched (with a "did you mean" hint), 2 usage error.

Examples:
  ${PROGRAM} explain XksProxyVpcEndpointServiceInvalidConfigurationException
  ${PROGRAM} explain "KMSInvalidStateException: The external key store proxy did not respond in time."
  ${PROGRAM} explain XKS_PROXY_TIMED_OUT --json
  pbpaste | ${PROGRAM} explain -
`;

const DOCTOR = `Usage: ${PROGRAM} doctor [--region R] [--endpoint URL] [--profile P] [--json]

Describes every custom key store in the account and Region (DescribeCustomKeyStores, all pages)
and prints its state and, for FAILED and DISCONNECTED stores, what to do. Credentials and Region
come from the AWS SDK's default chain (environment, ~/.aws/config, SSO, instance role...).

Options:
  --region R       AWS Region (default: AWS_REGION or the profile's region)
  --endpoint URL   KMS endpoint (default: the Region's; AWS_ENDPOINT_URL_KMS is honoured)
  --profile P      Profile from ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE)
  --json           Print the key store reports as JSON ({ "error": ... } when describing failed)
  -h, --help       Show this help

Needs kms:DescribeCustomKeyStores.
Exit status: 0 no store FAILED (DISCONNECTED stores are listed with guidance), 1 a store is
FAILED, 2 the stores could not be described (no Region, no credentials, access denied...) or
usage error.
`;

const MAIN = `Usage: ${PROGRAM} <command> [options]

Typed, actionable errors for AWS KMS custom key stores (CloudHSM and external key stores).

Commands:
  explain <name|code|log line...> [--all] [--json]
      What a KMS failure means, whether retrying helps, what to do, and the AWS docs.
  doctor [--region R] [--endpoint URL] [--profile P] [--json]
      Every custom key store's connection state, and the fix for the ones that failed.
  help [command]
      Show help for a command.

Options:
  -h, --help      Show help (also: ${PROGRAM} <command> --help)
  -v, --version   Show the version

Colour only on a terminal; never when NO_COLOR is set (FORCE_COLOR forces it).
`;

/** Usage text per command; `""` is the program's. @internal */
export const USAGE: Readonly<Record<"" | "explain" | "doctor", string>> = {
  "": MAIN,
  explain: EXPLAIN,
  doctor: DOCTOR,
};
