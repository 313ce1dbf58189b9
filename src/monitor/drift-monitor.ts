/**
 * The drift monitor: on each tick, for every prompt an environment serves, reads the rollups of the
 * reference window and of the current window (its complete, settled minutes), computes the drift
 * report, raises an alert when a check crosses into a worse band (once per crossing, not on every
 * tick), resolves it when the check is back in its band, and records the report for
 * `promptops drift`.
 */
import { parseDuration } from '../duration.js';
import { PromptOpsError } from '../errors.js';
import type { DriftConfig } from '../project/config.js';
import type { Store } from '../store/index.js';
import type { AlertSink } from './alert-sink.js';
import { type DriftReport, type DriftSeverity, driftReport, findingsOf, worse } from './drift.js';
import { type Clock, settledWindow } from './rollup.js';

/** What the monitor reads and writes. */
export type DriftMonitorStore = Pick<
  Store,
  'snapshot' | 'labelHistory' | 'readRollups' | 'recordDriftReport' | 'listDriftReports'
>;

export interface DriftMonitorOptions {
  store: DriftMonitorStore;
  sink: AlertSink;
  clock: Clock;
  config: DriftConfig;
  /** Every environment of the project (`drift.environments` narrows it). */
  environments: readonly string[];
  /**
   * How long after a minute ends the current window reads it (ms, default 0): gateways write their
   * rollups every few seconds. `promptops serve` gives the rollup flush interval and a margin.
   */
  settleMs?: number;
  /** Told about a prompt the tick could not check; the others are checked, the next tick tries again. */
  onError?: (err: unknown, prompt: { prompt: string; environment: string }) => void;
}

const DAY_MS = 86_400_000;

/** A duration setting in ms, or a config error naming it. */
export function durationSetting(text: string, setting: string): number {
  const ms = parseDuration(text);
  if (ms === null || ms === 0)
    throw new PromptOpsError(
      'PO_ERR_CONFIG_INVALID',
      `${setting} must be a duration above zero like 30m, 1h or 7d, not "${text}"; fix it in promptops.yaml`,
    );
  return ms;
}

export class DriftMonitor {
  /** Per prompt, environment, version and check: the band last alerted (absent: none). */
  private readonly raised = new Map<string, DriftSeverity>();
  private restored = false;

  constructor(private readonly options: DriftMonitorOptions) {}

  /** Checks every watched prompt once; returns the reports computed. */
  async tick(): Promise<DriftReport[]> {
    const { store, config } = this.options;
    await this.restore();
    const environments = config.environments.length > 0 ? config.environments : this.options.environments;
    const reports: DriftReport[] = [];
    for (const environment of environments) {
      const snapshot = await store.snapshot(environment);
      for (const served of snapshot.prompts) {
        if (config.prompts.length > 0 && !config.prompts.includes(served.prompt)) continue;
        try {
          const report = await this.check(served.prompt, environment, served.stable.number);
          if (!report) continue;
          await this.alert(report);
          await store.recordDriftReport(report);
          reports.push(report);
        } catch (err) {
          this.options.onError?.(err, { prompt: served.prompt, environment });
        }
      }
    }
    return reports;
  }

  /** One prompt's report, or null when its version has no known start (nothing to compare with). */
  private async check(prompt: string, environment: string, version: number): Promise<DriftReport | null> {
    const { store, config, clock } = this.options;
    const now = clock();
    const windowMs = durationSetting(config.window, 'drift.window');
    const current = settledWindow(now, windowMs, this.options.settleMs);
    const reference = await this.referenceWindow(prompt, environment, version, current.from);
    if (!reference) return null;
    const read = (w: { from: string; to: string }, anyVersion = false) =>
      store.readRollups({ prompt, ...(anyVersion ? {} : { version }), environment, from: w.from, to: w.to });
    return driftReport(
      {
        prompt,
        environment,
        version,
        // A fixed baseline is whatever the environment served then, older versions included.
        reference: { ...reference, cells: await read(reference, config.reference !== 'release-day') },
        current: { ...current, cells: await read(current) },
        computedAt: now.toISOString(),
      },
      config.thresholds,
    );
  }

  /**
   * `release-day`: the first 24 h after the environment's label moved to `version`, cut where the
   * current window starts so the two never overlap; or the configured baseline.
   */
  private async referenceWindow(
    prompt: string,
    environment: string,
    version: number,
    currentFrom: string,
  ): Promise<{ from: string; to: string } | null> {
    const { reference } = this.options.config;
    if (reference !== 'release-day') return reference;
    let since: string | null = null;
    for (const event of await this.options.store.labelHistory(prompt, environment)) {
      const servesIt = event.action === 'set' && event.to === version;
      if (servesIt && since === null) since = event.at;
      if (!servesIt) since = null;
    }
    if (since === null) return null;
    const end = new Date(Math.min(new Date(since).getTime() + DAY_MS, new Date(currentFrom).getTime()));
    return { from: new Date(since).toISOString(), to: end.toISOString() };
  }

  /**
   * Raises an alert for each check that crossed into a worse band since the last alert, and
   * resolves the alert of each check back inside its band. A band counts as alerted only once the
   * sink took the alert, so a failed raise is tried again on the next tick.
   */
  private async alert(report: DriftReport): Promise<void> {
    const { sink } = this.options;
    for (const finding of findingsOf(report)) {
      const key = keyOf(report, finding.name);
      const last = this.raised.get(key) ?? 'none';
      const alerted = {
        source: 'drift' as const,
        name: alertName(finding.name),
        prompt: report.prompt,
        environment: report.environment,
        // The version served: a new version's crossings are new alerts.
        occurrence: `v${report.version}`,
      };
      if (finding.severity === 'none') {
        // Back inside its band: the alert is over, and the next crossing alerts again. Too few
        // samples says nothing.
        if (finding.insufficient || last === 'none') continue;
        await sink.resolve(alerted);
        this.raised.delete(key);
        continue;
      }
      if (worse(last, finding.severity) === last) continue;
      // Moderate became major: the moderate alert is over and the major one is news (a sink folds an
      // alert raised while one of its name is open into that one, and sends nothing).
      if (last !== 'none') await sink.resolve(alerted);
      await sink.raise({
        ...alerted,
        severity: finding.severity === 'major' ? 'critical' : 'warning',
        summary: `${report.prompt} v${report.version} in ${report.environment}: ${finding.summary}`,
        evidence: {
          finding,
          version: report.version,
          reference: report.reference,
          current: report.current,
        },
      });
      this.raised.set(key, finding.severity);
    }
  }

  /** The bands already alerted, from the reports recorded before a restart. */
  private async restore(): Promise<void> {
    if (this.restored) return;
    this.restored = true;
    for (const report of await this.options.store.listDriftReports({})) {
      for (const finding of findingsOf(report))
        if (finding.severity !== 'none') this.raised.set(keyOf(report, finding.name), finding.severity);
    }
  }
}

/** The alert a drift check raises: `drift.<check>`, e.g. `drift.input.topic`. */
function alertName(check: string): string {
  return `drift.${check}`;
}

function keyOf(report: DriftReport, check: string): string {
  return [report.prompt, report.environment, report.version, check].join('\u0000');
}
