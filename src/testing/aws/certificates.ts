/**
 * Sample X.509 certificates for CloudHSM trust-anchor scenarios (public certificates only: no private
 * key is shipped). Generated once with OpenSSL (P-256, valid for 100 years).
 */

/**
 * A customer CA certificate (`customerCA.crt`) that issued {@link CLUSTER_CERTIFICATE_PEM}.
 * @example
 * ```ts
 * import { X509Certificate } from "node:crypto";
 * import { CLUSTER_CERTIFICATE_PEM, TRUST_ANCHOR_PEM } from "kms-keystore-errors/testing";
 *
 * new X509Certificate(CLUSTER_CERTIFICATE_PEM).checkIssued(new X509Certificate(TRUST_ANCHOR_PEM)); // true
 * ```
 * @public
 */
export const TRUST_ANCHOR_PEM = `-----BEGIN CERTIFICATE-----
MIIBpDCCAUugAwIBAgIUAYzPfenosML2Im4K70mpnw2ZPk4wCgYIKoZIzj0EAwIw
JzElMCMGA1UEAwwcRXhhbXBsZSBjdXN0b21lciBDQSAoYW5jaG9yKTAgFw0yNjEx
MjkwMzMyMzNaGA8yMTI2MTEwNTAzMzIzM1owJzElMCMGA1UEAwwcRXhhbXBsZSBj
dXN0b21lciBDQSAoYW5jaG9yKTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKvl
9J5tTUNU6bOPydrQb5JgKeyVoaEJzCaG6vshNT9di9Ev6QkoP1BqHZO70JFNeY8C
VwnxbsLbWINFB8KTNrCjUzBRMB0GA1UdDgQWBBQrWbXlw/9Hcw78kyYJbddaS4/h
FDAfBgNVHSMEGDAWgBQrWbXlw/9Hcw78kyYJbddaS4/hFDAPBgNVHRMBAf8EBTAD
AQH/MAoGCCqGSM49BAMCA0cAMEQCIAUkdYk92MxG+IckaFPsK5Ku5J9QQ9IueGDM
iFIywTt+AiA+lsf6EW+2p4BGPKwPTj6YLUxuKI2IIIzjG9qt8TGKmA==
-----END CERTIFICATE-----
`;

/**
 * A cluster certificate (`Certificates.ClusterCertificate`) issued and signed by {@link TRUST_ANCHOR_PEM}.
 * @example
 * ```ts
 * import { AwsModel, CLUSTER_CERTIFICATE_PEM } from "kms-keystore-errors/testing";
 *
 * const model = new AwsModel({ region: "us-east-1", accountId: "111122223333" });
 * model.addCloudHsmCluster({ clusterCertificate: CLUSTER_CERTIFICATE_PEM }); // the default certificate
 * ```
 * @public
 */
export const CLUSTER_CERTIFICATE_PEM = `-----BEGIN CERTIFICATE-----
MIIBWDCB/wIUPeGreeeXHflrXmjGM7u0gAdDwzMwCgYIKoZIzj0EAwIwJzElMCMG
A1UEAwwcRXhhbXBsZSBjdXN0b21lciBDQSAoYW5jaG9yKTAgFw0yNjExMjkwMzMy
MzNaGA8yMTI2MTEwNTAzMzIzM1owNTEzMDEGA1UEAwwqY2x1c3Rlci0xMjM0NTY3
YWJjZCBIU006Q2x1c3RlckNlcnRpZmljYXRlMFkwEwYHKoZIzj0CAQYIKoZIzj0D
AQcDQgAE/ceI+yxb6iNv/NVQj84kgsldlzYycFcFGmt0m8X0Vpi90xq+PWfoclFf
1k7KObWiwPzKCgdiYKaNVTCwlvfANTAKBggqhkjOPQQDAgNIADBFAiA6p9vOz4MZ
fT6QvtmUXLyo2LJT1CYF/oPadrvTDtUGtAIhAJNWEOgjx9/tuxAhN2xvNg3d21G8
AAEDxy1H7oBRp/Ts
-----END CERTIFICATE-----
`;

/**
 * A CA certificate unrelated to the cluster certificate (different subject and key).
 * @example
 * ```ts
 * import { X509Certificate } from "node:crypto";
 * import { CLUSTER_CERTIFICATE_PEM, UNRELATED_CA_PEM } from "kms-keystore-errors/testing";
 *
 * new X509Certificate(CLUSTER_CERTIFICATE_PEM).checkIssued(new X509Certificate(UNRELATED_CA_PEM)); // false
 * ```
 * @public
 */
export const UNRELATED_CA_PEM = `-----BEGIN CERTIFICATE-----
MIIBpDCCAUmgAwIBAgIUajWQeU4gQ7pe6wFNbFoH2LBMTDQwCgYIKoZIzj0EAwIw
JjEkMCIGA1UEAwwbRXhhbXBsZSBjdXN0b21lciBDQSAob3RoZXIpMCAXDTI2MTEy
OTAzMzIzM1oYDzIxMjYxMTA1MDMzMjMzWjAmMSQwIgYDVQQDDBtFeGFtcGxlIGN1
c3RvbWVyIENBIChvdGhlcikwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAR8315h
hxHO9FwCJzOX6zDFDpxME8MlbJjtX5zVb+1pceiTXZC6uLt+M6J3ttFhGC8ATL2i
Y+YaSb415mOBRrKPo1MwUTAdBgNVHQ4EFgQU8+tYxz4GPxitpdW+9axhTbV04/Qw
HwYDVR0jBBgwFoAU8+tYxz4GPxitpdW+9axhTbV04/QwDwYDVR0TAQH/BAUwAwEB
/zAKBggqhkjOPQQDAgNJADBGAiEA7kbBTy5PoNNrVQ8t6YQwLV80t11ud3V7WOZZ
E9/ABAcCIQDUQpnoYyHdqH+7hOISrCYPCfnBYY+Zn9nhL6qvO8JsaQ==
-----END CERTIFICATE-----
`;

/**
 * A CA certificate with the same subject as {@link TRUST_ANCHOR_PEM} but another key: it names the
 * cluster certificate's issuer, yet did not sign it.
 * @example
 * ```ts
 * import { X509Certificate } from "node:crypto";
 * import { CLUSTER_CERTIFICATE_PEM, IMPOSTOR_CA_PEM } from "kms-keystore-errors/testing";
 *
 * const cert = new X509Certificate(CLUSTER_CERTIFICATE_PEM);
 * const ca = new X509Certificate(IMPOSTOR_CA_PEM);
 * cert.checkIssued(ca) && !cert.verify(ca.publicKey); // true
 * ```
 * @public
 */
export const IMPOSTOR_CA_PEM = `-----BEGIN CERTIFICATE-----
MIIBpTCCAUugAwIBAgIUBrI2sAHuE/MFPU2zbN5dSYGNayMwCgYIKoZIzj0EAwIw
JzElMCMGA1UEAwwcRXhhbXBsZSBjdXN0b21lciBDQSAoYW5jaG9yKTAgFw0yNjEx
MjkwMzMyMzZaGA8yMTI2MTEwNTAzMzIzNlowJzElMCMGA1UEAwwcRXhhbXBsZSBj
dXN0b21lciBDQSAoYW5jaG9yKTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABJph
yVwSShpVzhsI31yp2oXe+OklFPk+EyRe0Ra5Xzuclhc+Eha3/onfvqb+fZcoO9TN
56sa8WknQN8avK4xfz2jUzBRMB0GA1UdDgQWBBRIfQwvZFoK28M+fKhM7Y3Leuss
WzAfBgNVHSMEGDAWgBRIfQwvZFoK28M+fKhM7Y3LeussWzAPBgNVHRMBAf8EBTAD
AQH/MAoGCCqGSM49BAMCA0gAMEUCIFk8HdOc+3tZAfehf8HjwDdqcbfkyFxGjLFA
3Hh5RzUHAiEAr3gdtxtO9ieMd6Y+b2U6trcSdehg4EzDdfzGGhzfAx0=
-----END CERTIFICATE-----
`;
