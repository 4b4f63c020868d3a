// crossauth through its fastify adapter, compared with fastify's own bare route (target ≥ 0.85×).
export default {
  label: 'crossauth fastify adapter',
  kind: 'crossauth-adapter',
  baseline: 'fastify-bare',
  cases: ['preflight', 'me', 'echo'],
  unavailable: 'the fastify adapter of @crossauth/server does not exist yet',
};
