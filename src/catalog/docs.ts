/**
 * Canonical AWS documentation URLs cited by the catalog. Each is written once, here.
 * @internal
 */
const DG = "https://docs.aws.amazon.com/kms/latest/developerguide";
const API = "https://docs.aws.amazon.com/kms/latest/APIReference";

/** @internal */
export const DOCS = {
  xksTroubleshooting: `${DG}/xks-troubleshooting.html`,
  fixKeyStore: `${DG}/fix-keystore.html`,
  createKeyStoreBefore: `${DG}/create-keystore.html#before-keystore`,
  connectKeyStore: `${DG}/connect-keystore.html`,
  xksConnectDisconnect: `${DG}/xks-connect-disconnect.html`,
  xksConnectionState: `${DG}/xks-connect-disconnect.html#xks-connection-state`,
  createXksKeyStore: `${DG}/create-xks-keystore.html`,
  vpcConnectivity: `${DG}/vpc-connectivity.html`,
  authorizeXks: `${DG}/authorize-xks-key-store.html#authorize-xks-managers`,
  xksMonitoring: `${DG}/xks-monitoring.html`,
  resourceLimits: `${DG}/resource-limits.html#cks-resource-quota`,
  requestsPerSecondKeyStores: `${DG}/requests-per-second.html#rps-key-stores`,
  throttling: `${DG}/throttling.html`,
  vpcEndpointToKms: `${DG}/vpce-create-endpoint.html`,
  ipv6Limitations: `${DG}/ipv6-kms.html#kms-ipv6-limitations`,
  keyState: `${DG}/key-state.html`,
  updateKeyStore: `${DG}/update-keystore.html`,
  updateXksKeyStore: `${DG}/update-xks-keystore.html`,
  disconnectKeyStore: `${DG}/disconnect-keystore.html`,
  deleteKeyStore: `${DG}/delete-keystore.html`,
  deletingKeys: `${DG}/deleting-keys.html`,
  importingKeys: `${DG}/importing-keys.html`,
  keyAccessTroubleshooting: `${DG}/policy-evaluation.html`,
  quotas: `${DG}/limits.html`,
  commonErrors: `${API}/CommonErrors.html`,
  api: (operation: string) => `${API}/API_${operation}.html`,
} as const;
