// HTTP load for the gateway bench: autocannon against one target for a fixed time, with the CPU
// time and memory of the process that serves it read before and after.
import autocannon from 'autocannon';
import { cpuMicros, rssMb } from './processes.js';

const round = (x, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;

// autocannon's own percentiles are whole milliseconds (its histogram stores integers); a gateway's
// added latency is a fraction of one, so each 2xx response's time (a float, from hrtime) is kept.
function run(options, latencies = []) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
  });
}

function percentiles(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  const at = (q) =>
    round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN, 2);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
}

/**
 * Loads `request` ({url, method, headers, body}) with `connections` keep-alive connections for
 * `seconds`, and measures the process `pid`: requests per second, latency percentiles (ms),
 * failures, its CPU time per completed request (µs) and its RSS before and after (MB).
 * `onSample`, if given, is called every 5 s during the load (for a soak's memory samples).
 */
export async function measureLoad(request, { connections, seconds, pid, onSample }) {
  const rssBefore = rssMb(pid);
  const cpuBefore = cpuMicros(pid);
  const sampler = onSample ? setInterval(onSample, 5_000) : null;
  const latencies = [];
  let result;
  try {
    result = await run({ ...request, connections, duration: seconds }, latencies);
  } finally {
    if (sampler) clearInterval(sampler);
  }
  const cpu = cpuMicros(pid) - cpuBefore;
  const completed = result.requests.total;
  return {
    connections,
    seconds,
    requests: completed,
    requestsPerSec: round(completed / (result.duration || seconds)),
    latencyMs: percentiles(latencies),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    cpuUsPerRequest: completed > 0 ? round(cpu / completed, 1) : null,
    rssMb: { before: rssBefore, after: rssMb(pid) },
  };
}

/** A short unmeasured load, so the target's code is compiled and its pools are warm. */
export async function warmUp(request, seconds) {
  await run({ ...request, connections: 10, duration: seconds });
}
