import { CloudHSMV2Client } from "@aws-sdk/client-cloudhsm-v2";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  CreateCustomKeyStoreCommand,
  type CreateCustomKeyStoreCommandInput,
  DeleteCustomKeyStoreCommand,
  KMSClient,
} from "@aws-sdk/client-kms";
import { type KmsEmulator, startKmsEmulator } from "kms-keystore-errors/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { REQUIREMENTS, type RequirementId } from "../src/catalog/requirements.js";
import { type DiagnoseClients, type Diagnosis, diagnoseKeyStore } from "../src/diagnostics/deep.js";
import { IMPOSTOR_CA_PEM, TRUST_ANCHOR_PEM, UNRELATED_CA_PEM } from "../src/testing/aws/certificates.js";
import { type AwsEmulator, startAwsEmulator } from "../src/testing/aws/emulator.js";
import type { CloudHsmSetup, XksVpcSetup, XksVpcSetupOptions } from "../src/testing/aws/model.js";
import { closeHostileServers, hostile, kmsJson } from "./support/hostile.js";

const REGION = "us-east-1";
const OTHER_ACCOUNT = "444455556666";
/** Marked secrets: they must never appear in a diagnosis. */
const ACCESS_KEY_ID = "AKIAMARKEDXKSACCESSKEY";
const SECRET = "MarkedXksSecretAccessKeyDoNotLeak0123456789abcd";
const HSM_PASSWORD = "MarkedKmsUserPw1";

let kmsEmulator: KmsEmulator;
let aws: AwsEmulator;
let kms: KMSClient;
let ec2: EC2Client;
let elbv2: ElasticLoadBalancingV2Client;
let cloudhsm: CloudHSMV2Client;
let counter = 0;

beforeAll(async () => {
  [kmsEmulator, aws] = await Promise.all([
    startKmsEmulator({ region: REGION, connectDelayMs: 1 }),
    startAwsEmulator({ region: REGION }),
  ]);
  kms = new KMSClient({ ...kmsEmulator.clientConfig, maxAttempts: 1 });
  ec2 = new EC2Client({ ...aws.clientConfig, maxAttempts: 1 });
  elbv2 = new ElasticLoadBalancingV2Client({ ...aws.clientConfig, maxAttempts: 1 });
  cloudhsm = new CloudHSMV2Client({ ...aws.clientConfig, maxAttempts: 1 });
});

const created: string[] = [];

afterEach(async () => {
  aws.model.reset();
  // The emulator enforces KMS's quota of 10 custom key stores.
  for (const id of created.splice(0))
    await kms.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id }));
});

afterAll(async () => {
  for (const c of [kms, ec2, elbv2, cloudhsm]) c?.destroy();
  await Promise.all([kmsEmulator?.close(), aws?.close()]);
});

const all = (): DiagnoseClients => ({ kms, ec2, elbv2, cloudhsm });

async function createStore(input: Partial<CreateCustomKeyStoreCommandInput>): Promise<string> {
  counter += 1;
  const out = await kms.send(
    new CreateCustomKeyStoreCommand({ CustomKeyStoreName: `deep-${counter}-${Date.now()}`, ...input }),
  );
  const id = out.CustomKeyStoreId ?? "";
  created.push(id);
  return id;
}

const xksStore = (setup: XksVpcSetup, overrides: Partial<CreateCustomKeyStoreCommandInput> = {}) =>
  createStore({
    CustomKeyStoreType: "EXTERNAL_KEY_STORE",
    XksProxyConnectivity: "VPC_ENDPOINT_SERVICE",
    XksProxyUriEndpoint: setup.uriEndpoint,
    XksProxyUriPath: "/kms/xks/v1",
    XksProxyVpcEndpointServiceName: setup.service.serviceName,
    XksProxyAuthenticationCredential: { AccessKeyId: ACCESS_KEY_ID, RawSecretAccessKey: SECRET },
    ...overrides,
  });

const hsmStore = (setup: CloudHsmSetup, anchor = TRUST_ANCHOR_PEM) =>
  createStore({
    CustomKeyStoreType: "AWS_CLOUDHSM",
    CloudHsmClusterId: setup.cluster.clusterId,
    TrustAnchorCertificate: anchor,
    KeyStorePassword: HSM_PASSWORD,
  });

async function diagnose(id: string, clients: DiagnoseClients = all()): Promise<Diagnosis> {
  const result = await diagnoseKeyStore(clients, id);
  if (result.isErr()) throw new Error(`diagnosis failed: ${result.error.kind}`);
  // Whatever a check meets, the diagnosis lists every check of the store's type.
  const ids = result.value.checks.map((c) => c.id);
  const publicEndpoint: readonly string[] = ["xks-public-endpoint-probe"];
  const expected =
    result.value.customKeyStoreType === "AWS_CLOUDHSM"
      ? HSM_IDS
      : ids.includes("xks-public-endpoint-probe")
        ? publicEndpoint
        : VPC_IDS;
  expect(ids).toEqual(expected);
  return result.value;
}

const statuses = (d: Diagnosis) => Object.fromEntries(d.checks.map((c) => [c.id, c.status]));
const failingIds = (d: Diagnosis) => d.failing.map((c) => c.id).sort();
const check = (d: Diagnosis, id: RequirementId) => {
  const found = d.checks.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no check ${id}`);
  return found;
};
const idsOf = (scope: string) => REQUIREMENTS.filter((r) => r.scope === scope).map((r) => r.id);
const VPC_IDS = idsOf("xks-vpc");
const HSM_IDS = idsOf("cloudhsm");

interface VpcCase {
  readonly id: RequirementId;
  readonly misconfiguration: string;
  /** What the failing check says it saw. */
  readonly evidence: (s: XksVpcSetup) => string | RegExp;
  readonly options?: XksVpcSetupOptions;
  readonly store?: (s: XksVpcSetup) => Partial<CreateCustomKeyStoreCommandInput>;
  readonly breakIt?: (s: XksVpcSetup) => void;
  /** Wraps the KMS client (to see a store the emulator refuses to create). */
  readonly kms?: (id: string, s: XksVpcSetup) => DiagnoseClients["kms"];
  readonly alsoFails?: readonly RequirementId[];
}

/** A KMS client whose store list also shows another store using the same service name. */
const withDuplicate = (s: XksVpcSetup): DiagnoseClients["kms"] => ({
  config: kms.config,
  send: (async (command: { input?: { CustomKeyStoreId?: string } }, options?: unknown) => {
    const out = (await (kms.send as (c: unknown, o?: unknown) => Promise<{ CustomKeyStores?: unknown[] }>)(
      command,
      options,
    )) as { CustomKeyStores?: unknown[] };
    if (command.input?.CustomKeyStoreId !== undefined) return out;
    return {
      ...out,
      CustomKeyStores: [
        ...(out.CustomKeyStores ?? []),
        {
          CustomKeyStoreId: "cks-0duplicate00000000",
          CustomKeyStoreType: "EXTERNAL_KEY_STORE",
          XksProxyConfiguration: {
            Connectivity: "VPC_ENDPOINT_SERVICE",
            VpcEndpointServiceName: s.service.serviceName,
          },
        },
      ],
    };
  }) as unknown as KMSClient["send"],
});

const VPC_CASES: readonly VpcCase[] = [
  {
    id: "xks-vpc-service-exists",
    misconfiguration: "the service was deleted",
    evidence: (s) =>
      `no VPC endpoint service named ${s.service.serviceName} is visible to the caller (${s.service.serviceName} is not among the caller's own services; DescribeVpcEndpointServices does not list it)`,
    breakIt: () => aws.model.vpcEndpointServices.splice(0),
  },
  {
    id: "xks-vpc-same-region",
    misconfiguration: "the service is in eu-west-1",
    evidence: (s) => `${s.service.serviceName} is in eu-west-1, but the key store is in ${REGION}`,
    options: { region: "eu-west-1" },
    breakIt: (s) => {
      s.service.allowedPrincipals = [`cks.kms.${REGION}.amazonaws.com`];
    },
  },
  {
    id: "xks-vpc-service-unique",
    misconfiguration: "another store uses the same service",
    evidence: (s) => `${s.service.serviceName} is also used by custom key store(s) cks-0duplicate00000000`,
    kms: (_id, s) => withDuplicate(s),
  },
  {
    id: "xks-vpc-interface-service",
    misconfiguration: "the service type is GatewayLoadBalancer",
    evidence: (s) => `serviceType is GatewayLoadBalancer on ${s.service.serviceId}`,
    breakIt: (s) => {
      s.service.serviceType = "GatewayLoadBalancer";
    },
  },
  {
    id: "xks-vpc-network-load-balancer",
    misconfiguration: "a Gateway Load Balancer backs the service",
    evidence: (s) =>
      `${s.service.serviceId} is on Gateway Load Balancer(s) arn:aws:elasticloadbalancing:${REGION}:111122223333:loadbalancer/gwy/gwlb/0123456789abcdef`,
    breakIt: (s) => {
      s.service.gatewayLoadBalancerArns = [
        `arn:aws:elasticloadbalancing:${REGION}:111122223333:loadbalancer/gwy/gwlb/0123456789abcdef`,
      ];
    },
  },
  {
    id: "xks-vpc-service-available",
    misconfiguration: "the service is Pending",
    evidence: (s) => `serviceState is Pending on ${s.service.serviceId}`,
    breakIt: (s) => {
      s.service.state = "Pending";
    },
  },
  {
    id: "xks-vpc-service-multi-az",
    misconfiguration: "the service is in one AZ",
    evidence: (s) => `${s.service.serviceId} is in 1 Availability Zone(s): ${REGION}a`,
    breakIt: (s) => {
      s.service.availabilityZones = [`${REGION}a`];
    },
  },
  {
    id: "xks-vpc-acceptance-not-required",
    misconfiguration: "acceptance is required",
    evidence: (s) => `acceptanceRequired is true on ${s.service.serviceId}`,
    breakIt: (s) => {
      s.service.acceptanceRequired = true;
    },
  },
  {
    id: "xks-vpc-kms-principal-allowed",
    misconfiguration: "only the account root is allowed",
    evidence: (s) =>
      `cks.kms.${REGION}.amazonaws.com is not among the allowed principals of ${s.service.serviceId} (arn:aws:iam::111122223333:root)`,
    breakIt: (s) => {
      s.service.allowedPrincipals = ["arn:aws:iam::111122223333:root"];
    },
  },
  {
    id: "xks-vpc-private-dns-name",
    misconfiguration: "the service has no private DNS name",
    evidence: (s) => `${s.service.serviceId} has no private DNS name`,
    breakIt: (s) => {
      s.service.privateDnsName = undefined;
    },
    alsoFails: ["xks-vpc-uri-endpoint-matches"],
  },
  {
    id: "xks-vpc-private-dns-verified",
    misconfiguration: "the domain is pendingVerification",
    evidence: (s) => `domain verification state of ${s.service.privateDnsName} is pendingVerification`,
    breakIt: (s) => {
      s.service.privateDnsVerificationState = "pendingVerification";
    },
  },
  {
    id: "xks-vpc-uri-endpoint-matches",
    misconfiguration: "XksProxyUriEndpoint names another host",
    evidence: (s) =>
      new RegExp(
        `^XksProxyUriEndpoint is https://elsewhere-\\d+\\.example\\.com, expected https://${s.service.privateDnsName} \\(the private DNS name of ${s.service.serviceId}\\)$`,
      ),
    store: () => ({ XksProxyUriEndpoint: `https://elsewhere-${Date.now()}.example.com` }),
  },
  {
    id: "xks-nlb-internal",
    misconfiguration: "the NLB is internet-facing",
    evidence: (s) => `${s.loadBalancer.name}: type network, scheme internet-facing`,
    breakIt: (s) => {
      s.loadBalancer.scheme = "internet-facing";
    },
  },
  {
    id: "xks-nlb-active",
    misconfiguration: "the NLB is provisioning",
    evidence: (s) => `${s.loadBalancer.name}: state provisioning`,
    breakIt: (s) => {
      s.loadBalancer.state = "provisioning";
    },
  },
  {
    id: "xks-nlb-multi-az",
    misconfiguration: "the NLB is in one AZ",
    evidence: (s) => `${s.loadBalancer.name}: 1 Availability Zone(s): ${REGION}a`,
    breakIt: (s) => {
      s.loadBalancer.availabilityZones = s.loadBalancer.availabilityZones.slice(0, 1);
    },
  },
  {
    id: "xks-nlb-tcp-443-listener",
    misconfiguration: "the listener is TLS on 443",
    evidence: (s) => `${s.loadBalancer.name} has no TCP 443 listener (listeners: TLS 443)`,
    breakIt: (s) => {
      s.listener.protocol = "TLS";
    },
  },
  {
    id: "xks-nlb-ip-targets",
    misconfiguration: "the target group registers instances",
    evidence: (s) => `${s.targetGroup.name}: target type instance`,
    breakIt: (s) => {
      s.targetGroup.targetType = "instance";
    },
  },
  {
    id: "xks-nlb-healthy-target",
    misconfiguration: "every target is unhealthy",
    evidence: (s) => `0 of 2 target(s) healthy in ${s.targetGroup.name} (unhealthy, unhealthy)`,
    breakIt: (s) => {
      for (const t of s.targetGroup.targets) t.health = "unhealthy";
    },
  },
];

describe("diagnoseKeyStore: XKS VPC endpoint service", () => {
  it("covers every VPC requirement in the table", () => {
    expect(VPC_CASES.map((c) => c.id).sort()).toEqual([...VPC_IDS].sort());
  });

  it("passes every check on a compliant setup", async () => {
    const setup = aws.model.addXksVpcEndpointService();
    const d = await diagnose(await xksStore(setup));
    expect(d.customKeyStoreType).toBe("EXTERNAL_KEY_STORE");
    expect(d.checks.map((c) => c.id)).toEqual(VPC_IDS);
    expect(d.failing).toEqual([]);
    for (const c of d.checks) expect(c.status, `${c.id}: ${c.evidence}`).toBe("pass");
    // Each check says what it saw, in the terms of the resources it read.
    const { serviceId: sid, serviceName: name, privateDnsName: dns } = setup.service;
    const lb = setup.loadBalancer;
    const zones = lb.availabilityZones.map((z) => z.zoneName).join(", ");
    expect(Object.fromEntries(d.checks.map((c) => [c.id, c.evidence]))).toEqual({
      "xks-vpc-service-exists": `found ${sid} (${name}) among the caller's own services`,
      "xks-vpc-same-region": `${name} is in ${REGION}, the key store's Region`,
      "xks-vpc-service-unique": `no other custom key store uses ${name}`,
      "xks-vpc-interface-service": `serviceType is Interface on ${sid}`,
      "xks-vpc-network-load-balancer": `${sid} is on Network Load Balancer(s) ${lb.arn}`,
      "xks-vpc-service-available": `serviceState is Available on ${sid}`,
      "xks-vpc-service-multi-az": `${sid} is in 2 Availability Zone(s): ${setup.service.availabilityZones.join(", ")}`,
      "xks-vpc-acceptance-not-required": `acceptanceRequired is false on ${sid}`,
      "xks-vpc-kms-principal-allowed": `cks.kms.${REGION}.amazonaws.com is an allowed principal of ${sid}`,
      "xks-vpc-private-dns-name": `privateDnsName is ${dns} on ${sid}`,
      "xks-vpc-private-dns-verified": `domain verification state of ${dns} is verified`,
      "xks-vpc-uri-endpoint-matches": `XksProxyUriEndpoint is https://${dns}: https:// + the private DNS name of ${sid}`,
      "xks-nlb-internal": `${lb.name}: type network, scheme internal`,
      "xks-nlb-active": `${lb.name}: state active`,
      "xks-nlb-multi-az": `${lb.name}: 2 Availability Zone(s): ${zones}`,
      "xks-nlb-tcp-443-listener": `${lb.name} has a TCP 443 listener`,
      "xks-nlb-ip-targets": `${lb.name}: target type ip`,
      "xks-nlb-healthy-target": `2 of 2 target(s) healthy in ${lb.name}`,
    });
  });

  it.each(VPC_CASES)("$id passes when compliant and fails when $misconfiguration", async (testCase) => {
    const setup = aws.model.addXksVpcEndpointService(testCase.options ?? {});
    const id = await xksStore(setup, testCase.store?.(setup) ?? {});
    const clients = { ...all(), kms: testCase.kms?.(id, setup) ?? kms };
    if (testCase.store === undefined && testCase.options === undefined && testCase.kms === undefined) {
      expect(check(await diagnose(id, clients), testCase.id).status).toBe("pass");
    }
    testCase.breakIt?.(setup);
    const d = await diagnose(id, clients);
    const target = check(d, testCase.id);
    expect(target.status, target.evidence).toBe("fail");
    const evidence = testCase.evidence(setup);
    if (typeof evidence === "string") expect(target.evidence).toBe(evidence);
    else expect(target.evidence).toMatch(evidence);
    expect(target.remediation.steps.length).toBeGreaterThan(0);
    expect(failingIds(d)).toEqual([testCase.id, ...(testCase.alsoFails ?? [])].sort());
  });

  it("reports the checks that need the service unknown once it is not found", async () => {
    const setup = aws.model.addXksVpcEndpointService();
    const id = await xksStore(setup);
    aws.model.vpcEndpointServices.splice(0);
    const d = await diagnose(id);
    const notFound = `the VPC endpoint service ${setup.service.serviceName} was not found`;
    const needService = d.checks.filter(
      (c) => !["xks-vpc-service-exists", "xks-vpc-same-region", "xks-vpc-service-unique"].includes(c.id),
    );
    expect(needService).toHaveLength(VPC_IDS.length - 3);
    for (const c of needService) expect([c.id, c.status, c.evidence]).toEqual([c.id, "unknown", notFound]);
  });

  it("reads an empty private DNS name as none", async () => {
    const setup = aws.model.addXksVpcEndpointService();
    const id = await xksStore(setup);
    const { serviceId: sid, privateDnsName: dns } = setup.service;
    setup.service.privateDnsName = "";
    const d = await diagnose(id);
    const seen = (checkId: RequirementId) => [check(d, checkId).status, check(d, checkId).evidence];
    expect(seen("xks-vpc-private-dns-name")).toEqual(["fail", `${sid} has no private DNS name`]);
    expect(seen("xks-vpc-private-dns-verified")).toEqual([
      "unknown",
      `${sid} has no private DNS name to verify`,
    ]);
    expect(seen("xks-vpc-uri-endpoint-matches")).toEqual([
      "fail",
      `XksProxyUriEndpoint is https://${dns}, but ${sid} has no private DNS name`,
    ]);
  });

  it("reports the load balancer checks unknown for a service on no Network Load Balancer", async () => {
    const setup = aws.model.addXksVpcEndpointService();
    const id = await xksStore(setup);
    setup.service.networkLoadBalancerArns = [];
    const d = await diagnose(id);
    expect(check(d, "xks-vpc-network-load-balancer").status).toBe("fail");
    const elb = d.checks.filter((c) => c.id.startsWith("xks-nlb-"));
    expect(elb).toHaveLength(6);
    for (const c of elb) {
      expect([c.id, c.status, c.evidence]).toEqual([
        c.id,
        "unknown",
        `${setup.service.serviceId} has no Network Load Balancer to inspect`,
      ]);
    }
  });

  it("seed scenario: acceptance required and no KMS principal fail, everything else passes", async () => {
    const setup = aws.model.addXksVpcEndpointService();
    const id = await xksStore(setup);
    setup.service.acceptanceRequired = true;
    setup.service.allowedPrincipals = [];
    const d = await diagnose(id);
    expect(failingIds(d)).toEqual(["xks-vpc-acceptance-not-required", "xks-vpc-kms-principal-allowed"]);
    expect(d.checks.filter((c) => c.status !== "fail").every((c) => c.status === "pass")).toBe(true);
    const acceptance = check(d, "xks-vpc-acceptance-not-required");
    expect(acceptance.evidence).toBe(`acceptanceRequired is true on ${setup.service.serviceId}`);
    expect(acceptance.cause).toBe("XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION");
    expect(acceptance.remediation.steps[0]).toContain(
      `aws ec2 modify-vpc-endpoint-service-configuration --service-id ${setup.service.serviceId} --no-acceptance-required`,
    );
    const principal = check(d, "xks-vpc-kms-principal-allowed");
    expect(principal.cause).toBe("XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND");
    expect(principal.requirement).toContain(`cks.kms.${REGION}.amazonaws.com`);
    expect(principal.remediation.steps[0]).toContain(
      `--service-id ${setup.service.serviceId} --add-allowed-principals cks.kms.${REGION}.amazonaws.com`,
    );
    expect(principal.remediation.docs[0]).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/kms\//);
  });

  it.each([
    [
      "on a Gateway Load Balancer",
      (x: XksVpcSetup) => {
        x.service.gatewayLoadBalancerArns = [
          "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/gwy/g/1",
        ];
      },
      {
        "xks-vpc-network-load-balancer": [
          "fail",
          "{sid} is on Gateway Load Balancer(s) arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/gwy/g/1",
        ],
      },
    ],
    [
      "with no load balancer",
      (x: XksVpcSetup) => {
        x.service.networkLoadBalancerArns = [];
      },
      { "xks-vpc-network-load-balancer": ["fail", "{sid} has no Network Load Balancer"] },
    ],
    [
      "without its state, acceptance or private DNS name",
      (x: XksVpcSetup) => {
        x.service.state = undefined as never;
        x.service.acceptanceRequired = undefined as never;
        x.service.privateDnsName = undefined;
      },
      {
        "xks-vpc-service-available": ["fail", "serviceState is not reported on {sid}"],
        "xks-vpc-acceptance-not-required": ["unknown", "acceptanceRequired is not reported for {sid}"],
        "xks-vpc-private-dns-name": ["fail", "{sid} has no private DNS name"],
        "xks-vpc-private-dns-verified": ["unknown", "{sid} has no private DNS name to verify"],
      },
    ],
  ] as const)("reports a service %s check by check", async (_name, breakIt, expected) => {
    const setup = aws.model.addXksVpcEndpointService();
    const id = await xksStore(setup);
    breakIt(setup);
    const d = await diagnose(id);
    const sid = setup.service.serviceId;
    for (const [checkId, [status, evidence]] of Object.entries(expected) as [
      RequirementId,
      readonly [string, string],
    ][]) {
      expect([checkId, check(d, checkId).status, check(d, checkId).evidence]).toEqual([
        checkId,
        status,
        evidence.replace("{sid}", sid),
      ]);
    }
  });

  it("names each load balancer's missing fields as unknown and fails the checks that need them", async () => {
    const setup = aws.model.addXksVpcEndpointService();
    const id = await xksStore(setup);
    const lb = setup.loadBalancer;
    lb.type = undefined as never;
    lb.scheme = undefined as never;
    lb.state = undefined as never;
    const d = await diagnose(id);
    expect([check(d, "xks-nlb-internal").status, check(d, "xks-nlb-internal").evidence]).toEqual([
      "fail",
      `${lb.name}: type unknown, scheme unknown`,
    ]);
    expect([check(d, "xks-nlb-active").status, check(d, "xks-nlb-active").evidence]).toEqual([
      "fail",
      `${lb.name}: state unknown`,
    ]);
  });

  it("a wildcard allowed principal lets KMS in", async () => {
    const setup = aws.model.addXksVpcEndpointService();
    setup.service.allowedPrincipals = ["*"];
    const d = await diagnose(await xksStore(setup));
    expect(check(d, "xks-vpc-kms-principal-allowed").status).toBe("pass");
  });

  it("uses the consumer view for a service owned by another account", async () => {
    const setup = aws.model.addXksVpcEndpointService({ owner: OTHER_ACCOUNT });
    const id = await xksStore(setup, { XksProxyVpcEndpointServiceOwner: OTHER_ACCOUNT });
    const d = await diagnose(id);
    const ownerOnly: RequirementId[] = [
      "xks-vpc-network-load-balancer",
      "xks-vpc-service-available",
      "xks-vpc-kms-principal-allowed",
      "xks-nlb-internal",
      "xks-nlb-active",
      "xks-nlb-multi-az",
      "xks-nlb-tcp-443-listener",
      "xks-nlb-ip-targets",
      "xks-nlb-healthy-target",
    ];
    for (const c of d.checks) {
      if (ownerOnly.includes(c.id)) {
        expect(c.status, c.id).toBe("unknown");
        expect(c.evidence).toContain(`owned by account ${OTHER_ACCOUNT}; run the check as the owner`);
      } else {
        expect(c.status, `${c.id}: ${c.evidence}`).toBe("pass");
      }
    }
    expect(check(d, "xks-vpc-service-exists").evidence).toContain("consumer view");
    expect(aws.calls().map((c) => c.action)).toContain("ec2:DescribeVpcEndpointServices");
  });

  it("fails consumer-view checks it can see in another account's service", async () => {
    const setup = aws.model.addXksVpcEndpointService({ owner: OTHER_ACCOUNT });
    const id = await xksStore(setup, { XksProxyVpcEndpointServiceOwner: OTHER_ACCOUNT });
    setup.service.acceptanceRequired = true;
    setup.service.privateDnsVerificationState = "failed";
    const d = await diagnose(id);
    expect(failingIds(d)).toEqual(["xks-vpc-acceptance-not-required", "xks-vpc-private-dns-verified"]);
  });

  it("falls back to the consumer view when the owner view is denied", async () => {
    const setup = aws.model.addXksVpcEndpointService();
    const id = await xksStore(setup);
    aws.model.deny("ec2:DescribeVpcEndpointServiceConfigurations");
    const d = await diagnose(id);
    expect(d.failing).toEqual([]);
    const available = check(d, "xks-vpc-service-available");
    expect(available.status).toBe("unknown");
    expect(available.evidence).toContain("ec2:DescribeVpcEndpointServiceConfigurations");
    expect(check(d, "xks-vpc-acceptance-not-required").status).toBe("pass");
  });

  it("reports unknown, naming the action, when DescribeVpcEndpointServicePermissions is denied", async () => {
    const setup = aws.model.addXksVpcEndpointService();
    const id = await xksStore(setup);
    setup.service.allowedPrincipals = [];
    aws.model.deny("ec2:DescribeVpcEndpointServicePermissions");
    const d = await diagnose(id);
    const principal = check(d, "xks-vpc-kms-principal-allowed");
    expect(principal.status).toBe("unknown");
    expect(principal.evidence).toContain("ec2:DescribeVpcEndpointServicePermissions");
    expect(d.failing).toEqual([]);
  });

  it("reports the load balancer checks unknown when ELBv2 is denied", async () => {
    const setup = aws.model.addXksVpcEndpointService();
    const id = await xksStore(setup);
    aws.model.deny("elasticloadbalancing:DescribeLoadBalancers");
    const d = await diagnose(id);
    const [elb, others] = [
      d.checks.filter((x) => x.id.startsWith("xks-nlb-")),
      d.checks.filter((x) => !x.id.startsWith("xks-nlb-")),
    ];
    expect(elb.length).toBeGreaterThan(0);
    for (const c of elb) {
      expect(c.status).toBe("unknown");
      expect(c.evidence).toContain("elasticloadbalancing:DescribeLoadBalancers");
    }
    // The denial reaches the load balancer checks only.
    expect(others.length).toBeGreaterThan(0);
    for (const c of others) expect(c.evidence, c.id).not.toContain("DescribeLoadBalancers");
    expect(d.failing).toEqual([]);
  });

  it.each([
    ["DescribeListeners", ["xks-nlb-tcp-443-listener", "xks-nlb-ip-targets", "xks-nlb-healthy-target"]],
    ["DescribeTargetGroups", ["xks-nlb-ip-targets", "xks-nlb-healthy-target"]],
    ["DescribeTargetHealth", ["xks-nlb-healthy-target"]],
  ] as const)("reports only what needs %s unknown when it is denied", async (action, unknown) => {
    const setup = aws.model.addXksVpcEndpointService();
    const id = await xksStore(setup);
    aws.model.deny(`elasticloadbalancing:${action}`);
    const d = await diagnose(id);
    for (const c of d.checks) {
      if ((unknown as readonly string[]).includes(c.id)) {
        expect([c.id, c.status, c.evidence]).toEqual([
          c.id,
          "unknown",
          expect.stringContaining(`elasticloadbalancing:${action}`),
        ]);
      } else expect([c.id, c.status]).toEqual([c.id, "pass"]);
    }
  });

  it("labels load balancers, zones, target groups and targets their answers leave unnamed", async () => {
    const setup = aws.model.addXksVpcEndpointService();
    const id = await xksStore(setup);
    const { loadBalancer: lb, targetGroup: tg } = setup;
    lb.name = undefined as never;
    for (const zone of lb.availabilityZones) zone.zoneName = undefined as never;
    tg.name = undefined as never;
    tg.targetType = undefined as never;
    tg.targets[1] = { ...tg.targets[1], health: undefined as never } as (typeof tg.targets)[number];
    setup.service.privateDnsVerificationState = undefined;
    const d = await diagnose(id);
    const seen = (checkId: RequirementId) => [check(d, checkId).status, check(d, checkId).evidence];
    expect(seen("xks-nlb-internal")).toEqual(["pass", `${lb.arn}: type network, scheme internal`]);
    expect(seen("xks-nlb-multi-az")).toEqual(["fail", `${lb.arn}: 2 Availability Zone(s): ?, ?`]);
    expect(seen("xks-nlb-tcp-443-listener")).toEqual(["pass", `${lb.arn} has a TCP 443 listener`]);
    expect(seen("xks-nlb-ip-targets")).toEqual(["fail", `${tg.arn}: target type unknown`]);
    expect(seen("xks-nlb-healthy-target")).toEqual([
      "pass",
      `1 of 2 target(s) healthy in ${tg.arn} (healthy, unknown)`,
    ]);
    expect(seen("xks-vpc-private-dns-verified")).toEqual([
      "unknown",
      `the verification state of ${setup.service.privateDnsName} is not reported`,
    ]);
  });

  it("names the listeners of a load balancer without a TCP 443 one, their unreported fields as ?", async () => {
    const setup = aws.model.addXksVpcEndpointService();
    const id = await xksStore(setup);
    setup.listener.protocol = undefined as never;
    aws.model.listeners.push({
      ...setup.listener,
      arn: `${setup.listener.arn}0`,
      protocol: "TLS",
      port: undefined as never,
    });
    const d = await diagnose(id);
    expect([
      check(d, "xks-nlb-tcp-443-listener").status,
      check(d, "xks-nlb-tcp-443-listener").evidence,
    ]).toEqual(["fail", `${setup.loadBalancer.name} has no TCP 443 listener (listeners: ? 443, TLS ?)`]);
    expect(statuses(d)["xks-nlb-ip-targets"]).toBe("unknown");
  });

  it.each([
    [
      "a string",
      "the line is down",
      "ec2:DescribeVpcEndpointServiceConfigurations failed: Error: the line is down",
    ],
    [
      "an object that cannot be printed",
      Object.create(null),
      "ec2:DescribeVpcEndpointServiceConfigurations failed: Error: error",
    ],
    [
      "an error with a name and no message",
      { name: "Throttling" },
      "ec2:DescribeVpcEndpointServiceConfigurations failed: Throttling: [object Object]",
    ],
  ])("reports what an EC2 client rejected with, %s, as the evidence", async (_name, reason, evidence) => {
    const setup = aws.model.addXksVpcEndpointService();
    const id = await xksStore(setup);
    const ec2Like = { send: () => Promise.reject(reason) };
    const d = await diagnose(id, { kms, ec2: ec2Like, elbv2 });
    expect([check(d, "xks-vpc-service-exists").status, check(d, "xks-vpc-service-exists").evidence]).toEqual([
      "unknown",
      `${evidence}; ${evidence.replace("DescribeVpcEndpointServiceConfigurations", "DescribeVpcEndpointServices")}`,
    ]);
  });

  describe("ELBv2 answers that leave out their lists and names", () => {
    afterEach(closeHostileServers);
    const TG = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/t/0123456789abcdef";

    /** An ELBv2 endpoint (AWS query protocol) that answers each action with the given result XML. */
    async function elbAnswering(results: Readonly<Record<string, string>>) {
      const server = await hostile((_req, res, body) => {
        const action = new URLSearchParams(body).get("Action") ?? "";
        res.writeHead(200, { "content-type": "text/xml" });
        res.end(
          `<${action}Response xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><${action}Result>${results[action] ?? ""}</${action}Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${action}Response>`,
        );
      });
      return new ElasticLoadBalancingV2Client({ ...aws.clientConfig, endpoint: server.url, maxAttempts: 1 });
    }

    it("labels what has no name by its ARN, and counts what is not listed as none", async () => {
      const setup = aws.model.addXksVpcEndpointService();
      const id = await xksStore(setup);
      const lbArn = setup.loadBalancer.arn;
      const sparse = await elbAnswering({
        DescribeLoadBalancers: `<LoadBalancers><member><LoadBalancerArn>${lbArn}</LoadBalancerArn></member></LoadBalancers>`,
        DescribeListeners: `<Listeners><member><Port>443</Port><Protocol>TCP</Protocol><DefaultActions><member><Type>forward</Type><ForwardConfig><TargetGroups><member><TargetGroupArn>${TG}</TargetGroupArn></member><member><Weight>1</Weight></member></TargetGroups></ForwardConfig></member><member><Type>fixed-response</Type></member></DefaultActions></member></Listeners>`,
        DescribeTargetGroups: `<TargetGroups><member><TargetGroupArn>${TG}</TargetGroupArn></member></TargetGroups>`,
        DescribeTargetHealth: "",
      });
      const d = await diagnose(id, { kms, ec2, elbv2: sparse });
      const seen = (checkId: RequirementId) => [check(d, checkId).status, check(d, checkId).evidence];
      expect(seen("xks-nlb-internal")).toEqual(["fail", `${lbArn}: type unknown, scheme unknown`]);
      expect(seen("xks-nlb-active")).toEqual(["fail", `${lbArn}: state unknown`]);
      expect(seen("xks-nlb-multi-az")).toEqual(["fail", `${lbArn}: 0 Availability Zone(s): none`]);
      expect(seen("xks-nlb-tcp-443-listener")).toEqual(["pass", `${lbArn} has a TCP 443 listener`]);
      expect(seen("xks-nlb-ip-targets")).toEqual(["fail", `${TG}: target type unknown`]);
      expect(seen("xks-nlb-healthy-target")).toEqual(["fail", `0 of 0 target(s) healthy in ${TG}`]);
      sparse.destroy();
    });

    it.each([
      ["no load balancer", { DescribeLoadBalancers: "" }, "no load balancer described"],
      [
        "a load balancer without listeners",
        {
          DescribeLoadBalancers:
            "<LoadBalancers><member><LoadBalancerName>lb</LoadBalancerName></member></LoadBalancers>",
        },
        "lb has no TCP 443 listener (listeners: none)",
      ],
    ])("fails the listener check when the answer lists %s", async (_name, results, evidence) => {
      const setup = aws.model.addXksVpcEndpointService();
      const id = await xksStore(setup);
      const sparse = await elbAnswering(results);
      const d = await diagnose(id, { kms, ec2, elbv2: sparse });
      expect([
        check(d, "xks-nlb-tcp-443-listener").status,
        check(d, "xks-nlb-tcp-443-listener").evidence,
      ]).toEqual(["fail", evidence]);
      expect([check(d, "xks-nlb-ip-targets").status, check(d, "xks-nlb-ip-targets").evidence]).toEqual([
        "unknown",
        "no TCP 443 listener forwards to a target group",
      ]);
      sparse.destroy();
    });

    it("fails the target checks when no target group is described", async () => {
      const setup = aws.model.addXksVpcEndpointService();
      const id = await xksStore(setup);
      const sparse = await elbAnswering({
        DescribeLoadBalancers: `<LoadBalancers><member><LoadBalancerName>lb</LoadBalancerName></member></LoadBalancers>`,
        DescribeListeners: `<Listeners><member><Port>443</Port><Protocol>TCP</Protocol><DefaultActions><member><TargetGroupArn>${TG}</TargetGroupArn></member></DefaultActions></member></Listeners>`,
        DescribeTargetGroups: "",
      });
      const d = await diagnose(id, { kms, ec2, elbv2: sparse });
      expect([check(d, "xks-nlb-ip-targets").status, check(d, "xks-nlb-ip-targets").evidence]).toEqual([
        "fail",
        "no target group described",
      ]);
      expect([
        check(d, "xks-nlb-healthy-target").status,
        check(d, "xks-nlb-healthy-target").evidence,
      ]).toEqual(["fail", "no target group described"]);
      sparse.destroy();
    });
  });

  it("judges every load balancer and target group of the service, and names each in the evidence", async () => {
    const a = aws.model.addXksVpcEndpointService();
    const b = aws.model.addXksVpcEndpointService();
    const id = await xksStore(a);
    // The service fronts both load balancers; the first one's listener forwards to both target groups.
    a.service.networkLoadBalancerArns.push(b.loadBalancer.arn);
    a.listener.targetGroupArns.push(b.targetGroup.arn);
    b.loadBalancer.type = "application";
    b.loadBalancer.state = "provisioning";
    b.listener.port = 8443;
    b.targetGroup.targetType = "instance";
    for (const t of b.targetGroup.targets) t.health = "unhealthy";
    const d = await diagnose(id);
    const seen = (checkId: RequirementId) => [check(d, checkId).status, check(d, checkId).evidence];
    const [lbA, lbB] = [a.loadBalancer.name, b.loadBalancer.name];
    const [tgA, tgB] = [a.targetGroup.name, b.targetGroup.name];
    expect(seen("xks-nlb-internal")).toEqual([
      "fail",
      `${lbA}: type network, scheme internal; ${lbB}: type application, scheme internal`,
    ]);
    expect(seen("xks-nlb-active")).toEqual(["fail", `${lbA}: state active; ${lbB}: state provisioning`]);
    expect(seen("xks-nlb-tcp-443-listener")).toEqual([
      "fail",
      `${lbA} has a TCP 443 listener; ${lbB} has no TCP 443 listener (listeners: TCP 8443)`,
    ]);
    expect(seen("xks-nlb-ip-targets")).toEqual([
      "fail",
      `${tgA}: target type ip; ${tgB}: target type instance`,
    ]);
    expect(seen("xks-nlb-healthy-target")).toEqual([
      "pass",
      `2 of 2 target(s) healthy in ${tgA}; 0 of 2 target(s) healthy in ${tgB} (unhealthy, unhealthy)`,
    ]);
  });

  it("reports unknown, naming the client, when EC2 and ELBv2 clients are missing", async () => {
    const setup = aws.model.addXksVpcEndpointService();
    const id = await xksStore(setup);
    const d = await diagnose(id, { kms });
    const s = statuses(d);
    expect(s["xks-vpc-same-region"]).toBe("pass");
    expect(s["xks-vpc-service-unique"]).toBe("pass");
    for (const c of d.checks.filter(
      (x) => !["xks-vpc-same-region", "xks-vpc-service-unique"].includes(x.id),
    )) {
      expect([c.id, c.status, c.evidence]).toEqual([
        c.id,
        "unknown",
        "no EC2Client was passed (clients.ec2): pass one from @aws-sdk/client-ec2 to run the VPC endpoint service checks",
      ]);
    }
  });

  it("reports only the load balancer checks unknown when the ELBv2 client is missing", async () => {
    const setup = aws.model.addXksVpcEndpointService();
    const d = await diagnose(await xksStore(setup), { kms, ec2 });
    for (const c of d.checks) {
      if (c.id.startsWith("xks-nlb-")) {
        expect([c.status, c.evidence]).toEqual([
          "unknown",
          "no ElasticLoadBalancingV2Client was passed (clients.elbv2): pass one from @aws-sdk/client-elastic-load-balancing-v2 to run the VPC endpoint service load balancer checks",
        ]);
      } else expect(c.status, c.id).toBe("pass");
    }
  });

  it("never puts the XKS credential in the diagnosis", async () => {
    const setup = aws.model.addXksVpcEndpointService();
    setup.service.acceptanceRequired = true;
    const d = await diagnose(await xksStore(setup));
    const json = JSON.stringify(d);
    expect(json).not.toContain(ACCESS_KEY_ID);
    expect(json).not.toContain(SECRET);
    expect(json).not.toContain("AccessKeyId");
  });

  it("says the VPC checks do not apply to a public endpoint store", async () => {
    const id = await createStore({
      CustomKeyStoreType: "EXTERNAL_KEY_STORE",
      XksProxyConnectivity: "PUBLIC_ENDPOINT",
      XksProxyUriEndpoint: `https://public-${Date.now()}.example.com`,
      XksProxyUriPath: "/kms/xks/v1",
      XksProxyAuthenticationCredential: { AccessKeyId: ACCESS_KEY_ID, RawSecretAccessKey: SECRET },
    });
    const d = await diagnose(id);
    expect(d.checks.map((c) => [c.id, c.status])).toEqual([["xks-public-endpoint-probe", "unknown"]]);
    expect(d.checks[0]?.evidence).toContain("do not apply");
    expect(d.checks[0]?.remediation.steps.join(" ")).toContain("probe-xks");
    expect(JSON.stringify(d)).not.toContain(ACCESS_KEY_ID);
  });
});

interface HsmCase {
  readonly id: RequirementId;
  readonly misconfiguration: string;
  /** What the failing check says it saw. */
  readonly evidence: (s: CloudHsmSetup) => string | RegExp;
  readonly anchor?: string;
  readonly breakIt?: (s: CloudHsmSetup) => void;
  readonly alsoFails?: readonly RequirementId[];
}

const HSM_CASES: readonly HsmCase[] = [
  {
    id: "cloudhsm-cluster-exists",
    misconfiguration: "the cluster was deleted",
    evidence: (s) => `DescribeClusters returns no cluster ${s.cluster.clusterId} in ${REGION}`,
    breakIt: () => aws.model.clusters.splice(0),
  },
  {
    id: "cloudhsm-cluster-active",
    misconfiguration: "the cluster is INITIALIZED",
    evidence: (s) => `cluster ${s.cluster.clusterId} is INITIALIZED`,
    breakIt: (s) => {
      s.cluster.state = "INITIALIZED";
    },
  },
  {
    id: "cloudhsm-active-hsm",
    misconfiguration: "no HSM is ACTIVE",
    evidence: (s) =>
      `0 of 2 HSM(s) ACTIVE (${s.cluster.hsms.map((h) => `${h.hsmId} DEGRADED in ${h.availabilityZone}`).join(", ")})`,
    breakIt: (s) => {
      for (const h of s.cluster.hsms) h.state = "DEGRADED";
    },
    alsoFails: ["cloudhsm-hsms-multi-az"],
  },
  {
    id: "cloudhsm-hsms-multi-az",
    misconfiguration: "the only ACTIVE HSM is in one AZ",
    evidence: (s) => `ACTIVE HSMs in 1 Availability Zone(s): ${s.cluster.hsms[0]?.availabilityZone}`,
    breakIt: (s) => {
      s.cluster.hsms = s.cluster.hsms.slice(0, 1);
    },
  },
  {
    id: "cloudhsm-subnets-multi-az",
    misconfiguration: "the cluster has a subnet in one AZ",
    evidence: (s) =>
      `cluster subnets in 1 Availability Zone(s): ${s.subnets[0]?.subnetId} (${s.subnets[0]?.availabilityZone})`,
    breakIt: (s) => {
      const [first] = s.subnets;
      s.cluster.subnetMapping = first === undefined ? {} : { [first.availabilityZone]: first.subnetId };
    },
  },
  {
    id: "cloudhsm-subnets-exist",
    misconfiguration: "a cluster subnet was deleted",
    evidence: (s) => `subnet(s) ${s.subnets[1]?.subnetId} no longer exist`,
    breakIt: (s) => {
      const gone = s.subnets[1]?.subnetId;
      aws.model.subnets.splice(
        aws.model.subnets.findIndex((x) => x.subnetId === gone),
        1,
      );
    },
  },
  {
    id: "cloudhsm-subnets-free-ips",
    misconfiguration: "a subnet has no free address",
    evidence: ({ subnets: [a, b] }) =>
      `no free IP address in ${a?.subnetId} (${a?.subnetId}: 0 free; ${b?.subnetId}: 250 free)`,
    breakIt: (s) => {
      const subnet = s.subnets[0];
      if (subnet !== undefined) subnet.availableIpAddressCount = 0;
    },
  },
  {
    id: "cloudhsm-sg-inbound",
    misconfiguration: "inbound covers only 2223-2224",
    evidence: ({ securityGroup: { groupId: sg } }) =>
      `${sg} does not allow inbound TCP 2225 from itself (inbound rules: tcp 2223-2224 with ${sg})`,
    breakIt: (s) => {
      s.securityGroup.ingress = [
        { ipProtocol: "tcp", fromPort: 2223, toPort: 2224, groupIds: [s.securityGroup.groupId], cidrs: [] },
      ];
    },
  },
  {
    id: "cloudhsm-sg-outbound",
    misconfiguration: "outbound allows 2223-2225 only to a CIDR",
    evidence: ({ securityGroup: { groupId: sg } }) =>
      `${sg} does not allow outbound TCP 2223, 2224, 2225 to itself (outbound rules: tcp 2223-2225 with 10.0.0.0/8)`,
    breakIt: (s) => {
      s.securityGroup.egress = [
        { ipProtocol: "tcp", fromPort: 2223, toPort: 2225, groupIds: [], cidrs: ["10.0.0.0/8"] },
      ];
    },
  },
  {
    id: "cloudhsm-trust-anchor",
    misconfiguration: "the trust anchor is an unrelated CA",
    evidence: (s) =>
      new RegExp(
        `^the cluster certificate of ${s.cluster.clusterId} was issued by "[^"]+", not by the trust anchor "[^"]+"$`,
      ),
    anchor: UNRELATED_CA_PEM,
  },
];

describe("diagnoseKeyStore: CloudHSM key store", () => {
  it("covers every CloudHSM requirement in the table", () => {
    expect(HSM_CASES.map((c) => c.id).sort()).toEqual([...HSM_IDS].sort());
  });

  it("passes every check on a compliant cluster", async () => {
    const setup = aws.model.addCloudHsmCluster();
    const d = await diagnose(await hsmStore(setup));
    expect(d.customKeyStoreType).toBe("AWS_CLOUDHSM");
    expect(d.checks.map((c) => c.id)).toEqual(HSM_IDS);
    for (const c of d.checks) expect(c.status, `${c.id}: ${c.evidence}`).toBe("pass");
    expect(JSON.stringify(d)).not.toContain(HSM_PASSWORD);
  });

  it("passes the free-address check with a single free address in each subnet", async () => {
    const setup = aws.model.addCloudHsmCluster();
    for (const subnet of setup.subnets) subnet.availableIpAddressCount = 1;
    const d = await diagnose(await hsmStore(setup));
    expect(check(d, "cloudhsm-subnets-free-ips").status).toBe("pass");
  });

  it("says what each check of a compliant cluster saw", async () => {
    const setup = aws.model.addCloudHsmCluster();
    const d = await diagnose(await hsmStore(setup));
    const { clusterId, hsms, securityGroup: sg } = setup.cluster;
    const [a, b] = setup.subnets as [CloudHsmSetup["subnets"][number], CloudHsmSetup["subnets"][number]];
    expect(Object.fromEntries(d.checks.map((c) => [c.id, c.evidence]))).toEqual({
      "cloudhsm-cluster-exists": `found cluster ${clusterId}`,
      "cloudhsm-cluster-active": `cluster ${clusterId} is ACTIVE`,
      "cloudhsm-active-hsm": `2 of 2 HSM(s) ACTIVE (${hsms.map((h) => `${h.hsmId} ACTIVE in ${h.availabilityZone}`).join(", ")})`,
      "cloudhsm-hsms-multi-az": `ACTIVE HSMs in 2 Availability Zone(s): ${a.availabilityZone}, ${b.availabilityZone}`,
      "cloudhsm-subnets-multi-az": `cluster subnets in 2 Availability Zone(s): ${a.subnetId} (${a.availabilityZone}), ${b.subnetId} (${b.availabilityZone})`,
      "cloudhsm-subnets-exist": `all 2 cluster subnets exist: ${a.subnetId}, ${b.subnetId}`,
      "cloudhsm-subnets-free-ips": `${a.subnetId}: 250 free; ${b.subnetId}: 250 free`,
      "cloudhsm-sg-inbound": `${sg} allows inbound TCP 2223-2225 from itself`,
      "cloudhsm-sg-outbound": `${sg} allows outbound TCP 2223-2225 to itself`,
      "cloudhsm-trust-anchor": `the cluster certificate of ${clusterId} was issued and signed by the trust anchor "CN=Example customer CA (anchor)"`,
    });
  });

  it("names what a cluster's answer leaves out", async () => {
    const setup = aws.model.addCloudHsmCluster();
    const id = await hsmStore(setup);
    const { cluster } = setup;
    cluster.state = undefined as never;
    cluster.subnetMapping = {};
    cluster.securityGroup = undefined as never;
    cluster.certificates.clusterCertificate = undefined;
    for (const h of cluster.hsms) h.availabilityZone = undefined as never;
    const d = await diagnose(id);
    expect(d.checks.map((c) => [c.id, c.status, c.evidence])).toEqual([
      ["cloudhsm-cluster-exists", "pass", `found cluster ${cluster.clusterId}`],
      ["cloudhsm-cluster-active", "fail", `cluster ${cluster.clusterId} is in an unreported state`],
      [
        "cloudhsm-active-hsm",
        "pass",
        `2 of 2 HSM(s) ACTIVE (${cluster.hsms.map((h) => `${h.hsmId} ACTIVE in ?`).join(", ")})`,
      ],
      ["cloudhsm-hsms-multi-az", "fail", "ACTIVE HSMs in 1 Availability Zone(s): ?"],
      ["cloudhsm-subnets-multi-az", "fail", "cluster subnets in 0 Availability Zone(s): none"],
      ["cloudhsm-subnets-exist", "unknown", "the cluster reports no subnets"],
      ["cloudhsm-subnets-free-ips", "unknown", "the cluster reports no subnets"],
      ["cloudhsm-sg-inbound", "unknown", "the cluster reports no security group"],
      ["cloudhsm-sg-outbound", "unknown", "the cluster reports no security group"],
      [
        "cloudhsm-trust-anchor",
        "unknown",
        `cluster ${cluster.clusterId} reports no cluster certificate (state unknown); it has one once initialized`,
      ],
    ]);
  });

  it("names the subnet that has no free address in the remediation", async () => {
    const setup = aws.model.addCloudHsmCluster();
    const id = await hsmStore(setup);
    const [first, second] = setup.subnets;
    if (first === undefined || second === undefined) throw new Error("two subnets expected");
    second.availableIpAddressCount = 0;
    const free = check(await diagnose(id), "cloudhsm-subnets-free-ips");
    expect(free.status).toBe("fail");
    const steps = free.remediation.steps.join("\n");
    expect(steps).toContain(`Values=${second.subnetId}`);
    expect(steps).not.toContain(first.subnetId);
  });

  it("reads an empty security group id or cluster certificate as none", async () => {
    const setup = aws.model.addCloudHsmCluster();
    const id = await hsmStore(setup);
    const { cluster } = setup;
    cluster.securityGroup = "";
    cluster.certificates.clusterCertificate = "";
    const d = await diagnose(id);
    const seen = (checkId: RequirementId) => [check(d, checkId).status, check(d, checkId).evidence];
    expect(seen("cloudhsm-sg-inbound")).toEqual(["unknown", "the cluster reports no security group"]);
    expect(seen("cloudhsm-sg-outbound")).toEqual(["unknown", "the cluster reports no security group"]);
    expect(seen("cloudhsm-trust-anchor")).toEqual([
      "unknown",
      `cluster ${cluster.clusterId} reports no cluster certificate (state ACTIVE); it has one once initialized`,
    ]);
  });

  it("lists the rules of a group that lets no HSM port through, and a subnet with no count", async () => {
    const setup = aws.model.addCloudHsmCluster();
    const id = await hsmStore(setup);
    const sg = setup.securityGroup;
    sg.ingress = [
      { ipProtocol: "-1", groupIds: [], cidrs: ["10.0.0.0/8"] },
      { ipProtocol: "udp", groupIds: [sg.groupId], cidrs: [] },
      { ipProtocol: "tcp", fromPort: 2224, toPort: 2224, groupIds: [sg.groupId], cidrs: [] },
    ];
    sg.egress = [];
    const [a, b] = setup.subnets as [CloudHsmSetup["subnets"][number], CloudHsmSetup["subnets"][number]];
    a.availableIpAddressCount = undefined as never;
    const d = await diagnose(id);
    const seen = (checkId: RequirementId) => [check(d, checkId).status, check(d, checkId).evidence];
    expect(seen("cloudhsm-sg-inbound")).toEqual([
      "fail",
      `${sg.groupId} does not allow inbound TCP 2223, 2225 from itself (inbound rules: all traffic with 10.0.0.0/8, udp ?-? with ${sg.groupId}, tcp 2224-2224 with ${sg.groupId})`,
    ]);
    expect(seen("cloudhsm-sg-outbound")).toEqual([
      "fail",
      `${sg.groupId} does not allow outbound TCP 2223, 2224, 2225 to itself (outbound rules: none)`,
    ]);
    expect(seen("cloudhsm-subnets-free-ips")).toEqual([
      "fail",
      `no free IP address in ${a.subnetId} (${a.subnetId}: ? free; ${b.subnetId}: 250 free)`,
    ]);
  });

  it.each([
    [
      "one of them",
      1,
      (ids: string[]) => `cannot count free addresses in missing subnet(s) ${ids[1]} (${ids[0]}: 250 free)`,
    ],
    [
      "both",
      2,
      (ids: string[]) =>
        `cannot count free addresses in missing subnet(s) ${ids.join(", ")} (no subnet found)`,
    ],
  ] as const)("cannot count the free addresses of missing subnets (%s)", async (_name, gone, evidence) => {
    const setup = aws.model.addCloudHsmCluster();
    const id = await hsmStore(setup);
    const ids = setup.subnets.map((s) => s.subnetId);
    aws.model.subnets.splice(
      0,
      aws.model.subnets.length,
      ...aws.model.subnets.filter((s) => !ids.slice(2 - gone).includes(s.subnetId)),
    );
    const d = await diagnose(id);
    expect([
      check(d, "cloudhsm-subnets-free-ips").status,
      check(d, "cloudhsm-subnets-free-ips").evidence,
    ]).toEqual(["unknown", evidence(ids)]);
  });

  it.each([
    ["TCP by protocol number", { ipProtocol: "6", fromPort: 2223, toPort: 2225 }, "pass"],
    ["all traffic, whatever ports it lists", { ipProtocol: "-1", fromPort: 0, toPort: 0 }, "pass"],
    ["TCP without ports", { ipProtocol: "tcp" }, "pass"],
    ["TCP on every port (-1)", { ipProtocol: "tcp", fromPort: -1, toPort: -1 }, "pass"],
    ["TCP from another group", { ipProtocol: "tcp", fromPort: 2223, toPort: 2225, other: true }, "fail"],
  ] as const)("reads an inbound rule of %s as HSM traffic: %s", async (_name, rule, status) => {
    const setup = aws.model.addCloudHsmCluster();
    const id = await hsmStore(setup);
    const sg = setup.securityGroup;
    const { other, ...ports } = { other: false, ...rule };
    sg.ingress = [{ ...ports, groupIds: [other ? "sg-0123456789abcdef0" : sg.groupId], cidrs: [] }];
    const d = await diagnose(id);
    expect(check(d, "cloudhsm-sg-inbound").status).toBe(status);
  });

  it("fails both security group checks when the cluster's group does not exist", async () => {
    const setup = aws.model.addCloudHsmCluster();
    const id = await hsmStore(setup);
    aws.model.securityGroups.splice(0);
    const d = await diagnose(id);
    for (const checkId of ["cloudhsm-sg-inbound", "cloudhsm-sg-outbound"] as const) {
      expect([check(d, checkId).status, check(d, checkId).evidence]).toEqual([
        "fail",
        `security group ${setup.cluster.securityGroup} does not exist`,
      ]);
    }
  });

  it("counts HSMs a cluster's answer does not list, and names the fields an HSM leaves out", async () => {
    const setup = aws.model.addCloudHsmCluster();
    const id = await hsmStore(setup);
    const { clusterId } = setup.cluster;
    const cases: [unknown[] | undefined, string, string][] = [
      [undefined, "0 of 0 HSM(s) ACTIVE", "ACTIVE HSMs in 0 Availability Zone(s): none"],
      [
        [{ State: "ACTIVE" }, {}],
        "1 of 2 HSM(s) ACTIVE (? ACTIVE in ?, ? ? in ?)",
        "ACTIVE HSMs in 1 Availability Zone(s): ?",
      ],
    ];
    for (const [hsms, active, zones] of cases) {
      const answer = await hostile((_req, res) => {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
        res.end(
          JSON.stringify({
            Clusters: [
              { ClusterId: clusterId, State: "ACTIVE", ...(hsms === undefined ? {} : { Hsms: hsms }) },
            ],
          }),
        );
      });
      const sparse = new CloudHSMV2Client({ ...aws.clientConfig, endpoint: answer.url, maxAttempts: 1 });
      const d = await diagnose(id, { kms, ec2, cloudhsm: sparse });
      expect([check(d, "cloudhsm-active-hsm").evidence, check(d, "cloudhsm-hsms-multi-az").evidence]).toEqual(
        [active, zones],
      );
      sparse.destroy();
      await closeHostileServers();
    }
  });

  it("cannot judge the trust anchor against a cluster certificate that does not parse", async () => {
    const setup = aws.model.addCloudHsmCluster();
    const id = await hsmStore(setup);
    setup.cluster.certificates.clusterCertificate =
      "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n";
    const d = await diagnose(id);
    expect([check(d, "cloudhsm-trust-anchor").status, check(d, "cloudhsm-trust-anchor").evidence]).toEqual([
      "unknown",
      `the cluster certificate of ${setup.cluster.clusterId} could not be parsed`,
    ]);
  });

  it.each(HSM_CASES)("$id passes when compliant and fails when $misconfiguration", async (testCase) => {
    const setup = aws.model.addCloudHsmCluster();
    const id = await hsmStore(setup, testCase.anchor);
    if (testCase.anchor === undefined) expect(check(await diagnose(id), testCase.id).status).toBe("pass");
    testCase.breakIt?.(setup);
    const d = await diagnose(id);
    const target = check(d, testCase.id);
    expect(target.status, target.evidence).toBe("fail");
    const evidence = testCase.evidence(setup);
    if (typeof evidence === "string") expect(target.evidence).toBe(evidence);
    else expect(target.evidence).toMatch(evidence);
    expect(failingIds(d)).toEqual([testCase.id, ...(testCase.alsoFails ?? [])].sort());
  });

  it("fails the trust anchor whose subject matches but whose key did not sign", async () => {
    const setup = aws.model.addCloudHsmCluster();
    const d = await diagnose(await hsmStore(setup, IMPOSTOR_CA_PEM));
    const anchor = check(d, "cloudhsm-trust-anchor");
    expect(anchor.status).toBe("fail");
    expect(anchor.evidence).toContain("does not verify");
    expect(anchor.cause).toBe("INCORRECT_TRUST_ANCHOR");
  });

  it("reports the trust anchor unknown while the cluster has no certificate", async () => {
    const setup = aws.model.addCloudHsmCluster();
    const id = await hsmStore(setup);
    setup.cluster.certificates = {};
    expect(check(await diagnose(id), "cloudhsm-trust-anchor").status).toBe("unknown");
  });

  it("accepts an all-traffic self-referencing rule", async () => {
    const setup = aws.model.addCloudHsmCluster();
    const id = await hsmStore(setup);
    setup.securityGroup.ingress = [{ ipProtocol: "-1", groupIds: [setup.securityGroup.groupId], cidrs: [] }];
    expect(check(await diagnose(id), "cloudhsm-sg-inbound").status).toBe("pass");
  });

  it("fills the cluster and security group into the remediation", async () => {
    const setup = aws.model.addCloudHsmCluster();
    const id = await hsmStore(setup);
    setup.securityGroup.egress = [];
    const step = check(await diagnose(id), "cloudhsm-sg-outbound").remediation.steps[0];
    expect(step).toContain(`--group-id ${setup.securityGroup.groupId}`);
    expect(step).toContain(`GroupId=${setup.securityGroup.groupId}`);
  });

  it("reports every check unknown, naming the action, when DescribeClusters is denied", async () => {
    const setup = aws.model.addCloudHsmCluster();
    const id = await hsmStore(setup);
    aws.model.deny("cloudhsm:DescribeClusters");
    const d = await diagnose(id);
    for (const c of d.checks) {
      expect(c.status).toBe("unknown");
      expect(c.evidence).toContain("cloudhsm:DescribeClusters");
    }
  });

  it("reports every check unknown, naming the client, without a CloudHSM client", async () => {
    const setup = aws.model.addCloudHsmCluster();
    const d = await diagnose(await hsmStore(setup), { kms, ec2 });
    for (const c of d.checks) {
      expect(c.status).toBe("unknown");
      expect(c.evidence).toContain("clients.cloudhsm");
    }
  });

  it("reports the subnet and security group checks unknown without an EC2 client", async () => {
    const setup = aws.model.addCloudHsmCluster();
    const d = await diagnose(await hsmStore(setup), { kms, cloudhsm });
    const ec2Checks = [
      "cloudhsm-subnets-exist",
      "cloudhsm-subnets-free-ips",
      "cloudhsm-sg-inbound",
      "cloudhsm-sg-outbound",
    ];
    for (const c of d.checks) {
      if (ec2Checks.includes(c.id)) {
        expect([c.status, c.evidence]).toEqual([
          "unknown",
          "no EC2Client was passed (clients.ec2): pass one from @aws-sdk/client-ec2 to run the CloudHSM subnet and security group checks",
        ]);
      } else expect(c.status, c.id).toBe("pass");
    }
  });

  it("reports the security group checks unknown when DescribeSecurityGroups is denied", async () => {
    const setup = aws.model.addCloudHsmCluster();
    const id = await hsmStore(setup);
    aws.model.deny("ec2:DescribeSecurityGroups");
    const d = await diagnose(id);
    expect(check(d, "cloudhsm-sg-inbound").evidence).toContain("ec2:DescribeSecurityGroups");
    expect(statuses(d)["cloudhsm-sg-outbound"]).toBe("unknown");
    expect(d.failing).toEqual([]);
  });
});

describe("diagnoseKeyStore: the store itself", () => {
  it("is Err with the classification when the store does not exist", async () => {
    const result = await diagnoseKeyStore(all(), "cks-00000000000000000");
    expect(result.isErr() && result.error.kind).toBe("CustomKeyStoreNotFoundException");
  });

  it("takes null options as none", async () => {
    const setup = aws.model.addCloudHsmCluster();
    const result = await diagnoseKeyStore(all(), await hsmStore(setup), null as never);
    expect(result.isOk() && result.value.failing).toEqual([]);
  });

  it("is Err Aborted when the signal is aborted", async () => {
    const setup = aws.model.addXksVpcEndpointService();
    const id = await xksStore(setup);
    const result = await diagnoseKeyStore(all(), id, { signal: AbortSignal.abort() });
    expect(result.isErr() && result.error.kind).toBe("Aborted");
  });
});

describe("diagnoseKeyStore: what KMS answers about the store", () => {
  const HOSTILE_ID = "cks-1234567890abcdef0";
  afterEach(closeHostileServers);

  /** The store as DescribeCustomKeyStores would list it, for a VPC setup of the AWS emulator. */
  const entryOf = (setup: XksVpcSetup, overrides: Record<string, unknown> = {}) => ({
    CustomKeyStoreId: HOSTILE_ID,
    CustomKeyStoreName: "hostile",
    CustomKeyStoreType: "EXTERNAL_KEY_STORE",
    ConnectionState: "DISCONNECTED",
    XksProxyConfiguration: {
      Connectivity: "VPC_ENDPOINT_SERVICE",
      AccessKeyId: ACCESS_KEY_ID,
      UriEndpoint: setup.uriEndpoint,
      UriPath: "/kms/xks/v1",
      VpcEndpointServiceName: setup.service.serviceName,
    },
    ...overrides,
  });

  /**
   * A KMS that answers the lookup by id with `entries`, and the listing (no id) page by page with
   * what `page` gives for the marker sent (undefined for the first page).
   */
  async function kmsAnswering(
    entries: readonly unknown[],
    page: (marker: string | undefined) => unknown = () => ({ CustomKeyStores: entries }),
  ) {
    const server = await hostile((_req, res, body) => {
      const input = JSON.parse(body) as { CustomKeyStoreId?: string; Marker?: string };
      kmsJson(res, input.CustomKeyStoreId === undefined ? page(input.Marker) : { CustomKeyStores: entries });
    });
    const client = new KMSClient({
      region: REGION,
      endpoint: server.url,
      credentials: { accessKeyId: "AKIDHOSTILEKMS", secretAccessKey: "hostile" },
      maxAttempts: 1,
    });
    return { client, listings: () => server.seen.filter((b) => !b.includes("CustomKeyStoreId")).length };
  }

  const withKms = (client: DiagnoseClients["kms"]): DiagnoseClients => ({ ...all(), kms: client });

  it("is Err CustomKeyStoreNotFoundException when the answer lists only other stores", async () => {
    const setup = aws.model.addXksVpcEndpointService();
    const { client } = await kmsAnswering([entryOf(setup, { CustomKeyStoreId: "cks-0000000000000000a" })]);
    const result = await diagnoseKeyStore(withKms(client), HOSTILE_ID);
    expect(result.isErr() && [result.error.kind, result.error.message]).toEqual([
      "CustomKeyStoreNotFoundException",
      expect.stringContaining(`No custom key store with ID ${HOSTILE_ID} was found.`),
    ]);
    client.destroy();
  });

  it("names every other store on any page that uses the same service, past pages without a list", async () => {
    const setup = aws.model.addXksVpcEndpointService();
    const twin = (id?: string) => ({ ...entryOf(setup), CustomKeyStoreId: id });
    const pages: Record<string, unknown> = {
      first: { Truncated: true, NextMarker: "m1" },
      m1: {
        CustomKeyStores: [entryOf(setup), twin("cks-0000000000000000a")],
        Truncated: true,
        NextMarker: "m2",
      },
      m2: {
        CustomKeyStores: [
          twin(undefined),
          entryOf(setup, { CustomKeyStoreId: "cks-0000000000000000b", XksProxyConfiguration: {} }),
          {
            CustomKeyStoreId: "cks-0000000000000000c",
            CustomKeyStoreType: "AWS_CLOUDHSM",
            CloudHsmClusterId: "cluster-1234abcd",
          },
        ],
        Truncated: false,
        NextMarker: "m3",
      },
    };
    const { client, listings } = await kmsAnswering([entryOf(setup)], (m) => pages[m ?? "first"]);
    const d = await diagnose(HOSTILE_ID, withKms(client));
    expect([check(d, "xks-vpc-service-unique").status, check(d, "xks-vpc-service-unique").evidence]).toEqual([
      "fail",
      `${setup.service.serviceName} is also used by custom key store(s) cks-0000000000000000a, ?`,
    ]);
    // `Truncated: false` ends the listing even with a NextMarker.
    expect(listings()).toBe(3);
    client.destroy();
  });

  it.each([
    [
      "repeats a marker it sent before",
      (m: string | undefined) => ({
        CustomKeyStores: [],
        Truncated: true,
        NextMarker: m === undefined ? "a" : m === "a" ? "b" : "a",
      }),
      "kms:DescribeCustomKeyStores page 3 repeats a NextMarker it sent before; stopped",
      3,
    ],
    [
      "never stops",
      (m: string | undefined) => ({ Truncated: true, NextMarker: `${Number(m ?? 0) + 1}` }),
      "kms:DescribeCustomKeyStores sent more than 1000 pages; stopped",
      1000,
    ],
  ])("stops a listing that %s, the uniqueness unknown", async (_name, page, evidence, calls) => {
    const setup = aws.model.addXksVpcEndpointService();
    const { client, listings } = await kmsAnswering([entryOf(setup)], page);
    const d = await diagnose(HOSTILE_ID, withKms(client));
    expect([check(d, "xks-vpc-service-unique").status, check(d, "xks-vpc-service-unique").evidence]).toEqual([
      "unknown",
      evidence,
    ]);
    expect(listings()).toBe(calls);
    expect(check(d, "xks-vpc-service-exists").status).toBe("pass");
    client.destroy();
  });

  it("leaves the uniqueness unknown, naming the call, when the listing fails", async () => {
    const setup = aws.model.addXksVpcEndpointService();
    const server = await hostile((_req, res, body) => {
      const input = JSON.parse(body) as { CustomKeyStoreId?: string };
      if (input.CustomKeyStoreId === undefined)
        kmsJson(res, { __type: "KMSInternalException", message: "listing is down" }, 500);
      else kmsJson(res, { CustomKeyStores: [entryOf(setup)] });
    });
    const client = new KMSClient({
      region: REGION,
      endpoint: server.url,
      credentials: { accessKeyId: "AKIDHOSTILEKMS", secretAccessKey: "hostile" },
      maxAttempts: 1,
    });
    const d = await diagnose(HOSTILE_ID, withKms(client));
    expect([check(d, "xks-vpc-service-unique").status, check(d, "xks-vpc-service-unique").evidence]).toEqual([
      "unknown",
      "kms:DescribeCustomKeyStores failed: KMSInternalException: listing is down",
    ]);
    expect(check(d, "xks-vpc-service-exists").status).toBe("pass");
    client.destroy();
  });

  it("is Err CustomKeyStoreNotFoundException, with the operation and the id, when the answer has no list", async () => {
    const { client } = await kmsAnswering([]);
    const server = await hostile((_req, res) => kmsJson(res, {}));
    const empty = new KMSClient({
      region: REGION,
      endpoint: server.url,
      credentials: { accessKeyId: "AKIDHOSTILEKMS", secretAccessKey: "hostile" },
      maxAttempts: 1,
    });
    const result = await diagnoseKeyStore(withKms(empty), HOSTILE_ID);
    expect(result.isErr() && result.error).toMatchObject({
      kind: "CustomKeyStoreNotFoundException",
      operation: "DescribeCustomKeyStores",
      customKeyStoreId: HOSTILE_ID,
    });
    client.destroy();
    empty.destroy();
  });

  it("ends at requestTimeoutMs, not at the deadline, when KMS never answers the lookup", async () => {
    const server = await hostile(() => {});
    const silent = new KMSClient({
      region: REGION,
      endpoint: server.url,
      credentials: { accessKeyId: "AKIDHOSTILEKMS", secretAccessKey: "hostile" },
      maxAttempts: 1,
    });
    const result = await diagnoseKeyStore(withKms(silent), HOSTILE_ID, {
      requestTimeoutMs: 200,
      deadlineMs: 20_000,
    });
    expect(result.isErr() && [result.error.kind, result.error.cause]).toEqual([
      "TransportError",
      "REQUEST_TIMEOUT",
    ]);
    expect(result.isErr() && result.error.message).toContain("200 ms (requestTimeoutMs)");
    silent.destroy();
  });

  it("takes a store with a cluster and no type for a CloudHSM key store", async () => {
    const setup = aws.model.addCloudHsmCluster();
    const entry = {
      CustomKeyStoreId: HOSTILE_ID,
      CloudHsmClusterId: setup.cluster.clusterId,
      TrustAnchorCertificate: TRUST_ANCHOR_PEM,
    };
    const { client } = await kmsAnswering([entry]);
    const d = await diagnose(HOSTILE_ID, withKms(client));
    expect([d.customKeyStoreType, d.connectionState]).toEqual(["AWS_CLOUDHSM", "UNKNOWN"]);
    expect(d.checks.map((c) => c.id)).toEqual(HSM_IDS);
    expect(d.failing).toEqual([]);
    client.destroy();
  });

  it.each([
    [
      "without its trust anchor",
      undefined,
      ["unknown", "DescribeCustomKeyStores did not return the store's TrustAnchorCertificate"],
    ],
    [
      "whose trust anchor is empty",
      "",
      ["unknown", "DescribeCustomKeyStores did not return the store's TrustAnchorCertificate"],
    ],
    [
      "whose trust anchor is not a certificate",
      {
        TrustAnchorCertificate: "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
      },
      ["fail", "the store's TrustAnchorCertificate is not a valid PEM X.509 certificate"],
    ],
  ])("judges the trust anchor of a CloudHSM store %s", async (_name, anchor, expected) => {
    const setup = aws.model.addCloudHsmCluster();
    const entry = {
      CustomKeyStoreId: HOSTILE_ID,
      CustomKeyStoreType: "AWS_CLOUDHSM",
      CloudHsmClusterId: setup.cluster.clusterId,
      TrustAnchorCertificate: anchor,
    };
    const { client } = await kmsAnswering([entry]);
    const d = await diagnose(HOSTILE_ID, withKms(client));
    expect([check(d, "cloudhsm-trust-anchor").status, check(d, "cloudhsm-trust-anchor").evidence]).toEqual(
      expected,
    );
    expect(d.failing.map((c) => c.id)).toEqual(expected[0] === "fail" ? ["cloudhsm-trust-anchor"] : []);
    client.destroy();
  });

  it("reports every CloudHSM check unknown for a store without its cluster id", async () => {
    const { client } = await kmsAnswering([
      { CustomKeyStoreId: HOSTILE_ID, CustomKeyStoreType: "AWS_CLOUDHSM" },
    ]);
    const d = await diagnose(HOSTILE_ID, withKms(client));
    expect(d.checks.map((c) => c.id)).toEqual(HSM_IDS);
    for (const c of d.checks) {
      expect([c.id, c.status, c.evidence]).toEqual([
        c.id,
        "unknown",
        "DescribeCustomKeyStores did not return the store's CloudHsmClusterId",
      ]);
    }
    client.destroy();
  });

  it.each([
    ["names the Region", REGION, ` in ${REGION}`],
    ["says no Region when it cannot read one", undefined, ""],
  ])("fails a cluster DescribeClusters does not return, and %s", async (_name, region, where) => {
    const setup = aws.model.addCloudHsmCluster();
    const id = await hsmStore(setup);
    aws.model.clusters.splice(0);
    const d = await diagnose(id, withKms({ send: kms.send.bind(kms), config: { region } }));
    expect(d.checks.map((c) => [c.id, c.status, c.evidence])).toEqual(
      HSM_IDS.map((checkId) =>
        checkId === "cloudhsm-cluster-exists"
          ? [checkId, "fail", `DescribeClusters returns no cluster ${setup.cluster.clusterId}${where}`]
          : [checkId, "unknown", `cluster ${setup.cluster.clusterId} was not found`],
      ),
    );
  });

  it("says what it cannot tell of a store with neither type, cluster nor proxy settings", async () => {
    const { client } = await kmsAnswering([{ CustomKeyStoreId: HOSTILE_ID }]);
    const d = await diagnose(HOSTILE_ID, withKms(client));
    expect([d.customKeyStoreType, d.connectionState]).toEqual(["UNKNOWN", "UNKNOWN"]);
    expect(d.checks.map((c) => [c.id, c.status, c.evidence])).toEqual([
      [
        "xks-public-endpoint-probe",
        "unknown",
        "XksProxyConnectivity is not reported: the VPC endpoint service checks do not apply; probe the proxy at its endpoint instead",
      ],
    ]);
    client.destroy();
  });

  it("fails the Region check of a service name not of the endpoint-service form", async () => {
    const setup = aws.model.addXksVpcEndpointService();
    const name = "vpce-svc-0123456789abcdef0";
    const { client } = await kmsAnswering([
      entryOf(setup, {
        XksProxyConfiguration: { ...entryOf(setup).XksProxyConfiguration, VpcEndpointServiceName: name },
      }),
    ]);
    const d = await diagnose(HOSTILE_ID, withKms(client));
    expect([check(d, "xks-vpc-same-region").status, check(d, "xks-vpc-same-region").evidence]).toEqual([
      "fail",
      `XksProxyVpcEndpointServiceName ${name} is not of the form com.amazonaws.vpce.<region>.vpce-svc-…`,
    ]);
    client.destroy();
  });

  it.each([
    ["throws", () => Promise.reject(new Error("no Region configured"))],
    ["is empty", () => Promise.resolve("")],
    ["is not a string", 42],
  ])(
    "reports the Region check unknown when the KMS client's Region %s, and checks the rest with the service's",
    async (_name, region) => {
      const setup = aws.model.addXksVpcEndpointService();
      const id = await xksStore(setup);
      const d = await diagnose(id, withKms({ send: kms.send.bind(kms), config: { region } }));
      expect([check(d, "xks-vpc-same-region").status, check(d, "xks-vpc-same-region").evidence]).toEqual([
        "unknown",
        `could not read the KMS client's Region; the service is in ${REGION}`,
      ]);
      expect(check(d, "xks-vpc-kms-principal-allowed").status).toBe("pass");
      expect(d.failing).toEqual([]);
    },
  );
});

describe("diagnoseKeyStore: how a failed AWS call is reported", () => {
  /** A CloudHSM client that rejects every call the way `reject` says. */
  const rejecting = (reject: () => never): DiagnoseClients["cloudhsm"] =>
    ({ send: async () => reject() }) as unknown as DiagnoseClients["cloudhsm"];
  const named = (name: string, message: string) => Object.assign(new Error(message), { name });

  it("says access denied for EC2's denial, naming the action and the code", async () => {
    const setup = aws.model.addCloudHsmCluster();
    const id = await hsmStore(setup);
    aws.model.deny("ec2:DescribeSecurityGroups");
    const d = await diagnose(id);
    expect(check(d, "cloudhsm-sg-inbound").evidence).toBe(
      "access denied: the caller lacks ec2:DescribeSecurityGroups (UnauthorizedOperation)",
    );
  });

  it.each(["CloudHsmAccessDeniedException", "AccessDeniedException", "UnauthorizedAccess", "AccessDenied"])(
    "says access denied for a call rejected with %s",
    async (code) => {
      const id = await hsmStore(aws.model.addCloudHsmCluster());
      const d = await diagnose(id, {
        kms,
        ec2,
        cloudhsm: rejecting(() => {
          throw named(code, "not allowed");
        }),
      });
      for (const c of d.checks) {
        expect(c.status).toBe("unknown");
        expect(c.evidence).toBe(`access denied: the caller lacks cloudhsm:DescribeClusters (${code})`);
      }
    },
  );

  it("names any other error and its message", async () => {
    const id = await hsmStore(aws.model.addCloudHsmCluster());
    const d = await diagnose(id, {
      kms,
      ec2,
      cloudhsm: rejecting(() => {
        throw named("CloudHsmInternalFailureException", "The request failed.");
      }),
    });
    expect(check(d, "cloudhsm-cluster-active").evidence).toBe(
      "cloudhsm:DescribeClusters failed: CloudHsmInternalFailureException: The request failed.",
    );
  });

  it("once the caller's signal aborts, sends no further AWS call, and the diagnosis is Aborted", async () => {
    const id = await hsmStore(aws.model.addCloudHsmCluster());
    const controller = new AbortController();
    const sent: string[] = [];
    const stopping = {
      send: async (command: object) => {
        sent.push(command.constructor.name);
        controller.abort();
        throw named("AbortError", "Request aborted");
      },
    } as unknown as DiagnoseClients["ec2"];
    const result = await diagnoseKeyStore({ kms, ec2: stopping, cloudhsm }, id, {
      signal: controller.signal,
    });
    expect(result.isErr() && result.error.kind).toBe("Aborted");
    expect(sent).toHaveLength(1);
  });
});
