// Lint: typescript-eslint's recommended rules, plus two import boundaries: every capability's rules/
// folder, the payload parsers, the message templates and copy, and lib/'s pure modules stay pure (no
// framework, database, Shopify library or network/file IO); and routes never touch the database (they
// authenticate, requireShop or a signature check, and make one call into a capability).
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

const IMPURE = [
  {
    group: ["@remix-run/*", "react", "react-dom", "@shopify/*"],
    message: "Domain rules are framework-free: do this in a service or route.",
  },
  {
    group: ["@prisma/*", "~/db.server", "**/db.server", "pg", "better-sqlite3"],
    message: "Domain rules never touch the database: take plain data instead.",
  },
  { group: ["**/*.server", "**/*.server.ts", "~/*/*.server"], message: "Domain rules cannot import IO modules." },
  { group: ["@sendgrid/*", "twilio", "node-fetch", "undici"], message: "Domain rules never reach the network." },
];
const IMPURE_NODE = [
  "fs",
  "node:fs",
  "fs/promises",
  "node:fs/promises",
  "net",
  "node:net",
  "http",
  "node:http",
  "https",
  "node:https",
  "child_process",
  "node:child_process",
  "dgram",
  "node:dgram",
  "dns",
  "node:dns",
  "tls",
  "node:tls",
].map((name) => ({ name, message: "Domain rules do no IO." }));

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "build/",
      ".cache/",
      ".tmp/",
      "test-results/",
      "bench/results/",
      "extensions/**/assets/*.min.js",
      "public/build/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: "module" },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    files: ["extensions/**/assets/*.js"],
    languageOptions: { globals: { ...globals.browser }, sourceType: "script" },
  },
  {
    files: ["app/routes/**"],
    rules: {
      // "**/db.server" covers ~/db.server, ../db.server and deeper relative paths.
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/db.server", "**/db.server.*", "@prisma/*"],
              message: "Routes never touch the database: call a function of app/admin/ (or of the capability) instead.",
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      "app/*/rules/**",
      "app/pipeline/payloads/**",
      "app/notifications/templates/**",
      "app/notifications/copy/**",
      "app/lib/**",
    ],
    // db-target.mjs finds the project root on disk (plain .mjs so scripts load it without tsx).
    ignores: ["app/lib/*.server.ts", "app/lib/db-target.mjs"],
    rules: { "no-restricted-imports": ["error", { patterns: IMPURE, paths: IMPURE_NODE }] },
  },
);
