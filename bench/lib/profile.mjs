// Summarises a V8 .cpuprofile (from `node --cpu-prof`): where the server's CPU time went.
import { readFileSync } from 'node:fs';

function category(url) {
  if (url === '') return 'V8 / native (GC, runtime, idle)';
  if (url.includes('/packages/server/dist/')) return 'crossauth server';
  if (url.includes('/packages/cli/dist/')) return 'crossauth cli (notes route)';
  if (url.includes('/bench/')) return 'bench harness routes';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency !== null) return `dependency ${dependency[1]}`;
  if (url.startsWith('node:')) return 'node internals (http, streams, crypto, timers)';
  return 'other';
}

function shortUrl(url) {
  const crossauth = /packages\/(\w+)\/dist\/(.*)$/.exec(url);
  if (crossauth !== null) return `${crossauth[1]}/${crossauth[2]}`;
  const dependency = /node_modules\/(.*)$/.exec(url);
  if (dependency !== null) return dependency[1];
  return url;
}

/**
 * `{ totalMs, byCategory: [{ name, share }], topSelf: [{ name, share }], topCrossauthInclusive: [...] }`,
 * shares of all sampled time except idle.
 */
export function summariseProfile(file, { top = 12 } = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const idle = new Set(profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id));
  const total = profile.nodes.reduce((sum, node) => sum + (idle.has(node.id) ? 0 : node.hitCount ?? 0), 0);
  const name = (node) => {
    const frame = node.callFrame;
    const fn = frame.functionName === '' ? '(anonymous)' : frame.functionName;
    return frame.url === '' ? fn : `${fn} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
  };
  const self = new Map();
  const categories = new Map();
  const inclusive = new Map();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0 || idle.has(node.id)) continue;
    self.set(name(node), (self.get(name(node)) ?? 0) + hits);
    const cat = category(node.callFrame.url);
    categories.set(cat, (categories.get(cat) ?? 0) + hits);
    // Inclusive time of crossauth functions: walk up once per distinct function on the stack.
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const frame = nodes.get(id);
      if (!frame.callFrame.url.includes('/packages/server/dist/')) continue;
      const key = name(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + hits);
    }
  }
  const ranked = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, hits]) => ({ name: key, share: hits / total }));
  return {
    totalMs: (profile.endTime - profile.startTime) / 1000,
    byCategory: ranked(categories),
    topSelf: ranked(self),
    topCrossauthInclusive: ranked(inclusive),
  };
}
