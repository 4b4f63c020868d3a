// The contenders, in the order they run (A B C A B C …). Adding one: a file in this folder exporting a
// default object (see README.md, "Adding a contender"), and its id in this list.
export const CONTENDER_IDS = [
  'bare',
  'crossauth-sqlite',
  'crossauth-memory',
  'crossauth-redis',
  'crossauth-express',
  'crossauth-fastify',
  'crossauth-hono',
  'express-bare',
  'fastify-bare',
  'hono-bare',
  'express-stack',
  'fastify-stack',
  'better-auth',
];

export async function loadContender(id) {
  if (!CONTENDER_IDS.includes(id)) throw new Error(`unknown contender "${id}" (known: ${CONTENDER_IDS.join(', ')})`);
  const module = await import(`./${id}.mjs`);
  return { id, baseline: 'bare', cases: [], ...module.default };
}

export async function loadContenders() {
  return Promise.all(CONTENDER_IDS.map(loadContender));
}
