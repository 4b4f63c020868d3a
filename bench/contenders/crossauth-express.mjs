// crossauth through its express adapter, compared with express's own bare route (target ≥ 0.85×).
export default {
  label: 'crossauth express adapter',
  kind: 'crossauth-adapter',
  baseline: 'express-bare',
  cases: ['preflight', 'me', 'echo'],
  unavailable: 'the express adapter of @crossauth/server does not exist yet',
};
