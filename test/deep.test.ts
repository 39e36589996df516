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
    breakIt: () => aws.model.vpcEndpointServices.splice(0),
  },
  {
    id: "xks-vpc-same-region",
    misconfiguration: "the service is in eu-west-1",
    options: { region: "eu-west-1" },
    breakIt: (s) => {
      s.service.allowedPrincipals = [`cks.kms.${REGION}.amazonaws.com`];
    },
  },
  {
    id: "xks-vpc-service-unique",
    misconfiguration: "another store uses the same service",
    kms: (_id, s) => withDuplicate(s),
  },
  {
    id: "xks-vpc-interface-service",
    misconfiguration: "the service type is GatewayLoadBalancer",
    breakIt: (s) => {
      s.service.serviceType = "GatewayLoadBalancer";
    },
  },
  {
    id: "xks-vpc-network-load-balancer",
    misconfiguration: "a Gateway Load Balancer backs the service",
    breakIt: (s) => {
      s.service.gatewayLoadBalancerArns = [
        `arn:aws:elasticloadbalancing:${REGION}:111122223333:loadbalancer/gwy/gwlb/0123456789abcdef`,
      ];
    },
  },
  {
    id: "xks-vpc-service-available",
    misconfiguration: "the service is Pending",
    breakIt: (s) => {
      s.service.state = "Pending";
    },
  },
  {
    id: "xks-vpc-service-multi-az",
    misconfiguration: "the service is in one AZ",
    breakIt: (s) => {
      s.service.availabilityZones = [`${REGION}a`];
    },
  },
  {
    id: "xks-vpc-acceptance-not-required",
    misconfiguration: "acceptance is required",
    breakIt: (s) => {
      s.service.acceptanceRequired = true;
    },
  },
  {
    id: "xks-vpc-kms-principal-allowed",
    misconfiguration: "only the account root is allowed",
    breakIt: (s) => {
      s.service.allowedPrincipals = ["arn:aws:iam::111122223333:root"];
    },
  },
  {
    id: "xks-vpc-private-dns-name",
    misconfiguration: "the service has no private DNS name",
    breakIt: (s) => {
      s.service.privateDnsName = undefined;
    },
    alsoFails: ["xks-vpc-uri-endpoint-matches"],
  },
  {
    id: "xks-vpc-private-dns-verified",
    misconfiguration: "the domain is pendingVerification",
    breakIt: (s) => {
      s.service.privateDnsVerificationState = "pendingVerification";
    },
  },
  {
    id: "xks-vpc-uri-endpoint-matches",
    misconfiguration: "XksProxyUriEndpoint names another host",
    store: () => ({ XksProxyUriEndpoint: `https://elsewhere-${Date.now()}.example.com` }),
  },
  {
    id: "xks-nlb-internal",
    misconfiguration: "the NLB is internet-facing",
    breakIt: (s) => {
      s.loadBalancer.scheme = "internet-facing";
    },
  },
  {
    id: "xks-nlb-active",
    misconfiguration: "the NLB is provisioning",
    breakIt: (s) => {
      s.loadBalancer.state = "provisioning";
    },
  },
  {
    id: "xks-nlb-multi-az",
    misconfiguration: "the NLB is in one AZ",
    breakIt: (s) => {
      s.loadBalancer.availabilityZones = s.loadBalancer.availabilityZones.slice(0, 1);
    },
  },
  {
    id: "xks-nlb-tcp-443-listener",
    misconfiguration: "the listener is TLS on 443",
    breakIt: (s) => {
      s.listener.protocol = "TLS";
    },
  },
  {
    id: "xks-nlb-ip-targets",
    misconfiguration: "the target group registers instances",
    breakIt: (s) => {
      s.targetGroup.targetType = "instance";
    },
  },
  {
    id: "xks-nlb-healthy-target",
    misconfiguration: "every target is unhealthy",
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
    expect(target.evidence).not.toBe("");
    expect(target.remediation.steps.length).toBeGreaterThan(0);
    expect(failingIds(d)).toEqual([testCase.id, ...(testCase.alsoFails ?? [])].sort());
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
      expect(c.status, c.id).toBe("unknown");
      expect(c.evidence).toContain("clients.ec2");
    }
  });

  it("reports only the load balancer checks unknown when the ELBv2 client is missing", async () => {
    const setup = aws.model.addXksVpcEndpointService();
    const d = await diagnose(await xksStore(setup), { kms, ec2 });
    for (const c of d.checks) {
      if (c.id.startsWith("xks-nlb-")) {
        expect(c.status).toBe("unknown");
        expect(c.evidence).toContain("clients.elbv2");
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
  readonly anchor?: string;
  readonly breakIt?: (s: CloudHsmSetup) => void;
  readonly alsoFails?: readonly RequirementId[];
}

const HSM_CASES: readonly HsmCase[] = [
  {
    id: "cloudhsm-cluster-exists",
    misconfiguration: "the cluster was deleted",
    breakIt: () => aws.model.clusters.splice(0),
  },
  {
    id: "cloudhsm-cluster-active",
    misconfiguration: "the cluster is INITIALIZED",
    breakIt: (s) => {
      s.cluster.state = "INITIALIZED";
    },
  },
  {
    id: "cloudhsm-active-hsm",
    misconfiguration: "no HSM is ACTIVE",
    breakIt: (s) => {
      for (const h of s.cluster.hsms) h.state = "DEGRADED";
    },
    alsoFails: ["cloudhsm-hsms-multi-az"],
  },
  {
    id: "cloudhsm-hsms-multi-az",
    misconfiguration: "the only ACTIVE HSM is in one AZ",
    breakIt: (s) => {
      s.cluster.hsms = s.cluster.hsms.slice(0, 1);
    },
  },
  {
    id: "cloudhsm-subnets-multi-az",
    misconfiguration: "the cluster has a subnet in one AZ",
    breakIt: (s) => {
      const [first] = s.subnets;
      s.cluster.subnetMapping = first === undefined ? {} : { [first.availabilityZone]: first.subnetId };
    },
  },
  {
    id: "cloudhsm-subnets-exist",
    misconfiguration: "a cluster subnet was deleted",
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
    breakIt: (s) => {
      const subnet = s.subnets[0];
      if (subnet !== undefined) subnet.availableIpAddressCount = 0;
    },
  },
  {
    id: "cloudhsm-sg-inbound",
    misconfiguration: "inbound covers only 2223-2224",
    breakIt: (s) => {
      s.securityGroup.ingress = [
        { ipProtocol: "tcp", fromPort: 2223, toPort: 2224, groupIds: [s.securityGroup.groupId], cidrs: [] },
      ];
    },
  },
  {
    id: "cloudhsm-sg-outbound",
    misconfiguration: "outbound allows 2223-2225 only to a CIDR",
    breakIt: (s) => {
      s.securityGroup.egress = [
        { ipProtocol: "tcp", fromPort: 2223, toPort: 2225, groupIds: [], cidrs: ["10.0.0.0/8"] },
      ];
    },
  },
  {
    id: "cloudhsm-trust-anchor",
    misconfiguration: "the trust anchor is an unrelated CA",
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

  it.each(HSM_CASES)("$id passes when compliant and fails when $misconfiguration", async (testCase) => {
    const setup = aws.model.addCloudHsmCluster();
    const id = await hsmStore(setup, testCase.anchor);
    if (testCase.anchor === undefined) expect(check(await diagnose(id), testCase.id).status).toBe("pass");
    testCase.breakIt?.(setup);
    const d = await diagnose(id);
    const target = check(d, testCase.id);
    expect(target.status, target.evidence).toBe("fail");
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
        expect(c.status).toBe("unknown");
        expect(c.evidence).toContain("clients.ec2");
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

  it("is Err Aborted when the signal is aborted", async () => {
    const setup = aws.model.addXksVpcEndpointService();
    const id = await xksStore(setup);
    const result = await diagnoseKeyStore(all(), id, { signal: AbortSignal.abort() });
    expect(result.isErr() && result.error.kind).toBe("Aborted");
  });
});
