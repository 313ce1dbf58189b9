import { describe, expect, it } from 'vitest';
import { analysisLeader, analysisLockKey } from '../../src/store/analysis-leader.js';
import { DATABASE_URL, POSTGRES_REACHABLE, withClient, withSchema } from './harness.js';

describe('the canary analysis leader', () => {
  it('on SQLite is always the one process serving the file', async () => {
    const leader = analysisLeader('sqlite:/tmp/registry.db', 'acme');
    expect(await leader.tryLead()).toBe(true);
    await leader.close();
  });

  it.skipIf(!POSTGRES_REACHABLE)(
    'on PostgreSQL is one of two contenders, and the other takes over when it goes',
    async () => {
      const url = withSchema(DATABASE_URL, `leader_${process.pid}`);
      const first = analysisLeader(url, 'acme');
      const second = analysisLeader(url, 'acme');
      const otherProject = analysisLeader(url, 'other');
      try {
        const [a, b] = await Promise.all([first.tryLead(), second.tryLead()]);
        expect([a, b].filter(Boolean)).toHaveLength(1);
        const [leader, follower] = a ? [first, second] : [second, first];
        // Leading is stable, and the follower keeps being refused while the leader holds the lock.
        expect(await leader.tryLead()).toBe(true);
        expect(await follower.tryLead()).toBe(false);
        // Another project's analysis has a lock of its own.
        expect(await otherProject.tryLead()).toBe(true);
        await leader.close();
        expect(await follower.tryLead()).toBe(true);
      } finally {
        await Promise.all([first.close(), second.close(), otherProject.close()]);
      }
    },
  );

  it.skipIf(!POSTGRES_REACHABLE)(
    'loses leadership when its connection is killed, so another server takes over',
    async () => {
      const schema = `leader_kill_${process.pid}`;
      const url = withSchema(DATABASE_URL, schema);
      const key = BigInt.asUintN(64, analysisLockKey(schema, 'acme'));
      const first = analysisLeader(url, 'acme');
      const second = analysisLeader(url, 'acme');
      try {
        expect(await first.tryLead()).toBe(true);
        expect(await second.tryLead()).toBe(false);
        // The leader's session dies (a crash, a network cut): the server drops its advisory locks.
        // A bigint advisory key shows in pg_locks as classid (high 32 bits) and objid (low 32 bits).
        await withClient(null, (client) =>
          client.query(
            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND classid::bigint = $1 AND objid::bigint = $2",
            [String(key >> 32n), String(key & 0xffffffffn)],
          ),
        );
        await expect.poll(() => second.tryLead(), { interval: 20, timeout: 5000 }).toBe(true);
        expect(await first.tryLead()).toBe(false);
      } finally {
        await Promise.all([first.close(), second.close()]);
      }
    },
  );
});
