/**
 * Jest runs the TypeScript sources directly, compiled to CommonJS by ts-jest (transpile only:
 * type-checking is `tsc --noEmit` in `npm test`). The sources are ES modules that import each
 * other with `.js` extensions; the mapper sends those to the `.ts` files.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.jest.json" }],
  },
  testTimeout: 60000,
  moduleNameMapper: {
    // Generated code imports the package by name; in tests that is the sources of this repository.
    "^noros$": "<rootDir>/runtime/index.ts",
    "^noros/support$": "<rootDir>/runtime/codec/support.ts",
    "^noros/msgs$": "<rootDir>/generated/index.ts",
    "^noros/msgs/(.*)$": "<rootDir>/generated/$1.ts",
    "^noros/ros2/msgs$": "<rootDir>/generated-ros2/index.ts",
    "^noros/ros2/msgs/(.*)$": "<rootDir>/generated-ros2/$1.ts",
    "^noros/ros2idl$": "<rootDir>/runtime/ros2idl/index.ts",
    "^#node-websocket$": "ws",
    "^(\\.{1,2}/.*)\\.js$": "$1",
  },
};
