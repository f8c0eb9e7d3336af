import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: [
      // README examples import the package by name: run them against the sources.
      { find: /^wirelens\/node$/, replacement: fileURLToPath(new URL('./src/capture/node.ts', import.meta.url)) },
      { find: /^wirelens$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
