/**
 * `keyStoreAlarms`: AWS's recommended alarms per external key store, in three formats that a user can
 * apply unchanged. The CLI form is run through bash with a fake `aws` on PATH that prints its argv;
 * the CloudFormation form is checked against the shape of `AWS::CloudWatch::Alarm`; the Terraform form
 * is parsed by `@cdktf/hcl2json` (HashiCorp's HCL parser compiled to WebAssembly).
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseHcl } from "@cdktf/hcl2json";
import { type AlarmStore, HEALTH_CHECKS, keyStoreAlarms } from "kms-keystore-errors/diagnostics";
import { afterAll, describe, expect, it } from "vitest";
import { insightsQuery } from "../src/diagnostics/alarms.js";

const dir = mkdtempSync(join(tmpdir(), "kms-alarms-"));
const canary = join(dir, "pwned");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A store name that tries every way out of a shell word, a JSON string and an HCL string. */
const HOSTILE = `it's $(touch pwned) \`touch pwned\` "q" \${HOME} %{ if true }x%{ endif } \\ \n\u001b[31mred\u202e`;

const STORES: readonly AlarmStore[] = [
  {
    customKeyStoreId: "cks-1234567890abcdef0",
    customKeyStoreName: HOSTILE,
    customKeyStoreType: "EXTERNAL_KEY_STORE",
  },
  { customKeyStoreId: "cks-0fedcba0987654321", customKeyStoreName: "payments" },
  { customKeyStoreId: "cks-11112222333344445", customKeyStoreType: "AWS_CLOUDHSM" },
];
const SNS = "arn:aws:sns:eu-west-1:111122223333:kms-alarms";

/** The alarms AWS recommends per external key store, from the catalog. */
const recommended = HEALTH_CHECKS.flatMap((c) =>
  [c.warn, c.fail].flatMap((t) => (t?.source === "aws-recommended" ? [{ check: c, threshold: t }] : [])),
);
const expectedQueries = (id: string): string[] =>
  recommended.map(({ check, threshold }) => insightsQuery(check, threshold, id)).sort();

describe(keyStoreAlarms.name, () => {
  it("builds four alarms per external key store, none for a CloudHSM key store", () => {
    expect(recommended.map(({ check }) => check.metric)).toEqual([
      "XksProxyCertificateDaysToExpire",
      "XksProxyLatency",
      "XksProxyErrors",
      "XksProxyErrors",
    ]);
    const template = JSON.parse(keyStoreAlarms(STORES, { format: "cloudformation" })) as {
      Resources: Record<string, { Properties: { AlarmName: string } }>;
    };
    const names = Object.values(template.Resources).map((r) => r.Properties.AlarmName);
    expect(names).toHaveLength(8);
    expect(names.filter((n) => n.startsWith("cks-11112222333344445"))).toEqual([]);
  });

  it("queries the dimension sets KMS publishes with Metrics Insights, never SEARCH", () => {
    const queries = expectedQueries("cks-1234567890abcdef0");
    expect(queries).toContain(
      `SELECT MIN(XksProxyCertificateDaysToExpire) FROM SCHEMA("AWS/KMS", CertificateName, CustomKeyStoreId) WHERE CustomKeyStoreId = 'cks-1234567890abcdef0'`,
    );
    expect(queries).toContain(
      `SELECT SUM(XksProxyErrors) FROM SCHEMA("AWS/KMS", CustomKeyStoreId, ErrorType, ExceptionName, KeySpec, KmsOperation, XksOperation) WHERE CustomKeyStoreId = 'cks-1234567890abcdef0' AND ErrorType = 'Non-retryable'`,
    );
    for (const format of ["cli", "cloudformation", "terraform"] as const) {
      expect(keyStoreAlarms(STORES, { format })).not.toMatch(/SEARCH\s*\(/);
    }
  });

  it("writes AWS CLI commands that bash runs with the intended argv, hostile names kept inert", () => {
    const fake = join(dir, "aws");
    writeFileSync(
      fake,
      `#!${process.execPath}\nprocess.stdout.write(JSON.stringify(process.argv.slice(2)) + "\\n");\n`,
    );
    chmodSync(fake, 0o755);
    const script = keyStoreAlarms(STORES, { format: "cli", snsTopicArn: SNS });
    const out = execFileSync("bash", ["-c", script], {
      cwd: dir,
      env: { PATH: `${dir}:/usr/bin:/bin`, HOME: "/nonexistent" },
      encoding: "utf8",
    });
    expect(existsSync(canary)).toBe(false);
    const calls = out
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as string[]);
    expect(calls).toHaveLength(8);
    const queries: string[] = [];
    for (const argv of calls) {
      expect(argv.slice(0, 2)).toEqual(["cloudwatch", "put-metric-alarm"]);
      const flags = new Map<string, string>();
      for (let i = 2; i < argv.length; i += 2) flags.set(argv[i] as string, argv[i + 1] as string);
      expect([...flags.keys()].sort()).toEqual(
        [
          "--alarm-actions",
          "--alarm-description",
          "--alarm-name",
          "--comparison-operator",
          "--datapoints-to-alarm",
          "--evaluation-periods",
          "--metrics",
          "--threshold",
          "--treat-missing-data",
        ].sort(),
      );
      expect(flags.get("--alarm-actions")).toBe(SNS);
      const metrics = JSON.parse(flags.get("--metrics") as string) as { Id: string; Expression: string }[];
      expect(metrics).toHaveLength(1);
      if ((flags.get("--alarm-name") as string).startsWith("cks-1234567890abcdef0")) {
        queries.push(metrics[0]?.Expression as string);
        // The name arrives whole and printable: quotes, $( ), backticks and ${ } as plain text.
        expect(flags.get("--alarm-description")).toContain(
          `it's $(touch pwned) \`touch pwned\` "q" \${HOME} %{ if true }x%{ endif } \\  red`,
        );
      }
    }
    expect(queries.sort()).toEqual(expectedQueries("cks-1234567890abcdef0"));
  });

  it("writes a CloudFormation template of valid AWS::CloudWatch::Alarm resources", () => {
    const template = JSON.parse(keyStoreAlarms(STORES, { format: "cloudformation", snsTopicArn: SNS })) as {
      AWSTemplateFormatVersion: string;
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    expect(template.AWSTemplateFormatVersion).toBe("2010-09-09");
    const allowed = new Set([
      "ActionsEnabled",
      "AlarmActions",
      "AlarmDescription",
      "AlarmName",
      "ComparisonOperator",
      "DatapointsToAlarm",
      "Dimensions",
      "EvaluateLowSampleCountPercentile",
      "EvaluationPeriods",
      "ExtendedStatistic",
      "InsufficientDataActions",
      "MetricName",
      "Metrics",
      "Namespace",
      "OKActions",
      "Period",
      "Statistic",
      "Tags",
      "Threshold",
      "ThresholdMetricId",
      "TreatMissingData",
      "Unit",
    ]);
    const names = new Set<string>();
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      expect(logicalId).toMatch(/^[A-Za-z0-9]{1,255}$/);
      expect(resource.Type).toBe("AWS::CloudWatch::Alarm");
      const p = resource.Properties;
      for (const key of Object.keys(p)) expect(allowed.has(key), key).toBe(true);
      // Required properties, and Metrics excludes the single-metric properties.
      expect(typeof p.ComparisonOperator).toBe("string");
      expect(Number.isInteger(p.EvaluationPeriods)).toBe(true);
      expect(typeof p.Threshold).toBe("number");
      expect(p.MetricName === undefined).not.toBe(p.Metrics === undefined);
      for (const key of ["MetricName", "Namespace", "Dimensions", "Statistic", "Period", "Unit"]) {
        expect(p[key], key).toBeUndefined();
      }
      const metrics = p.Metrics as Record<string, unknown>[];
      expect(metrics.filter((m) => m.ReturnData === true)).toHaveLength(1);
      for (const m of metrics) {
        expect(m.Id).toMatch(/^[a-z][A-Za-z0-9_]*$/);
        expect((m.Expression === undefined) !== (m.MetricStat === undefined)).toBe(true);
        expect((m.Period as number) % 60).toBe(0);
      }
      expect([
        "GreaterThanThreshold",
        "GreaterThanOrEqualToThreshold",
        "LessThanThreshold",
        "LessThanOrEqualToThreshold",
      ]).toContain(p.ComparisonOperator);
      expect(["breaching", "notBreaching", "ignore", "missing"]).toContain(p.TreatMissingData);
      expect((p.AlarmName as string).length).toBeLessThanOrEqual(255);
      expect((p.AlarmDescription as string).length).toBeLessThanOrEqual(1024);
      expect(p.AlarmActions).toEqual([SNS]);
      names.add(p.AlarmName as string);
    }
    expect(names.size).toBe(8);
  });

  it("writes Terraform that HashiCorp's HCL parser reads back to the same alarms", async () => {
    const hcl = keyStoreAlarms(STORES, { format: "terraform", snsTopicArn: SNS });
    const parsed = (await parseHcl("alarms.tf", hcl)) as {
      resource: { aws_cloudwatch_metric_alarm: Record<string, Record<string, unknown>[]> };
    };
    const resources = Object.entries(parsed.resource.aws_cloudwatch_metric_alarm);
    expect(resources).toHaveLength(8);
    // hcl2json keeps template escapes as written: $${ and %%{ stand for a literal ${ and %{.
    const literal = (s: string): string => s.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
    const queries: string[] = [];
    for (const [name, [body]] of resources) {
      expect(name).toMatch(/^[A-Za-z_][A-Za-z0-9_-]*$/);
      expect(body?.alarm_actions).toEqual([SNS]);
      expect(body?.evaluation_periods).toBe(1);
      const [query] = (body?.metric_query ?? []) as {
        expression: string;
        id: string;
        return_data: boolean;
      }[];
      expect(query?.id).toBe("q1");
      expect(query?.return_data).toBe(true);
      if (String(body?.alarm_name).startsWith("cks-1234567890abcdef0")) {
        queries.push(literal(query?.expression as string));
        expect(literal(body?.alarm_description as string)).toContain(
          `it's $(touch pwned) \`touch pwned\` "q" \${HOME} %{ if true }x%{ endif } \\  red`,
        );
      }
    }
    expect(queries.sort()).toEqual(expectedQueries("cks-1234567890abcdef0"));
  });

  it("the HCL check itself rejects broken HCL", async () => {
    await expect(parseHcl("bad.tf", 'resource "a" "b" {\n  x = "open\n}\n')).rejects.toBeDefined();
  });

  it("returns nothing when no store is an external key store, and ignores repeated stores", () => {
    expect(keyStoreAlarms([], { format: "cloudformation" })).toBe("");
    expect(keyStoreAlarms([STORES[2] as AlarmStore], { format: "cli" })).toBe("");
    const once = keyStoreAlarms([STORES[1] as AlarmStore], { format: "terraform" });
    expect(keyStoreAlarms([STORES[1] as AlarmStore, STORES[1] as AlarmStore], { format: "terraform" })).toBe(
      once,
    );
  });

  it("refuses a bad format, SNS topic ARN or store id with a TypeError that names it", () => {
    expect(() => keyStoreAlarms(STORES, { format: "yaml" as never })).toThrow(/`format`/);
    expect(() => keyStoreAlarms(STORES, { format: "cli", snsTopicArn: "arn:aws:sqs:x" })).toThrow(
      /snsTopicArn/,
    );
    expect(() => keyStoreAlarms([{ customKeyStoreId: "cks-1' OR '1'='1" }], { format: "cli" })).toThrow(
      /stores\[0\]\.customKeyStoreId/,
    );
    expect(() => keyStoreAlarms("cks-1" as never, { format: "cli" })).toThrow(/`stores`/);
  });
});

describe(`${keyStoreAlarms.name}: what it accepts`, () => {
  const one =
    (store: unknown, options: unknown = { format: "cli" }) =>
    () =>
      keyStoreAlarms([store as AlarmStore], options as never);

  it.each([
    ["an id with text before cks-", "xcks-1234567890abcdef0"],
    ["an id that is not a string", 1234],
    ["a store that is null", null],
  ])("refuses %s", (_name, id) => {
    const store = id === null ? null : { customKeyStoreId: id };
    expect(one(store)).toThrow(/stores\[0\]\.customKeyStoreId/);
  });

  it.each([
    ["a topic ARN with text before it", `x${SNS}`],
    ["a topic ARN with text after it", `${SNS} x`],
    ["a topic that is not a string", 42],
  ])("refuses %s", (_name, snsTopicArn) => {
    expect(one({ customKeyStoreId: "cks-1234567890abcdef0" }, { format: "cli", snsTopicArn })).toThrow(
      /snsTopicArn/,
    );
  });

  it("refuses missing options with the format's TypeError", () => {
    expect(() => keyStoreAlarms([], undefined as never)).toThrow(/`format`/);
  });

  it("takes a topic of any partition, and a FIFO topic", () => {
    for (const topic of [
      "arn:aws-cn:sns:cn-north-1:111122223333:kms-alarms",
      "arn:aws-us-gov:sns:us-gov-west-1:111122223333:kms-alarms.fifo",
    ]) {
      expect(
        keyStoreAlarms([{ customKeyStoreId: "cks-1234567890abcdef0" }], {
          format: "cli",
          snsTopicArn: topic,
        }),
      ).toContain(topic);
    }
  });

  it("names a store in each alarm's description by its first 100 characters", () => {
    const name = `${"n".repeat(100)}TAIL`;
    const out = keyStoreAlarms([{ customKeyStoreId: "cks-1234567890abcdef0", customKeyStoreName: name }], {
      format: "cloudformation",
    });
    const descriptions = Object.values(
      (JSON.parse(out) as { Resources: Record<string, { Properties: { AlarmDescription: string } }> })
        .Resources,
    ).map((r) => r.Properties.AlarmDescription);
    expect(descriptions).toHaveLength(4);
    for (const d of descriptions) {
      expect(d).toContain(`(${"n".repeat(100)})`);
      expect(d).not.toContain("TAIL");
    }
  });
});

describe(`${keyStoreAlarms.name}: the output, word for word`, () => {
  // One external key store with a plain name, and the SNS topic: each format as a reviewer reads it.
  // A change to the catalog's recommended alarms updates these snapshots (`vitest run -u`).
  const store: AlarmStore = {
    customKeyStoreId: "cks-0fedcba0987654321",
    customKeyStoreName: "payments",
    customKeyStoreType: "EXTERNAL_KEY_STORE",
  };
  it.each(["cli", "cloudformation", "terraform"] as const)("%s", (format) => {
    expect(keyStoreAlarms([store], { format, snsTopicArn: SNS })).toMatchSnapshot();
  });

  it("leaves the alarm actions out without a topic, and takes a store without a name", () => {
    const unnamed = keyStoreAlarms([{ customKeyStoreId: store.customKeyStoreId }], {
      format: "cloudformation",
    });
    const resources = Object.values(
      (JSON.parse(unnamed) as { Resources: Record<string, { Properties: Record<string, unknown> }> })
        .Resources,
    );
    expect(resources).toHaveLength(4);
    for (const { Properties } of resources) {
      expect(Properties.AlarmActions).toBeUndefined();
      expect(String(Properties.AlarmDescription)).not.toContain("()");
    }
  });
});
