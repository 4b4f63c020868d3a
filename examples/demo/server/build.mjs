import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const demo = fileURLToPath(new URL('..', import.meta.url));

/** Bundles both SPAs into `public/build/` with esbuild: one ES2020 file each, source maps beside. */
export async function buildSpas() {
  await build({
    entryPoints: { spa: `${demo}spa/main.ts`, angularjs: `${demo}angularjs/app.ts` },
    outdir: `${demo}public/build`,
    bundle: true,
    format: 'iife',
    target: 'es2020',
    sourcemap: true,
    logLevel: 'warning',
  });
}
