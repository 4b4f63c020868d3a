import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests import the workspace packages from source, so `npm test` never runs against a stale build.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@crossauth\/protocol$/, replacement: src('./packages/protocol/src/index.ts') },
      { find: /^@crossauth\/server$/, replacement: src('./packages/server/src/index.ts') },
      { find: /^@crossauth\/server\/(node|fetch|express|fastify|hono)$/, replacement: src('./packages/server/src/adapters/$1/index.ts') },
      { find: /^@crossauth\/cli$/, replacement: src('./packages/cli/src/index.ts') },
      { find: /^@crossauth\/client$/, replacement: src('./packages/client/src/index.ts') },
      { find: /^@crossauth\/client\/(axios|angular|angularjs|capacitor)$/, replacement: src('./packages/client/src/$1/index.ts') },
      { find: /^@crossauth\/server\/(.*)$/, replacement: src('./packages/server/src/$1/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
