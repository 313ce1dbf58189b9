/**
 * How a gateway keeps its snapshots (src/gateway/snapshots.ts): it follows the control plane, keeps
 * serving what it had while reads fail, and writes each snapshot as last-known-good so a gateway
 * restarted during an outage serves at once.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PromptSpec } from '../../src/catalog/spec.js';
import { ServedPrompts } from '../../src/gateway/served.js';
import { type SnapshotFetch, SnapshotFollower } from '../../src/gateway/snapshots.js';
import type { EnvironmentSnapshot } from '../../src/governance/environment-snapshot.js';

const snapshot = (revision: number, number = revision): EnvironmentSnapshot => ({
  environment: 'production',
  revision,
  prompts: [
    {
      prompt: 'support-reply',
      stable: {
        number,
        hash: String(number).repeat(64).slice(0, 64),
        spec: { name: 'support-reply' } as PromptSpec,
      },
      canary: null,
    },
  ],
});

/** A control plane the test drives: what it answers next, or that it is down. */
function controlPlane() {
  const state = { current: snapshot(1), isDown: false, reads: 0 };
  const fetch: SnapshotFetch = async (_environment, known) => {
    state.reads++;
    if (state.isDown) throw new Error('connect ECONNREFUSED');
    return state.current.revision === known ? null : state.current;
  };
  return { state, fetch };
}

const fast = { pollMs: 5, backoff: { initialMs: 5, maxMs: 20 } };

describe('SnapshotFollower', () => {
  let dir: string;
  const followers: SnapshotFollower[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'promptops-snapshots-'));
  });
  afterEach(async () => {
    await Promise.all(followers.splice(0).map((f) => f.stop()));
    await rm(dir, { recursive: true, force: true });
  });
  const follow = (fetch: SnapshotFetch, served = new ServedPrompts('acme')) => {
    const follower = new SnapshotFollower({
      environments: ['production'],
      served,
      fetch,
      stateDir: dir,
      project: 'acme',
      ...fast,
    });
    followers.push(follower);
    return { follower, served };
  };
  const until = async (condition: () => boolean) => {
    for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
    expect(condition()).toBe(true);
  };

  it('serves the control plane’s snapshot and each newer one, and keeps it on disk', async () => {
    const cp = controlPlane();
    const { follower, served } = follow(cp.fetch);
    await follower.start();
    expect(await follower.ready(2_000)).toBe(true);
    expect(served.pick('support-reply', 'production').record.number).toBe(1);
    cp.state.current = snapshot(2);
    await until(() => served.snapshot('production')?.revision === 2);
    expect(served.pick('support-reply', 'production').record.number).toBe(2);
    const saved = JSON.parse(await readFile(path.join(dir, 'snapshot-production.json'), 'utf8'));
    expect(saved).toMatchObject({ project: 'acme', snapshot: { revision: 2 } });
    expect(follower.environments()[0]).toMatchObject({
      revision: 2,
      source: 'control-plane',
      consecutiveFailures: 0,
    });
  });

  it('keeps serving what it had while the control plane is down, and catches up when it is back', async () => {
    const cp = controlPlane();
    const { follower, served } = follow(cp.fetch);
    await follower.start();
    await follower.ready(2_000);
    cp.state.isDown = true;
    cp.state.current = snapshot(5);
    await until(() => follower.environments()[0]!.consecutiveFailures >= 2);
    expect(served.pick('support-reply', 'production').record.number).toBe(1);
    expect(follower.environments()[0]!.lastError).toContain('ECONNREFUSED');
    cp.state.isDown = false;
    await until(() => served.snapshot('production')?.revision === 5);
    expect(follower.environments()[0]).toMatchObject({ consecutiveFailures: 0, lastError: null });
  });

  it('starts from the last-known-good file when the control plane is down at start', async () => {
    const cp = controlPlane();
    const first = follow(cp.fetch);
    await first.follower.start();
    await first.follower.ready(2_000);
    await first.follower.stop();

    cp.state.isDown = true;
    const restarted = follow(cp.fetch);
    await restarted.follower.start();
    expect(restarted.follower.isReady()).toBe(true);
    expect(restarted.served.pick('support-reply', 'production').record.number).toBe(1);
    expect(restarted.follower.environments()[0]).toMatchObject({
      source: 'last-known-good',
      lastContactAt: null,
    });
  });

  it('ignores a damaged file or one of another project, and waits for the control plane instead', async () => {
    await writeFile(path.join(dir, 'snapshot-production.json'), '{"project":"acme","snapshot":');
    const cp = controlPlane();
    cp.state.isDown = true;
    const damaged = follow(cp.fetch);
    await damaged.follower.start();
    expect(damaged.follower.isReady()).toBe(false);
    await damaged.follower.stop();

    await writeFile(
      path.join(dir, 'snapshot-production.json'),
      JSON.stringify({ project: 'other', snapshot: snapshot(9) }),
    );
    const foreign = follow(cp.fetch);
    await foreign.follower.start();
    expect(foreign.follower.isReady()).toBe(false);
    cp.state.isDown = false;
    expect(await foreign.follower.ready(2_000)).toBe(true);
    expect(foreign.served.snapshot('production')?.revision).toBe(1);
  });
});
