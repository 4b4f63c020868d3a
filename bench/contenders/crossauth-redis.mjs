// crossauth through the node adapter on Redis (127.0.0.1:6379). Fill in `start` once the store exists.
export default {
  label: 'crossauth node:http + Redis',
  kind: 'crossauth',
  cases: ['preflight', 'me', 'echo'],
  unavailable: 'crossauth has no Redis store yet (issue 7 is open); Redis itself runs at 127.0.0.1:6379, so this is one `start` function away',
};
