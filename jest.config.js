/** Jest runs the TypeScript sources directly; type-checking is `tsc --noEmit` in `npm test`. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
  },
  testTimeout: 60000,
  // Generated code imports the package by name; in tests that is the sources of this repository.
  moduleNameMapper: {
    "^noros$": "<rootDir>/runtime/index.ts",
    "^noros/support$": "<rootDir>/runtime/codec/support.ts",
    "^noros/msgs$": "<rootDir>/generated/index.ts",
  },
};
