// Lint: typescript-eslint's recommended rules over every TypeScript source.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "out/",
      ".scratch/",
      "node_modules/",
      "dist/",
      "test/fixtures/",
      "test/**/out/",
      "bin/",
      "**/*.js",
      "**/*.mjs",
      "**/*.cjs",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
    },
  },
  {
    // Generated modules carry `/* eslint-disable */` for users' stricter configs.
    files: ["generated/**", "generated-ros2/**"],
    linterOptions: { reportUnusedDisableDirectives: "off" },
  },
);
