// Child entry: `node bench/server.mjs <contender-id>` starts that contender's server on a free loopback
// port and prints `READY <port>`. SIGTERM exits cleanly (so `--cpu-prof` can write its profile).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { APP_ORIGIN } from './lib/constants.mjs';
import { loadContender } from './contenders/index.mjs';

const id = process.argv[2];
if (id === undefined) {
  process.stderr.write('usage: node bench/server.mjs <contender-id>\n');
  process.exit(2);
}
const contender = await loadContender(id);
if (contender.unavailable !== undefined) {
  process.stderr.write(`${id} is not available: ${contender.unavailable}\n`);
  process.exit(2);
}
const dataDir = mkdtempSync(join(tmpdir(), `crossauth-bench-${id}-`));
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
// The harness is the only client; if it dies without stopping us, stop after an hour anyway.
setTimeout(() => process.exit(0), 3_600_000).unref();

const port = await contender.start({ origin: APP_ORIGIN, dataDir });
process.stdout.write(`READY ${port}\n`);
