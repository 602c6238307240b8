// Two projects: unit tests run alone and fast; integration tests share one real control
// plane (etcd + kube-apiserver + kube-controller-manager) started by the global setup.
// Sources import each other with .ts extensions so Node 24 runs them as they are (type
// stripping; jest loads the global setup that way too). ts-jest only transpiles here
// (isolatedModules); `npm test` type-checks with tsc first.
const transform = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: { rewriteRelativeImportExtensions: false } }],
};
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform,
  testEnvironment: 'node',
};

/** @type {import('jest').Config} */
export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/browser/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/integration/timeouts.ts'],
    },
  ],
};
