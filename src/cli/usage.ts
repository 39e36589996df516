/** Usage text of the CLI and of each command. */

/** The program name, as users type it. @internal */
export const PROGRAM = "kms-keystore-errors";

// Paragraphs and option descriptions are one line each: the CLI wraps them to the terminal's width
// (src/cli/wrap.ts), hanging an option's description under its column. Synopses and example
// commands fit 80 columns and are never wrapped (an example line starts with "$ ").

const EXPLAIN = `Usage: ${PROGRAM} explain <name|code|cause|log line...> [--all]
                           [--json]

Explains an AWS KMS failure: the cause, whether retrying helps, what to do and the AWS docs. The query is an exception name (XksProxyVpcEndpointServiceInvalidConfigurationException), a ConnectionErrorCode (XKS_PROXY_TIMED_OUT), a cause, a fully qualified name, or a pasted log line (quote it). Use - to read the query from stdin.

Options:
  --all        Every matching entry, most specific first (default: the best one)
  --json       Print the catalog entry (or, with --all, the entries) as JSON
  -h, --help   Show this help

Exit status: 0 explained, 1 nothing matched (with a "did you mean" hint), 2 usage error.

Examples:
  $ ${PROGRAM} explain XksProxyUriUnreachableException
  $ ${PROGRAM} explain \\
      "KMSInvalidStateException: The external key store proxy did not respond"
  $ ${PROGRAM} explain XKS_PROXY_TIMED_OUT --json
  $ pbpaste | ${PROGRAM} explain -
`;

const DOCTOR = `Usage: ${PROGRAM} doctor [--region R] [--endpoint URL] [--profile P]
                          [--timeout S] [--json]
       ${PROGRAM} doctor --deep [--key-store cks-ID ...]
                          [--aws-endpoint URL] [--region R] [--endpoint URL]
                          [--profile P] [--timeout S] [--json]
       ${PROGRAM} doctor --health [--key-store cks-ID ...]
                          [--aws-endpoint URL] [--region R] [--endpoint URL]
                          [--profile P] [--timeout S] [--json]

Describes every custom key store in the account and Region (DescribeCustomKeyStores, all pages) and prints its state and, for FAILED and DISCONNECTED stores, what to do. Credentials and Region come from the AWS SDK's default chain (environment, ~/.aws/config, SSO, instance role...).

With --deep it then finds the failing requirement of every FAILED store (and of each store named with --key-store, whatever its state) from the AWS APIs: for an external key store with VPC endpoint service connectivity, the endpoint service, its Network Load Balancer, listener and targets; for a CloudHSM key store, the cluster, HSMs, subnets, security group and trust anchor. Each failing check is printed with its requirement, the evidence, numbered steps and docs; each check it could not evaluate (missing permission, another account's service) as unknown with the reason; passing checks as a count. The EC2, ELBv2 and CloudHSM checks need the optional packages @aws-sdk/client-ec2, @aws-sdk/client-elastic-load-balancing-v2 and @aws-sdk/client-cloudhsm-v2; without one, its checks are unknown and a one-line note on stderr names the package to install.

With --health it then says what is about to fail in every store (or each one named with --key-store): the connection state and, from the CloudWatch metrics KMS publishes, the XKS proxy's TLS certificate expiry (fail under 10 days, AWS's recommended alarm; warn under 30), credential age (warn from 90 days), latency (fail over 200 ms average, warn over 150), errors by ErrorType with the top ExceptionNames, external key manager states and throttling, or HsmUnhealthy of a CloudHSM key store's cluster. Each finding is OK, WARN, FAIL or UNKNOWN (no data, no permission, no client: never read as OK), with the evidence and what to do. It needs the optional package @aws-sdk/client-cloudwatch (and @aws-sdk/client-cloudhsm-v2 for the cluster's HSM states).

Options:
  --region R            AWS Region (default: AWS_REGION or the profile's region)
  --endpoint URL        KMS endpoint (default: the Region's; AWS_ENDPOINT_URL_KMS is honoured)
  --profile P           Profile from ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE)
  --timeout S           Seconds the whole command may take, 1-3600 (default 60). Each request also has a 3 s connect and a 10 s response timeout (half of S if less)
  --json                Print the key store reports as JSON ({ "error": ... } when describing failed); with --deep, { "keyStores": [...], "diagnoses": [...] }
  --deep                Also run the deep checks (diagnoseKeyStore) for FAILED stores
  --health              Also run the health checks (checkKeyStoreHealth) after the table; with --json, { "keyStores": [...], "health": [...] }
  --key-store cks-ID    With --deep: also check this store, whatever its state; with --health: check only the named stores (repeatable)
  --aws-endpoint URL    With --deep or --health: endpoint of the EC2, ELBv2, CloudHSM and CloudWatch clients. A testing aid, to point them at an emulator; leave it out against AWS
  -h, --help            Show this help

Needs kms:DescribeCustomKeyStores; --deep also reads (and reports as unknown when denied) ec2:DescribeVpcEndpointServiceConfigurations, ec2:DescribeVpcEndpointServices, ec2:DescribeVpcEndpointServicePermissions, elasticloadbalancing:Describe*, ec2:DescribeSubnets, ec2:DescribeSecurityGroups and cloudhsm:DescribeClusters; --health reads cloudwatch:ListMetrics and cloudwatch:GetMetricData.

Exit status: 0 no store FAILED (DISCONNECTED stores are listed with guidance), 1 a store is FAILED or a health finding fails, 2 the stores could not be described (no Region, no credentials, access denied...), a --key-store does not exist, the --timeout passed (one line on stderr), or usage error.
`;

const PROBE_XKS = `Usage: ${PROGRAM} probe-xks --uri-endpoint https://HOST
                             --uri-path [/PREFIX]/kms/xks/v1 --region R
                             [--key-id ID ...] [--samples N] [--timeout-ms N]
                             [--timeout S] [--ca FILE] [--json]

Probes an external key store (XKS) proxy as KMS reaches it, from where you run it, and says which requirement fails: dns, tcp, tls (chain, name, expiry), uri-path, authentication (SigV4 with the kms-xks-proxy service and the store's Region), health (proxy fleet and key managers), latency (p50/p99 against KMS's 250 ms budget) and, per --key-id, the external key (AES_256, ENABLED, ENCRYPT and DECRYPT). For VPC endpoint service connectivity, run it from inside the VPC.

The proxy authentication credential comes ONLY from the environment, never from the command line:
  XKS_PROXY_ACCESS_KEY_ID        the credential's access key id (printed masked)
  XKS_PROXY_SECRET_ACCESS_KEY    its secret access key (never printed)
Options such as --secret-access-key or --access-key-id are refused.

Options:
  --uri-endpoint URL   The store's XksProxyUriEndpoint: https:// and the host name (http:// and a port only for loopback test proxies; tls then fails)
  --uri-path PATH      The store's XksProxyUriPath, ending in /kms/xks/v1
  --region R           The key store's Region, the SigV4 scope (default: AWS_REGION)
  --key-id ID          An external key id (XksKeyId) to check with GetKeyMetadata (repeatable)
  --samples N          GetHealthStatus calls timed for the latency check, 1-100 (default 5)
  --timeout-ms N       Milliseconds each network step may take, 1-60000 (default 2000)
  --timeout S          Seconds the whole probe may take, 1-3600 (default 60)
  --ca FILE            An extra trusted CA certificate (PEM), e.g. a private CA in tests
  --json               Print the probe report as JSON
  -h, --help           Show this help

Exit status: 0 every check passed, 1 a check failed (or could not be evaluated), 2 usage error, the credential variables are not set, or the --timeout passed (one line on stderr).

Example:
  $ XKS_PROXY_ACCESS_KEY_ID=... XKS_PROXY_SECRET_ACCESS_KEY=... \\
      ${PROGRAM} probe-xks --uri-endpoint https://xks.example.com \\
      --uri-path /example/kms/xks/v1 --region eu-west-1 --key-id payments-key-1
`;

const ALARMS = `Usage: ${PROGRAM} alarms [--format cli|cloudformation|terraform]
                          [--sns-topic ARN] [--region R] [--endpoint URL]
                          [--profile P] [--timeout S]

Lists the custom key stores in the account and Region (DescribeCustomKeyStores, all pages) and prints AWS's recommended CloudWatch alarms for each external key store: TLS certificate expiry (XksProxyCertificateDaysToExpire minimum below 10 days), response timeout (XksProxyLatency average above 200 ms over 5 minutes), and retryable and non-retryable errors (the sum of XksProxyErrors by ErrorType above 5 in a minute). Each alarm is a CloudWatch Metrics Insights query over every series KMS publishes for the store. CloudHSM key stores get none (AWS recommends none). The output is printed as it is, never wrapped, ready to run or deploy.

Options:
  --format F        cli: aws cloudwatch put-metric-alarm commands (default); cloudformation: a CloudFormation template (JSON); terraform: aws_cloudwatch_metric_alarm resources (HCL)
  --sns-topic ARN   An SNS topic every alarm notifies (default: no action)
  --region R        AWS Region (default: AWS_REGION or the profile's region)
  --endpoint URL    KMS endpoint (default: the Region's; AWS_ENDPOINT_URL_KMS is honoured)
  --profile P       Profile from ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE)
  --timeout S       Seconds the whole command may take, 1-3600 (default 60)
  -h, --help        Show this help

Needs kms:DescribeCustomKeyStores; applying the output needs cloudwatch:PutMetricAlarm.

Exit status: 0 printed (or, with a note on stderr, no external key store), 2 the stores could not be described, the --timeout passed, or usage error.

Examples:
  $ ${PROGRAM} alarms --sns-topic "$TOPIC_ARN" | sh
  $ ${PROGRAM} alarms --format cloudformation > kms-alarms.json
`;

const MAIN = `Usage: ${PROGRAM} <command> [options]

Typed, actionable errors for AWS KMS custom key stores (CloudHSM and external key stores).

Commands:
  explain <name|code|log line...> [--all] [--json]
      What a KMS failure means, whether retrying helps, what to do, and the AWS docs.
  doctor [--region R] [--endpoint URL] [--profile P] [--json]
      Every custom key store's connection state, and the fix for the ones that failed.
  doctor --deep [--key-store cks-ID ...] [...]
      Also find the failing requirement of FAILED stores from the AWS APIs (VPC endpoint service, load balancer, CloudHSM cluster), with the evidence and the fix.
  doctor --health [--key-store cks-ID ...] [...]
      Also say what is about to fail, from the CloudWatch metrics KMS publishes (certificate expiry, credential age, latency, errors, key managers, throttling, HSM health).
  probe-xks --uri-endpoint URL --uri-path PATH --region R
            [--key-id ID ...] [--json]
      Probe an XKS proxy as KMS would (DNS, TCP, TLS, SigV4, health, latency, keys); the credential comes from XKS_PROXY_ACCESS_KEY_ID and XKS_PROXY_SECRET_ACCESS_KEY.
  alarms [--format cli|cloudformation|terraform] [--sns-topic ARN]
      AWS's recommended CloudWatch alarms for every external key store, as AWS CLI commands, a CloudFormation template or Terraform.
  help [command]
      Show help for a command.

Options:
  -h, --help      Show help (also: ${PROGRAM} <command> --help)
  -v, --version   Show the version

Colour only on a terminal; never when NO_COLOR is set (FORCE_COLOR forces it).
`;

/** Usage text per command; `""` is the program's. @internal */
export const USAGE: Readonly<Record<"" | "explain" | "doctor" | "probe-xks" | "alarms", string>> = {
  "": MAIN,
  explain: EXPLAIN,
  doctor: DOCTOR,
  "probe-xks": PROBE_XKS,
  alarms: ALARMS,
};
