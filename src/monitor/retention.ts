/**
 * Retention of telemetry: raw traces and rollups older than `telemetry.retention` in promptops.yaml
 * are deleted from the store, a project at a time. `promptops serve` runs a job per project it
 * serves; the job's `tick()` is the whole of it, so tests drive it with a clock.
 */
import type { PruneCounts } from '../store/rollup-store.js';
import type { Store } from '../store/types.js';
import { type Clock, systemClock } from './rollup.js';
import type { TelemetryConfig } from './sampling.js';

export interface RetentionJobOptions {
  store: Pick<Store, 'pruneTelemetry'>;
  retention: TelemetryConfig['retention'];
  clock?: Clock;
  /** Told what each tick deleted. */
  onPruned?: (counts: PruneCounts) => void;
}

export class RetentionJob {
  private readonly clock: Clock;

  constructor(private readonly options: RetentionJobOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Deletes what is past its horizon now; null when no horizon is set (everything is kept). */
  async tick(): Promise<PruneCounts | null> {
    const { tracesMs, rollupsMs } = this.options.retention;
    if (tracesMs === null && rollupsMs === null) return null;
    const now = this.clock().getTime();
    const before = {
      ...(tracesMs !== null ? { traces: new Date(now - tracesMs).toISOString() } : {}),
      ...(rollupsMs !== null ? { rollups: new Date(now - rollupsMs).toISOString() } : {}),
    };
    const counts = await this.options.store.pruneTelemetry(before);
    this.options.onPruned?.(counts);
    return counts;
  }
}
