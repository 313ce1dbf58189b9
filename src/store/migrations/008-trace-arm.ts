import type { Kysely } from 'kysely';

/**
 * The canary arm a gateway routed a run to, as a column so traces can be listed by arm. Traces
 * written before it have none (null), as runs no gateway routed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('traces').addColumn('arm', 'text').execute();
}
