// The real-node tests: they start containerd, a kubelet and kube-proxy on this host, so
// they need root and Debian's containerd, runc and CNI plugins
// (tools/node/install-packages.sh). `npm test` runs them after the rest of the suite; alone:
//   node --experimental-vm-modules node_modules/jest/bin/jest.js --config test/node/jest.config.js
import { fileURLToPath } from 'node:url';

/** @type {import('jest').Config} */
export default {
  rootDir: fileURLToPath(new URL('../..', import.meta.url)),
  displayName: 'node',
  testMatch: ['<rootDir>/test/node/**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: { rewriteRelativeImportExtensions: false } }],
  },
  testEnvironment: 'node',
  // One node per host: the bridge, the pod cgroups and the iptables chains are shared.
  maxWorkers: 1,
};
