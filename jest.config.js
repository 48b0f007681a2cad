/** One jest run for the whole workspace: TypeScript sources through swc, packages resolved to their src. */
const swc = [
  '@swc/jest',
  { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/services', '<rootDir>/tools'],
  testMatch: ['**/src/**/*.test.ts', '**/packages/console/web/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@swarmscope/core$': '<rootDir>/packages/core/src/index.ts',
    '^@swarmscope/core/tracing$': '<rootDir>/packages/core/src/telemetry/tracing.ts',
    '^@swarmscope/core/main$': '<rootDir>/packages/core/src/service/main.ts',
    '^@swarmscope/core/report-columns$': '<rootDir>/packages/core/src/bus/report-columns.ts',
    '^@swarmscope/core/erfc$': '<rootDir>/packages/core/src/math/erfc.ts',
    '^@swarmscope/protocol$': '<rootDir>/packages/protocol/src/index.ts',
    '^@swarmscope/testkit$': '<rootDir>/packages/testkit/src/index.ts',
    '^@swarmscope/history$': '<rootDir>/packages/history/src/index.ts',
    '^@swarmscope/console$': '<rootDir>/packages/console/src/index.ts',
    '^@swarmscope/telemetry-client$': '<rootDir>/packages/telemetry-client/src/index.ts',
    '^@swarmscope/health-monitor$': '<rootDir>/services/health-monitor/src/index.ts',
    '^@swarmscope/anomaly-detector$': '<rootDir>/services/anomaly-detector/src/index.ts',
    '^@swarmscope/emergence-detector$': '<rootDir>/services/emergence-detector/src/index.ts',
    '^@swarmscope/autoscaler$': '<rootDir>/services/autoscaler/src/index.ts',
    '^@swarmscope/incidents$': '<rootDir>/services/incidents/src/index.ts',
    '^@swarmscope/fleetgen$': '<rootDir>/tools/fleetgen/src/index.ts',
    '^@swarmscope/simulator$': '<rootDir>/tools/simulator/src/index.ts',
  },
  testTimeout: 30000,
};
