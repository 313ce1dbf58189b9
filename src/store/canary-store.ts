import { PromptOpsError } from '../errors.js';
import type { CanaryPlan } from '../monitor/canary-plan.js';
import type { IntervalJudgement, IntervalVerdict } from '../monitor/canary-verdict.js';
import type { Database } from './schema.js';
import type { StoreContext } from './store-context.js';

/** One judged interval of a canary analysis. */
export interface CanaryIntervalRecord {
  /** The release row (one per step) the interval belongs to. */
  release: string;
  step: number;
  weight: number;
  index: number;
  windowStart: string;
  windowEnd: string;
  verdict: IntervalVerdict;
  evidence: IntervalJudgement;
  at: string;
}

/** A canary analysis: its plan, where it stands and every interval judged so far. */
export interface CanaryStatus {
  analysis: string;
  prompt: string;
  environment: string;
  /** running, or how it ended: the kind of release that replaced it (rollback, promote, …). */
  state: 'running' | 'rolled back' | 'promoted' | 'ended';
  stable: number;
  canary: { version: number; weight: number };
  /** The change request the canary ships (a ramp re-releases it at the next weight). */
  changeRequest: number | null;
  /** The release row of the current (or last) step, and when its weight was set. */
  release: string;
  stepStartedAt: string;
  step: number;
  plan: CanaryPlan;
  failures: number;
  passesThisStep: number;
  intervals: CanaryIntervalRecord[];
}

export interface CanaryStatusFilter {
  prompt?: string;
  environment?: string;
}

/** What the analysis records about one interval. */
export type NewCanaryInterval = Omit<CanaryIntervalRecord, 'at'>;

type IntervalRow = Database['canary_intervals'];

/**
 * Canary analyses as the store keeps them: the plan on each canary release row (release-store.ts
 * writes it), and the judged intervals. Writes are idempotent per (release, interval), so two
 * analysers racing (which the leader lock prevents anyway) record one verdict.
 */
export class CanaryStore {
  static readonly operations = [
    'canaryStatus',
    'recordCanaryInterval',
  ] as const satisfies readonly (keyof CanaryStore)[];

  constructor(private readonly ctx: StoreContext) {}

  /**
   * The latest canary analysis of each prompt and environment (filtered), running or ended, with
   * its intervals oldest first.
   */
  async canaryStatus(filter: CanaryStatusFilter = {}): Promise<CanaryStatus[]> {
    const { db, project } = this.ctx;
    let query = db
      .selectFrom('releases')
      .selectAll()
      .where('project', '=', project)
      .where('analysis_id', 'is not', null);
    if (filter.prompt) query = query.where('prompt', '=', filter.prompt);
    if (filter.environment) query = query.where('environment', '=', filter.environment);
    const rows = await query.orderBy('at', 'desc').orderBy('seq', 'desc').execute();
    const latest = new Map<string, (typeof rows)[number]>();
    for (const row of rows) {
      const key = `${row.prompt}\u0000${row.environment}`;
      if (!latest.has(key)) latest.set(key, row);
    }
    const statuses: CanaryStatus[] = [];
    for (const row of latest.values()) {
      const analysis = row.analysis_id!;
      const intervals = (
        await db
          .selectFrom('canary_intervals')
          .selectAll()
          .where('project', '=', project)
          .where('analysis_id', '=', analysis)
          .orderBy('window_start')
          .orderBy('interval_index')
          .execute()
      ).map(toInterval);
      const next = row.active
        ? undefined
        : await db
            .selectFrom('releases')
            .select('kind')
            .where('project', '=', project)
            .where('prompt', '=', row.prompt)
            .where('environment', '=', row.environment)
            .where('seq', '>', row.seq)
            .orderBy('seq')
            .limit(1)
            .executeTakeFirst();
      const change = row.cr_id
        ? await db
            .selectFrom('change_requests')
            .select('number')
            .where('id', '=', row.cr_id)
            .executeTakeFirst()
        : undefined;
      const plan = JSON.parse(row.analysis_plan ?? 'null') as CanaryPlan;
      const weight = row.canary_weight ?? 0;
      statuses.push({
        analysis,
        prompt: row.prompt,
        environment: row.environment,
        state: row.active
          ? 'running'
          : next?.kind === 'rollback'
            ? 'rolled back'
            : next?.kind === 'promote'
              ? 'promoted'
              : 'ended',
        stable: row.version_number,
        canary: { version: row.canary_number ?? 0, weight },
        changeRequest: change?.number ?? null,
        release: row.id,
        stepStartedAt: row.at,
        step: plan.steps.indexOf(weight),
        plan,
        failures: intervals.filter((i) => i.verdict === 'fail').length,
        passesThisStep: intervals.filter((i) => i.release === row.id && i.verdict === 'pass').length,
        intervals,
      });
    }
    return statuses.sort(
      (a, b) => a.prompt.localeCompare(b.prompt) || a.environment.localeCompare(b.environment),
    );
  }

  /** Records an interval's verdict for a canary release; recording it twice keeps the first. */
  async recordCanaryInterval(input: NewCanaryInterval): Promise<CanaryIntervalRecord> {
    const { project } = this.ctx;
    return this.ctx.transact(async (trx) => {
      const release = await trx
        .selectFrom('releases')
        .select(['id', 'prompt', 'environment', 'canary_number', 'analysis_id'])
        .where('project', '=', project)
        .where('id', '=', input.release)
        .executeTakeFirst();
      if (!release?.analysis_id || release.canary_number === null) {
        throw new PromptOpsError(
          'PO_ERR_RELEASE_NOT_FOUND',
          `release ${input.release} is not a canary under analysis in project "${project}"; "promptops canary status" lists them`,
          { release: input.release },
        );
      }
      const row: IntervalRow = {
        project,
        analysis_id: release.analysis_id,
        release_id: release.id,
        prompt: release.prompt,
        environment: release.environment,
        canary_version: release.canary_number,
        step: input.step,
        weight: input.weight,
        interval_index: input.index,
        window_start: input.windowStart,
        window_end: input.windowEnd,
        verdict: input.verdict,
        evidence: JSON.stringify(input.evidence),
        at: this.ctx.now().toISOString(),
      };
      await trx
        .insertInto('canary_intervals')
        .values(row)
        .onConflict((oc) => oc.columns(['project', 'release_id', 'interval_index']).doNothing())
        .execute();
      const stored = await trx
        .selectFrom('canary_intervals')
        .selectAll()
        .where('project', '=', project)
        .where('release_id', '=', release.id)
        .where('interval_index', '=', input.index)
        .executeTakeFirstOrThrow();
      return toInterval(stored);
    });
  }
}

function toInterval(row: IntervalRow): CanaryIntervalRecord {
  return {
    release: row.release_id,
    step: row.step,
    weight: row.weight,
    index: row.interval_index,
    windowStart: row.window_start,
    windowEnd: row.window_end,
    verdict: row.verdict,
    evidence: JSON.parse(row.evidence) as IntervalJudgement,
    at: row.at,
  };
}
