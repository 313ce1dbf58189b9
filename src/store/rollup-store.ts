import {
  addValues,
  emptyValues,
  type RollupCell,
  type RollupKey,
  type RollupQuery,
  type RollupValues,
} from '../monitor/rollup.js';
import type { Database } from './schema.js';
import type { StoreContext, Tx } from './store-context.js';

/** Rows per multi-row insert: 9 parameters each stays far under both engines' limits. */
const CHUNK = 500;

/** The source feedback is added under (the feedback API writes it, not a gateway). */
export const FEEDBACK_SOURCE = 'feedback';

/** What `pruneTelemetry` deleted. */
export interface PruneCounts {
  traces: number;
  rollups: number;
}

/** A row's key columns. */
type RollupRow = Omit<Database['rollups'], 'values' | 'updated_at'>;

/**
 * Rollups: per-minute aggregates of executions, one row per writer (`source`). A gateway writes its
 * own cumulative values (`writeRollups`, absolute, so a repeated write changes nothing); feedback
 * and re-grading add to what is stored (`addRollups`). Reads sum the sources, so N gateways on one
 * database give one picture.
 */
export class RollupStore {
  /** The store methods this part serves. */
  static readonly operations = [
    'writeRollups',
    'addRollups',
    'readRollups',
    'pruneTelemetry',
  ] as const satisfies readonly (keyof RollupStore)[];

  constructor(private readonly ctx: StoreContext) {}

  /**
   * Stores `source`'s values of these cells, replacing what that source wrote before for the same
   * cells (other sources' rows are untouched). Cells repeated in the batch are summed first. One
   * transaction, chunked multi-row upserts. Over the API `writer` is the caller (the server fills it
   * in from the token) and the source is stored as `writer:source`: a token can only ever replace
   * the rows it wrote itself, never another gateway's, feedback's or re-grading's.
   */
  async writeRollups(source: string, cells: readonly RollupCell[], writer?: string): Promise<void> {
    if (cells.length === 0) return;
    if (writer !== undefined) source = `${writer}:${source}`;
    const updatedAt = this.ctx.now().toISOString();
    const rows = [...mergeByKey(cells).values()].map((cell) => ({
      ...this.rowKey(source, cell),
      values: JSON.stringify(cell.values),
      updated_at: updatedAt,
    }));
    const upserts = (db: Tx) => {
      const queries = [];
      for (let i = 0; i < rows.length; i += CHUNK) {
        queries.push(
          db
            .insertInto('rollups')
            .values(rows.slice(i, i + CHUNK))
            .onConflict((conflict) =>
              conflict.columns(KEY_COLUMNS).doUpdateSet((eb) => ({
                values: eb.ref('excluded.values'),
                updated_at: eb.ref('excluded.updated_at'),
              })),
            ),
        );
      }
      return queries;
    };
    const { runBatch } = this.ctx.engine;
    if (runBatch) {
      runBatch(upserts(this.ctx.db).map((q) => q.compile()));
      return;
    }
    // Each source writes only its own rows, and absolute values: no reads to serialise against.
    await this.ctx.db.transaction().execute(async (trx) => {
      for (const query of upserts(trx)) await query.execute();
    });
  }

  /**
   * Adds these values to what `source` has stored for the cells (a read-modify-write: on
   * PostgreSQL under row locks, so concurrent adds to one cell all count).
   */
  async addRollups(source: string, cells: readonly RollupCell[]): Promise<void> {
    if (cells.length === 0) return;
    // The rows locked: concurrent adds queue on the row instead of failing.
    await this.ctx.transactLocking((trx) => this.addInTransaction(trx, source, cells));
  }

  /**
   * `addRollups` inside a transaction the caller holds (recording feedback adds to its trace's cell
   * in the feedback's own transaction). Cells are locked in key order, so two adders never deadlock.
   */
  async addInTransaction(trx: Tx, source: string, cells: readonly RollupCell[]): Promise<void> {
    const merged = [...mergeByKey(cells).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const updatedAt = this.ctx.now().toISOString();
    for (const [, cell] of merged) {
      const key = this.rowKey(source, cell);
      // Make sure the row exists, so there is a row to lock (a first add has none yet).
      await trx
        .insertInto('rollups')
        .values({ ...key, values: JSON.stringify(emptyValues()), updated_at: updatedAt })
        .onConflict((conflict) => conflict.columns(KEY_COLUMNS).doNothing())
        .execute();
      let select = trx.selectFrom('rollups').select('values');
      for (const column of KEY_COLUMNS) select = select.where(column, '=', key[column]);
      if (this.ctx.engine.rowLocks) select = select.forUpdate();
      const stored = await select.executeTakeFirstOrThrow();
      const sum = addValues(addValues(emptyValues(), JSON.parse(stored.values)), cell.values);
      let update = trx.updateTable('rollups').set({ values: JSON.stringify(sum), updated_at: updatedAt });
      for (const column of KEY_COLUMNS) update = update.where(column, '=', key[column]);
      await update.execute();
    }
  }

  /** This project's cells in [from, to) that match the query, each summed over its sources. */
  async readRollups(query: RollupQuery): Promise<RollupCell[]> {
    let select = this.ctx.db
      .selectFrom('rollups')
      .select(['prompt', 'version_number', 'environment', 'arm', 'minute', 'values'])
      .where('project', '=', this.ctx.project)
      .where('minute', '>=', new Date(query.from).toISOString())
      .where('minute', '<', new Date(query.to).toISOString());
    if (query.prompt !== undefined) select = select.where('prompt', '=', query.prompt);
    if (query.version !== undefined) select = select.where('version_number', '=', query.version);
    if (query.environment !== undefined) select = select.where('environment', '=', query.environment);
    if (query.arm !== undefined) select = select.where('arm', '=', query.arm);
    const rows = await select.orderBy('minute').orderBy('prompt').orderBy('version_number').execute();
    const cells = new Map<string, RollupCell>();
    for (const row of rows) {
      const key: RollupKey = {
        prompt: row.prompt,
        version: row.version_number,
        environment: row.environment === '' ? null : row.environment,
        arm: row.arm === 'stable' || row.arm === 'canary' ? row.arm : null,
        minute: row.minute,
      };
      const id = keyId(key);
      let cell = cells.get(id);
      if (!cell) {
        cell = { ...key, values: emptyValues() };
        cells.set(id, cell);
      }
      addValues(cell.values, JSON.parse(row.values) as Partial<RollupValues>);
    }
    return [...cells.values()];
  }

  /**
   * Deletes this project's raw traces that started before `before.traces` and its rollups of
   * minutes before `before.rollups` (ISO-8601; either may be left out). Feedback rows are kept:
   * they are few, and their counts already live in the rollups.
   */
  async pruneTelemetry(before: { traces?: string; rollups?: string }): Promise<PruneCounts> {
    const counts: PruneCounts = { traces: 0, rollups: 0 };
    if (before.traces !== undefined) {
      const result = await this.ctx.db
        .deleteFrom('traces')
        .where('project', '=', this.ctx.project)
        .where('started_at', '<', new Date(before.traces).toISOString())
        .executeTakeFirst();
      counts.traces = Number(result.numDeletedRows);
    }
    if (before.rollups !== undefined) {
      const result = await this.ctx.db
        .deleteFrom('rollups')
        .where('project', '=', this.ctx.project)
        .where('minute', '<', new Date(before.rollups).toISOString())
        .executeTakeFirst();
      counts.rollups = Number(result.numDeletedRows);
    }
    return counts;
  }

  private rowKey(source: string, key: RollupKey): RollupRow {
    return {
      project: this.ctx.project,
      prompt: key.prompt,
      version_number: key.version,
      environment: key.environment ?? '',
      arm: key.arm ?? '',
      minute: new Date(key.minute).toISOString(),
      source,
    };
  }
}

const KEY_COLUMNS = [
  'project',
  'prompt',
  'version_number',
  'environment',
  'arm',
  'minute',
  'source',
] as const satisfies readonly (keyof RollupRow)[];

/** A cell's key as one string (the minute normalised), for grouping. */
export function keyId(key: RollupKey): string {
  return JSON.stringify([
    key.prompt,
    key.version,
    key.environment ?? '',
    key.arm ?? '',
    new Date(key.minute).toISOString(),
  ]);
}

/** The cells with repeated keys summed (the input is not changed). */
function mergeByKey(cells: readonly RollupCell[]): Map<string, RollupCell> {
  const merged = new Map<string, RollupCell>();
  for (const cell of cells) {
    const id = keyId(cell);
    const seen = merged.get(id);
    if (seen) addValues(seen.values, cell.values);
    else merged.set(id, { ...cell, values: addValues(emptyValues(), cell.values) });
  }
  return merged;
}
