import { randomUUID } from 'node:crypto';
import { PromptOpsError } from '../errors.js';
import type { AuditLog } from './audit-log.js';
import type { Database } from './schema.js';
import { parseJson, type StoreContext, type Tx } from './store-context.js';
import type {
  AlertDelivery,
  AlertFilter,
  AlertRecord,
  DeliveryOutcome,
  DueDelivery,
  NewAlert,
  RaisedAlert,
} from './types.js';

type AlertRow = Database['alerts'];
type DeliveryRow = Database['alert_deliveries'];

/** Statuses of an alert that is still open: raising its dedupe key again updates it. */
const OPEN = ['firing', 'acknowledged'] as const;
/** Deliveries a worker tick takes at most; the rest wait for the next tick. */
const DUE_BATCH = 100;

/**
 * Alerts and their deliveries to webhooks. Raising is idempotent per dedupe key while an alert is
 * open, so a condition that persists notifies once. Alerts themselves are records of what happened
 * at runtime, like traces; what people do with them (acknowledging, redelivering) is audited.
 */
export class AlertStore {
  /** The store methods this part serves. */
  static readonly operations = [
    'raiseAlert',
    'resolveAlert',
    'listAlerts',
    'ackAlert',
    'redeliverAlert',
    'dueDeliveries',
    'settleDelivery',
  ] as const satisfies readonly (keyof AlertStore)[];

  constructor(
    private readonly ctx: StoreContext,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Raises an alert: a new one (with a pending delivery to each of `input.webhooks`, due at once)
   * when none with its dedupe key is open, else the open one updated (severity, summary, evidence)
   * with no new delivery.
   */
  async raiseAlert(input: NewAlert): Promise<RaisedAlert> {
    return this.ctx.transact(async (trx) => {
      const open = await this.openByKey(trx, input.dedupeKey);
      if (open) {
        const update = {
          severity: input.severity,
          summary: input.summary,
          evidence: JSON.stringify(input.evidence ?? null),
          updated_at: input.at,
        };
        await trx.updateTable('alerts').set(update).where('id', '=', open.id).execute();
        return { alert: toAlert({ ...open, ...update }, await deliveriesOf(trx, open.id)), isNew: false };
      }
      const row: AlertRow = {
        id: randomUUID(),
        project: this.ctx.project,
        source: input.source,
        name: input.name,
        dedupe_key: input.dedupeKey,
        severity: input.severity,
        status: 'firing',
        summary: input.summary,
        evidence: JSON.stringify(input.evidence ?? null),
        prompt: input.prompt ?? null,
        environment: input.environment ?? null,
        fired_at: input.at,
        updated_at: input.at,
        resolved_at: null,
        acked_by: null,
        acked_at: null,
        note: null,
      };
      await trx.insertInto('alerts').values(row).execute();
      const deliveries: DeliveryRow[] = [...new Set(input.webhooks)].map((webhook) => ({
        alert_id: row.id,
        project: this.ctx.project,
        webhook,
        attempts: 0,
        next_attempt_at: input.at,
        status: 'pending',
        last_error: null,
        delivered_at: null,
      }));
      if (deliveries.length > 0) await trx.insertInto('alert_deliveries').values(deliveries).execute();
      return { alert: toAlert(row, deliveries), isNew: true };
    });
  }

  /** Resolves the open alert with this dedupe key (the condition cleared); null when none is open. */
  async resolveAlert(dedupeKey: string, at: string): Promise<AlertRecord | null> {
    return this.ctx.transact(async (trx) => {
      const open = await this.openByKey(trx, dedupeKey);
      if (!open) return null;
      const update = { status: 'resolved' as const, resolved_at: at, updated_at: at };
      await trx.updateTable('alerts').set(update).where('id', '=', open.id).execute();
      return toAlert({ ...open, ...update }, await deliveriesOf(trx, open.id));
    });
  }

  /**
   * Alerts, newest first: open ones (firing or acknowledged) unless `status` says otherwise; with
   * `deadLetters`, only those with a delivery that gave up.
   */
  async listAlerts(filter: AlertFilter = {}): Promise<AlertRecord[]> {
    let query = this.ctx.db.selectFrom('alerts').selectAll().where('project', '=', this.ctx.project);
    const status = filter.status ?? (filter.deadLetters ? 'all' : 'open');
    if (status === 'open') query = query.where('status', 'in', OPEN);
    else if (status !== 'all') query = query.where('status', '=', status);
    if (filter.deadLetters) {
      query = query.where('id', 'in', (sub) =>
        sub
          .selectFrom('alert_deliveries')
          .select('alert_id')
          .where('project', '=', this.ctx.project)
          .where('status', '=', 'dead'),
      );
    }
    const rows = await query
      .orderBy('fired_at', 'desc')
      .orderBy('id')
      .limit(filter.limit ?? 50)
      .execute();
    return this.withDeliveries(rows);
  }

  /** Acknowledges an open alert: someone is on it. It stays open until its condition clears (rules, drift). */
  async ackAlert(id: string, note: string | undefined, actor: string): Promise<AlertRecord> {
    return this.ctx.transact(async (trx) => {
      const row = await this.alertOrRefuse(trx, id);
      if (row.status === 'resolved') {
        throw new PromptOpsError(
          'PO_ERR_ALERT_RESOLVED',
          `alert ${id} (${row.name}) was resolved at ${row.resolved_at}; there is nothing to acknowledge`,
          { id },
        );
      }
      const update = {
        status: 'acknowledged' as const,
        acked_by: actor,
        acked_at: this.ctx.now().toISOString(),
        note: note ?? row.note,
      };
      const entry = {
        actor,
        action: 'alert.ack',
        target: `alert:${id}`,
        before: { status: row.status },
        after: { status: update.status, note: update.note },
        at: update.acked_at,
      };
      return this.audit.audited(trx, entry, async () => {
        await trx.updateTable('alerts').set(update).where('id', '=', id).execute();
        return toAlert({ ...row, ...update }, await deliveriesOf(trx, id));
      });
    });
  }

  /**
   * Re-queues an alert's dead deliveries (attempts start over, due at once); the alert with its
   * deliveries. An alert with no dead delivery is answered as it is.
   */
  async redeliverAlert(id: string, actor: string): Promise<AlertRecord> {
    return this.ctx.transact(async (trx) => {
      const row = await this.alertOrRefuse(trx, id);
      const dead = (await deliveriesOf(trx, id)).filter((d) => d.status === 'dead').map((d) => d.webhook);
      if (dead.length === 0) return toAlert(row, await deliveriesOf(trx, id));
      const entry = {
        actor,
        action: 'alert.redeliver',
        target: `alert:${id}`,
        before: { dead },
        after: { pending: dead },
        at: this.ctx.now().toISOString(),
      };
      return this.audit.audited(trx, entry, async () => {
        await trx
          .updateTable('alert_deliveries')
          // Due at once: next_attempt_at stays the time it died, which has passed for any worker's clock.
          .set({ status: 'pending', attempts: 0 })
          .where('alert_id', '=', id)
          .where('status', '=', 'dead')
          .execute();
        return toAlert(row, await deliveriesOf(trx, id));
      });
    });
  }

  /** Pending deliveries due at `at` (ISO), oldest first (at most 100), each with its alert. */
  async dueDeliveries(at: string): Promise<DueDelivery[]> {
    const rows = await this.ctx.db
      .selectFrom('alert_deliveries')
      .selectAll()
      .where('project', '=', this.ctx.project)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', at)
      .orderBy('next_attempt_at')
      .orderBy('alert_id')
      .orderBy('webhook')
      .limit(DUE_BATCH)
      .execute();
    if (rows.length === 0) return [];
    const alerts = await this.ctx.db
      .selectFrom('alerts')
      .selectAll()
      .where('project', '=', this.ctx.project)
      .where('id', 'in', [...new Set(rows.map((r) => r.alert_id))])
      .execute();
    const byId = new Map(alerts.map((a) => [a.id, a]));
    return rows.flatMap((row) => {
      const alert = byId.get(row.alert_id);
      return alert ? [{ delivery: toDelivery(row), alert: toAlert(alert, []) }] : [];
    });
  }

  /** Records what an attempt to deliver came to. */
  async settleDelivery(outcome: DeliveryOutcome): Promise<void> {
    await this.ctx.db
      .updateTable('alert_deliveries')
      .set({
        status: outcome.status,
        attempts: outcome.attempts,
        next_attempt_at: outcome.nextAttemptAt,
        last_error: outcome.lastError ?? null,
        delivered_at: outcome.deliveredAt ?? null,
      })
      .where('project', '=', this.ctx.project)
      .where('alert_id', '=', outcome.alertId)
      .where('webhook', '=', outcome.webhook)
      .execute();
  }

  /** The open alert (firing or acknowledged) with this dedupe key, if any. */
  private openByKey(trx: Tx, dedupeKey: string): Promise<AlertRow | undefined> {
    return trx
      .selectFrom('alerts')
      .selectAll()
      .where('project', '=', this.ctx.project)
      .where('dedupe_key', '=', dedupeKey)
      .where('status', 'in', OPEN)
      .executeTakeFirst();
  }

  /** The alert `id` of this project; PO_ERR_ALERT_NOT_FOUND when there is none. */
  private async alertOrRefuse(trx: Tx, id: string): Promise<AlertRow> {
    const row = await trx
      .selectFrom('alerts')
      .selectAll()
      .where('project', '=', this.ctx.project)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound(id, this.ctx.project);
    return row;
  }

  private async withDeliveries(rows: AlertRow[]): Promise<AlertRecord[]> {
    if (rows.length === 0) return [];
    const deliveries = await this.ctx.db
      .selectFrom('alert_deliveries')
      .selectAll()
      .where('project', '=', this.ctx.project)
      .where(
        'alert_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('webhook')
      .execute();
    return rows.map((row) =>
      toAlert(
        row,
        deliveries.filter((d) => d.alert_id === row.id),
      ),
    );
  }
}

function deliveriesOf(trx: Tx, alertId: string): Promise<DeliveryRow[]> {
  return trx.selectFrom('alert_deliveries').selectAll().where('alert_id', '=', alertId).execute();
}

function notFound(id: string, project: string): PromptOpsError {
  return new PromptOpsError(
    'PO_ERR_ALERT_NOT_FOUND',
    `no alert ${id} in project "${project}"; "promptops alerts ls --status all" lists them`,
    { id },
  );
}

function toDelivery(row: DeliveryRow): AlertDelivery {
  return {
    alertId: row.alert_id,
    webhook: row.webhook,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
  };
}

function toAlert(row: AlertRow, deliveries: readonly DeliveryRow[]): AlertRecord {
  return {
    id: row.id,
    source: row.source,
    name: row.name,
    dedupeKey: row.dedupe_key,
    severity: row.severity,
    status: row.status,
    summary: row.summary,
    evidence: parseJson(row.evidence),
    prompt: row.prompt,
    environment: row.environment,
    firedAt: row.fired_at,
    updatedAt: row.updated_at,
    resolvedAt: row.resolved_at,
    ackedBy: row.acked_by,
    ackedAt: row.acked_at,
    note: row.note,
    deliveries: [...deliveries].sort((a, b) => a.webhook.localeCompare(b.webhook)).map(toDelivery),
  };
}
