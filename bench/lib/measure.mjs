// In-process timing: calibrated loops, median of samples, in nanoseconds per operation.
import process from 'node:process';

const SAMPLES = 7;
const SAMPLE_NS = 100e6;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Nanoseconds per call of `fn(i)` (awaited when `isAsync`), as the median of several calibrated samples. */
export async function nsPerOp(fn, { isAsync = false, samples = SAMPLES, sampleNs = SAMPLE_NS } = {}) {
  const run = async (iterations) => {
    const start = process.hrtime.bigint();
    if (isAsync) for (let i = 0; i < iterations; i++) await fn(i);
    else for (let i = 0; i < iterations; i++) fn(i);
    return Number(process.hrtime.bigint() - start);
  };
  let iterations = 16;
  for (;;) {
    const elapsed = await run(iterations);
    if (elapsed >= sampleNs / 4) {
      iterations = Math.max(1, Math.ceil((iterations * sampleNs) / elapsed));
      break;
    }
    iterations *= 4;
  }
  const perOp = [];
  for (let sample = 0; sample < samples; sample++) perOp.push((await run(iterations)) / iterations);
  return { nsPerOp: median(perOp), min: Math.min(...perOp), max: Math.max(...perOp), iterations };
}

export { median };
