// crossauth through its Hono adapter, compared with Hono's own bare route (target ≥ 0.85×).
export default {
  label: 'crossauth Hono adapter',
  kind: 'crossauth-adapter',
  baseline: 'hono-bare',
  cases: ['preflight', 'me', 'echo'],
  unavailable: 'the Hono adapter of @crossauth/server does not exist yet (and hono is not a bench dependency)',
};
