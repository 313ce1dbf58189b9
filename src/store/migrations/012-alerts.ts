import type { Kysely } from 'kysely';

/**
 * Alerts and their webhook deliveries. An alert is open (firing or acknowledged) until resolved; at
 * most one is open per dedupe key, which a rule, a canary or a drift check derives from what it
 * watches, so a condition that persists updates its alert instead of raising (and notifying) again.
 * Each alert has one delivery per webhook it goes to: attempts so far, when the next is due, and
 * `dead` once it gave up (the dead-letter list that `promptops alerts redeliver` re-queues).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('prompt', 'text')
    .addColumn('environment', 'text')
    .addColumn('fired_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addColumn('acked_by', 'text')
    .addColumn('acked_at', 'text')
    .addColumn('note', 'text')
    .execute();
  await db.schema
    .createIndex('alerts_open_key')
    .on('alerts')
    .columns(['project', 'dedupe_key', 'status'])
    .execute();
  await db.schema.createIndex('alerts_fired').on('alerts').columns(['project', 'fired_at']).execute();
  await db.schema
    .createTable('alert_deliveries')
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('webhook', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'text')
    .addPrimaryKeyConstraint('alert_deliveries_pk', ['alert_id', 'webhook'])
    .execute();
  await db.schema
    .createIndex('alert_deliveries_due')
    .on('alert_deliveries')
    .columns(['project', 'status', 'next_attempt_at'])
    .execute();
}
