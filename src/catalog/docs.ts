/**
 * Canonical AWS documentation URLs cited by the catalog, each written once, and the date each one
 * (anchor included) was last confirmed on the current AWS page.
 * @internal
 */
const DG = "https://docs.aws.amazon.com/kms/latest/developerguide";
const API = "https://docs.aws.amazon.com/kms/latest/APIReference";

/** @internal */
export const DOCS = {
  xksTroubleshooting: `${DG}/xks-troubleshooting.html`,
  xksConnectionErrorCodes: `${DG}/xks-troubleshooting.html#fix-xks-connection`,
  fixUnavailableCmks: `${DG}/fix-keystore.html#fix-unavailable-cmks`,
  fixCmkFailed: `${DG}/fix-keystore.html#fix-cmk-failed`,
  fixKeyStoreFailed: `${DG}/fix-keystore.html#fix-keystore-failed`,
  fixKeyStoreCommunication: `${DG}/fix-keystore.html#fix-keystore-communication`,
  fixKeyStorePassword: `${DG}/fix-keystore.html#fix-keystore-password`,
  fixRecoverBackingKey: `${DG}/fix-keystore.html#fix-keystore-recover-backing-key`,
  fixLoginAsKmsuser: `${DG}/fix-keystore.html#fix-login-as-kmsuser`,
  createKeyStoreBefore: `${DG}/create-keystore.html#before-keystore`,
  connectKeyStore: `${DG}/connect-keystore.html`,
  connectXks: `${DG}/about-xks-connecting.html`,
  xksConnectionState: `${DG}/xks-connect-disconnect.html#xks-connection-state`,
  createXksKeyStore: `${DG}/create-xks-keystore.html`,
  requireEndpoint: `${DG}/create-xks-keystore.html#require-endpoint`,
  requirePath: `${DG}/create-xks-keystore.html#require-path`,
  xksCredential: `${DG}/keystore-external.html#concept-xks-credential`,
  createXksKeys: `${DG}/create-xks-keys.html`,
  vpcServiceRequirements: `${DG}/vpc-connectivity.html#xks-vpce-service-requirements`,
  vpcCreateService: `${DG}/vpc-connectivity.html#xks-vpc-svc`,
  vpcPrivateDns: `${DG}/vpc-connectivity.html#xks-private-dns`,
  vpcAuthorizeKms: `${DG}/vpc-connectivity.html#xks-vpc-authorize-kms`,
  authorizeXksManagers: `${DG}/authorize-xks-key-store.html#authorize-xks-managers`,
  xksProxyAuthorization: `${DG}/authorize-xks-key-store.html#xks-proxy-authorization`,
  xksMonitoring: `${DG}/xks-monitoring.html`,
  monitoringCloudWatch: `${DG}/monitoring-cloudwatch.html`,
  metricCertificateDaysToExpire: `${DG}/monitoring-cloudwatch.html#metric-xks-proxy-certificate-days-to-expire`,
  xksAlarmCertificate: `${DG}/xks-alarms.html#cert-expire-alarm`,
  xksAlarmLatency: `${DG}/xks-alarms.html#latency-alarm`,
  xksAlarmRetryableErrors: `${DG}/xks-alarms.html#retryable-errors-alarm`,
  xksAlarmNonRetryableErrors: `${DG}/xks-alarms.html#nonretryable-errors-alarm`,
  resourceLimits: `${DG}/resource-limits.html#cks-resource-quota`,
  requestsPerSecondKeyStores: `${DG}/requests-per-second.html#rps-key-stores`,
  throttling: `${DG}/throttling.html`,
  vpcEndpointToKms: `${DG}/vpce-create-endpoint.html`,
  ipv6Limitations: `${DG}/ipv6-kms.html#kms-ipv6-limitations`,
  keyState: `${DG}/key-state.html`,
  updateXksKeyStore: `${DG}/update-xks-keystore.html`,
  deleteKeyStore: `${DG}/delete-keystore.html`,
  deleteXks: `${DG}/delete-xks.html`,
  deletingKeys: `${DG}/deleting-keys.html`,
  importingKeys: `${DG}/importing-keys.html`,
  keyAccess: `${DG}/control-access.html`,
  keyPolicies: `${DG}/key-policies.html`,
  retireRevokeGrants: `${DG}/grant-delete.html`,
  quotas: `${DG}/limits.html`,
  commonErrors: `${API}/CommonErrors.html`,
  api: (operation: string) => `${API}/API_${operation}.html`,
} as const;

/** The day the URLs below were read on the current AWS pages. */
const CHECKED_2026_12_07 = "2026-12-07";

/**
 * Every URL the catalog cites, with the date (`YYYY-MM-DD`) it was last confirmed on the current AWS
 * page; for a URL with an anchor, the anchor was seen on that page (as a section or as a link target
 * of another current page). A cited URL missing here fails the test suite.
 * @internal
 */
export const DOCS_LAST_CHECKED: Readonly<Record<string, string>> = {
  [DOCS.xksTroubleshooting]: CHECKED_2026_12_07,
  [DOCS.xksConnectionErrorCodes]: CHECKED_2026_12_07,
  [DOCS.fixUnavailableCmks]: CHECKED_2026_12_07,
  [DOCS.fixCmkFailed]: CHECKED_2026_12_07,
  [DOCS.fixKeyStoreFailed]: CHECKED_2026_12_07,
  [DOCS.fixKeyStoreCommunication]: CHECKED_2026_12_07,
  [DOCS.fixKeyStorePassword]: CHECKED_2026_12_07,
  [DOCS.fixRecoverBackingKey]: CHECKED_2026_12_07,
  [DOCS.fixLoginAsKmsuser]: CHECKED_2026_12_07,
  [DOCS.createKeyStoreBefore]: CHECKED_2026_12_07,
  [DOCS.connectKeyStore]: CHECKED_2026_12_07,
  [DOCS.connectXks]: CHECKED_2026_12_07,
  [DOCS.xksConnectionState]: CHECKED_2026_12_07,
  [DOCS.createXksKeyStore]: CHECKED_2026_12_07,
  [DOCS.requireEndpoint]: CHECKED_2026_12_07,
  [DOCS.requirePath]: CHECKED_2026_12_07,
  [DOCS.xksCredential]: CHECKED_2026_12_07,
  [DOCS.createXksKeys]: CHECKED_2026_12_07,
  [DOCS.vpcServiceRequirements]: CHECKED_2026_12_07,
  [DOCS.vpcCreateService]: CHECKED_2026_12_07,
  [DOCS.vpcPrivateDns]: CHECKED_2026_12_07,
  [DOCS.vpcAuthorizeKms]: CHECKED_2026_12_07,
  [DOCS.authorizeXksManagers]: CHECKED_2026_12_07,
  [DOCS.xksProxyAuthorization]: CHECKED_2026_12_07,
  [DOCS.xksMonitoring]: CHECKED_2026_12_07,
  [DOCS.monitoringCloudWatch]: CHECKED_2026_12_07,
  [DOCS.metricCertificateDaysToExpire]: CHECKED_2026_12_07,
  [DOCS.xksAlarmCertificate]: CHECKED_2026_12_07,
  [DOCS.xksAlarmLatency]: CHECKED_2026_12_07,
  [DOCS.xksAlarmRetryableErrors]: CHECKED_2026_12_07,
  [DOCS.xksAlarmNonRetryableErrors]: CHECKED_2026_12_07,
  [DOCS.resourceLimits]: CHECKED_2026_12_07,
  [DOCS.requestsPerSecondKeyStores]: CHECKED_2026_12_07,
  [DOCS.throttling]: CHECKED_2026_12_07,
  [DOCS.vpcEndpointToKms]: CHECKED_2026_12_07,
  [DOCS.ipv6Limitations]: CHECKED_2026_12_07,
  [DOCS.keyState]: CHECKED_2026_12_07,
  [DOCS.updateXksKeyStore]: CHECKED_2026_12_07,
  [DOCS.deleteKeyStore]: CHECKED_2026_12_07,
  [DOCS.deleteXks]: CHECKED_2026_12_07,
  [DOCS.deletingKeys]: CHECKED_2026_12_07,
  [DOCS.importingKeys]: CHECKED_2026_12_07,
  [DOCS.keyAccess]: CHECKED_2026_12_07,
  [DOCS.keyPolicies]: CHECKED_2026_12_07,
  [DOCS.retireRevokeGrants]: CHECKED_2026_12_07,
  [DOCS.quotas]: CHECKED_2026_12_07,
  [DOCS.api("CreateAlias")]: CHECKED_2026_12_07,
  [DOCS.api("UpdateAlias")]: CHECKED_2026_12_07,
  [DOCS.api("CreateGrant")]: CHECKED_2026_12_07,
  [DOCS.api("RetireGrant")]: CHECKED_2026_12_07,
  [DOCS.api("CreateKey")]: CHECKED_2026_12_07,
  [DOCS.api("Decrypt")]: CHECKED_2026_12_07,
  [DOCS.api("DeleteCustomKeyStore")]: CHECKED_2026_12_07,
  [DOCS.api("DescribeCustomKeyStores")]: CHECKED_2026_12_07,
  [DOCS.api("DescribeKey")]: CHECKED_2026_12_07,
  [DOCS.api("Encrypt")]: CHECKED_2026_12_07,
  [DOCS.api("ImportKeyMaterial")]: CHECKED_2026_12_07,
  [DOCS.api("ListKeys")]: CHECKED_2026_12_07,
  [DOCS.api("ReEncrypt")]: CHECKED_2026_12_07,
  [DOCS.api("RotateKeyOnDemand")]: CHECKED_2026_12_07,
  [DOCS.api("TagResource")]: CHECKED_2026_12_07,
  [DOCS.api("UpdateCustomKeyStore")]: CHECKED_2026_12_07,
  [DOCS.api("Verify")]: CHECKED_2026_12_07,
  [DOCS.api("VerifyMac")]: CHECKED_2026_12_07,
};

/**
 * Cited URLs whose current page could not be confirmed, each with why. Only general (not
 * custom-key-store) entries may cite one; the test suite enforces both.
 * @internal
 */
export const DOCS_UNCONFIRMED: Readonly<Record<string, string>> = {
  [DOCS.commonErrors]:
    "The KMS API reference's common-errors page was not among the stored copies searched on 2026-12-07 (other services' identical pages were).",
};
