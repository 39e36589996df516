import type { ModuleLoaders } from "../../src/cli/deep.js";

/**
 * Module loaders of the optional client packages that load nothing: each records its service and
 * gives an empty module (so a client that is built is "not exported", and its checks are unknown).
 *
 * @returns The loaders, and the services loaded so far, in order.
 */
export function recordingLoaders(): { loaders: ModuleLoaders; loaded: string[] } {
  const loaded: string[] = [];
  const record = (name: string) => async () => {
    loaded.push(name);
    return {};
  };
  return {
    loaders: {
      ec2: record("ec2"),
      elbv2: record("elbv2"),
      cloudhsm: record("cloudhsm"),
      cloudwatch: record("cloudwatch"),
    },
    loaded,
  };
}
