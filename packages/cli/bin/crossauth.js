#!/usr/bin/env node
// The `crossauth` command. A committed file, so npm links the bin at install time, before the
// TypeScript build has produced dist/ (a workspace install links only bins that already exist).
import { existsSync } from 'node:fs';

const built = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(built)) {
  console.error('crossauth: the CLI is not built yet; run `npm run build` in the repository first.');
  process.exit(1);
}
await import(built.href);
