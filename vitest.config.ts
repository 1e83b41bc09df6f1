import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup-fast-check.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Network-namespace and tshark tests shell out; keep parallelism modest on a 2-core machine.
    pool: "forks",
  },
});
