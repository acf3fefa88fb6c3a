/**
 * jest 30 in ESM mode (run through `npm test`, which sets NODE_OPTIONS=--experimental-vm-modules).
 * Integration tests share one database per run (test/support/global-setup.ts); each test makes its
 * own agencies and users, so files can run in parallel.
 */
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: { isolatedModules: true }, diagnostics: { ignoreCodes: [151002] } }],
  },
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  testTimeout: 60_000,
  maxWorkers: process.env.JEST_MAX_WORKERS ?? 2,
  // Each file loads the whole app into the worker's module registry: a worker past this much memory
  // after a file is replaced by a fresh one, so the last files never run out of heap.
  workerIdleMemoryLimit: '1500MB',
  forceExit: false,
};
