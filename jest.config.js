/** The suites: fast unit tests, acceptance tests on a real cloud, end-to-end under the engine. */
const common = {
  preset: "ts-jest",
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: { warnOnly: false } }] },
  // npm run mutate's sandboxes: copies of the whole repository while it runs.
  modulePathIgnorePatterns: ["<rootDir>/.stryker-tmp/"],
};

module.exports = {
  reporters: ["default", "<rootDir>/tests/support/summaryReporter.js"],
  projects: [
    {
      ...common,
      displayName: "unit",
      testMatch: ["<rootDir>/tests/unit/**/*.test.ts"],
      // The serialization and gRPC tests run dist/: build it when older than the sources.
      globalSetup: "<rootDir>/tests/support/buildBeforeUnitTests.ts",
    },
    {
      ...common,
      displayName: "acceptance",
      testMatch: ["<rootDir>/tests/acceptance/**/*.test.ts"],
    },
    { ...common, displayName: "e2e", testMatch: ["<rootDir>/tests/e2e/**/*.test.ts"] },
    { ...common, displayName: "faults", testMatch: ["<rootDir>/tests/faults/**/*.test.ts"] },
    { ...common, displayName: "package", testMatch: ["<rootDir>/tests/package/**/*.test.ts"] },
  ],
};
