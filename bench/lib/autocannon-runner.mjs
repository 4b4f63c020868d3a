// Fallback load generator, used only when wrk cannot be installed. Prints the same BENCH line as wrk's script.
import process from 'node:process';
import autocannon from 'autocannon';

const { url, request, durationSeconds, connections } = JSON.parse(process.argv[2]);
const result = await autocannon({
  url: url + request.path,
  method: request.method,
  headers: request.headers,
  body: request.body,
  duration: durationSeconds,
  connections,
});
const out = {
  requests: result.requests.total,
  durationUs: result.duration * 1e6,
  rps: result.requests.total / result.duration,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
  verifiedOk: result['2xx'],
  verifiedBad: result.non2xx,
  firstStatus: 0,
  firstBad: result.non2xx > 0 ? `${result.non2xx} non-2xx answers` : '',
  latencyMeanUs: result.latency.mean * 1000,
  p50Us: result.latency.p50 * 1000,
  p90Us: result.latency.p90 * 1000,
  p99Us: result.latency.p99 * 1000,
  maxUs: result.latency.max * 1000,
};
process.stdout.write(`BENCH ${JSON.stringify(out)}\n`);
