import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["tests/**/*.test.ts", "tests/**/*.test.tsx"],
    environment: "node",
    globalSetup: ["tests/support/global-setup.ts"],
    setupFiles: ["tests/support/setup-env.ts"],
    // A hang detector, not a budget: a test's work is kept small enough to finish far inside it on a
    // busy 2-core machine (split a long sequence into tests, share set-up in beforeAll) rather than raise it.
    testTimeout: 30_000,
    // Hooks create databases (PostgreSQL clones of the template, slow when the server is busy): generous.
    hookTimeout: 120_000,
    pool: "forks",
    reporters: ["default"],
  },
});
