/**
 * The unit suite as Stryker runs it (`npm run mutate`): one project, no global build (the
 * script builds dist/ once before, from the unmutated sources), and TypeScript transpiled
 * without type-checking: Stryker marks its instrumented files `@ts-nocheck`, and checking
 * types once per mutant run would only cost time.
 */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { isolatedModules: true, diagnostics: false }] },
  // PIM_MUTATE_TESTS (test files separated by commas, globs allowed) narrows the run to the
  // tests of the modules given to --mutate: a run per module group (see CONTRIBUTING.md).
  testMatch: (process.env.PIM_MUTATE_TESTS ?? "tests/unit/**/*.test.ts")
    .split(",")
    .map((pattern) => `<rootDir>/${pattern.trim()}`),
  // Tests of what lies outside the mutated modules (the benchmark's report, the docs' links,
  // the build's freshness, the pipelines' scripts, the modules a program loads from dist/):
  // they cannot kill a mutant, and the initial run is long enough without them.
  testPathIgnorePatterns: [
    "/node_modules/",
    "/tests/unit/(benchReport|markdownLinks|buildFreshness|gitopsScripts|programModules)\\.test\\.ts$",
  ],
};
