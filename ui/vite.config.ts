/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Tauri serves ui/dist at its root and loads http://localhost:5173 in dev (see ../tauri.conf.json).
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
    host: "localhost",
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // Keep everything in files: the CSP forbids inline scripts and styles.
    assetsInlineLimit: 0,
    // Non-ASCII characters escaped: WebKit keeps a script with any of them as a 16-bit string, twice the
    // bundle's size in the web process's memory.
    rolldownOptions: { output: { charset: "ascii" } },
  },
  test: {
    globals: true,
    css: false,
    restoreMocks: true,
    // A limit on a hung test, not a speed claim: the longest user flows take 2-3 s in jsdom on an idle
    // machine and twice that on a busy two-core CI runner.
    testTimeout: 20_000,
    // One worker per core. Vitest's default leaves a core for itself, which on a two-core CI runner meant one
    // worker and a suite half as fast (198 s against 128 s); the main process idles while the tests run.
    maxWorkers: "100%",
    projects: [
      {
        extends: true,
        test: { name: "ui", environment: "jsdom", setupFiles: ["./src/test/setup.ts"], include: ["src/**/*.test.{ts,tsx}"] },
      },
      // Tests that drive Node processes (scripts/): no page of their own.
      { extends: true, test: { name: "scripts", environment: "node", include: ["scripts/**/*.test.ts"] } },
    ],
  },
});
