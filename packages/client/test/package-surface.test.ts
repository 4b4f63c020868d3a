import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { createClient, memoryStorage } from '@crossauth/client';
import { preferencesStorage } from '@crossauth/client/capacitor';
import { protocolFromSource } from './pages/page-server.js';

const source = (path: string) => fileURLToPath(new URL(`../src/${path}`, import.meta.url));

/** Minified and gzipped size of a bundle of `entry`, with the framework packages left out. */
async function gzippedBytes(entry: string): Promise<number> {
  const result = await build({
    entryPoints: [source(entry)],
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: ['axios', '@angular/*', 'rxjs'],
    plugins: [protocolFromSource],
  });
  return gzipSync(result.outputFiles[0]!.contents, { level: 9 }).length;
}

describe('package surface', () => {
  it('keeps the core client at or under 3 KB minified and gzipped', async () => {
    expect(await gzippedBytes('index.ts')).toBeLessThanOrEqual(3 * 1024);
  });

  it.each(['axios', 'angular', 'angularjs', 'capacitor'])('keeps the %s adapter under 1 KB on top of the core', async (adapter) => {
    const together = await gzippedBytes(`${adapter}/index.ts`);
    const core = await gzippedBytes('index.ts');
    expect(together - core).toBeLessThan(1024);
  });

  it('keeps a token pair in Capacitor Preferences and forgets it on null', async () => {
    const values = new Map<string, string>();
    const Preferences = {
      get: async ({ key }: { key: string }) => ({ value: values.get(key) ?? null }),
      set: async ({ key, value }: { key: string; value: string }) => void values.set(key, value),
      remove: async ({ key }: { key: string }) => void values.delete(key),
    };
    const storage = preferencesStorage(Preferences);
    const pair = { token: 'access', expiresAt: 1_900_000_000_000, refreshToken: 'refresh' };
    await storage.set(pair);
    expect(await preferencesStorage(Preferences).get()).toEqual(pair);
    values.set('crossauth.tokens', '{not json');
    expect(await storage.get()).toBeNull();
    await storage.set(null);
    expect(values.size).toBe(0);
  });

  it('refuses a relative baseUrl at creation, not at the first request', () => {
    expect(() => createClient({ baseUrl: '/api' })).toThrow();
    expect(() => createClient({ baseUrl: 'https://api.example.com', tokenStorage: memoryStorage() })).not.toThrow();
  });
});
