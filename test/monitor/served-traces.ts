/**
 * Traces as a gateway serves them, counted by the real RollupAccumulator while a simulated clock
 * moves: the drift tests' traffic, whose one input field (`topic`) the test shapes.
 */
import type { RollupAccumulator } from '../../src/monitor/rollup-accumulator.js';
import { traceRecord } from '../store/fixtures.js';

export interface ServedTraffic {
  accumulator: RollupAccumulator;
  /** Moves the simulated clock (the accumulator's) to this time. */
  setNow(iso: string): void;
  project: string;
  prompt: string;
  environment: string;
}

/**
 * Serves one trace every `everyMs` from `from` to `to` (the clock following), the `i`th asking
 * about `topicOf(i)`, and flushes its rollups every 30 traces and at the end.
 */
export async function serveTopics(
  traffic: ServedTraffic,
  from: string,
  to: string,
  everyMs: number,
  topicOf: (i: number) => string,
): Promise<void> {
  const { accumulator, project, prompt, environment } = traffic;
  let i = 0;
  for (let at = Date.parse(from); at < Date.parse(to); at += everyMs, i++) {
    const startedAt = new Date(at).toISOString();
    traffic.setNow(startedAt);
    accumulator.observe(
      traceRecord(`t${at}`, {
        project,
        prompt,
        environment,
        startedAt,
        input: { topic: topicOf(i), text: 'where is my parcel?' },
        output: 'It is on its way.',
      }),
    );
    if (i % 30 === 0) await accumulator.flush();
  }
  await accumulator.flush();
}
