import type { DriftReport } from '../monitor/drift.js';
import { parseJson, type StoreContext } from './store-context.js';

/**
 * Drift reports: the drift monitor's last word on each prompt in each environment. Data about
 * runs, like rollups, so not audited; each new report replaces the one before it.
 */
export class DriftStore {
  /** The store methods this part serves. */
  static readonly operations = [
    'recordDriftReport',
    'listDriftReports',
  ] as const satisfies readonly (keyof DriftStore)[];

  constructor(private readonly ctx: StoreContext) {}

  /** Keeps `report` as the last one of its prompt and environment. */
  async recordDriftReport(report: DriftReport): Promise<void> {
    const row = {
      project: this.ctx.project,
      prompt: report.prompt,
      environment: report.environment,
      version_number: report.version,
      severity: report.severity,
      computed_at: report.computedAt,
      report: JSON.stringify(report),
    };
    await this.ctx.db
      .insertInto('drift_reports')
      .values(row)
      .onConflict((conflict) =>
        conflict.columns(['project', 'prompt', 'environment']).doUpdateSet({
          version_number: row.version_number,
          severity: row.severity,
          computed_at: row.computed_at,
          report: row.report,
        }),
      )
      .execute();
  }

  /** The last report of each prompt and environment, by prompt then environment. */
  async listDriftReports(filter: { prompt?: string; environment?: string } = {}): Promise<DriftReport[]> {
    let query = this.ctx.db
      .selectFrom('drift_reports')
      .select('report')
      .where('project', '=', this.ctx.project);
    if (filter.prompt !== undefined) query = query.where('prompt', '=', filter.prompt);
    if (filter.environment !== undefined) query = query.where('environment', '=', filter.environment);
    const rows = await query.orderBy('prompt').orderBy('environment').execute();
    return rows.map((r) => parseJson(r.report) as DriftReport);
  }
}
