/**
 * `promptops serve`'s control plane, started in this process on a clock the test moves: a faulty
 * canary is judged and rolled back as soon as the clock passes its first interval, with no minute
 * of real waiting. The browser scenario (test/web/console.test.ts) stands on this.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlane } from '../../src/server/control-plane.js';
import { cliJson } from '../helpers.js';
import { POSTGRES_REACHABLE } from '../store/harness.js';
import {
  type ConsoleProject,
  consoleProject,
  damagedOrderTraffic,
  type MovableClock,
  movableClock,
  nextMinute,
  openChangeRequest,
  startConsole,
} from '../web/harness.js';

describe.skipIf(!POSTGRES_REACHABLE)('a control plane on an injected clock (PostgreSQL)', () => {
  let project: ConsoleProject;
  let plane: ControlPlane;
  let clock: MovableClock;

  beforeAll(async () => {
    project = await consoleProject();
    clock = movableClock();
    plane = await startConsole(project, { clock });
  }, 120_000);

  afterAll(async () => {
    await plane?.close();
    await project?.cleanup();
  });

  const must = async (who: Parameters<ConsoleProject['cli']>[0], args: string[]) => {
    const result = await project.cli(who, args, plane);
    expect(result.code, `promptops ${args.join(' ')}: ${result.stdout}${result.stderr}`).toBe(0);
    return result;
  };

  it('rolls a canary that fails a third of its calls back once the clock passes its interval', async () => {
    // An hour ahead of the system clock from the start: the release's time is the store's, on this clock.
    clock.advance(3_600_000);
    const number = String(await openChangeRequest(project, plane));
    await must('reviewer', ['change', 'approve', number]);
    await must('releaser', ['release', number, '--env', 'production', '--canary', '50']);

    // The first whole minute after the release is the first interval: the traffic runs inside it.
    const first = nextMinute(clock());
    clock.jumpTo(new Date(first.getTime() + 5_000));
    const statuses = await damagedOrderTraffic(plane, project.tokens.app, 90);
    expect(statuses.filter((s) => s !== 200).length).toBeGreaterThan(0);
    await plane.gateway.rollups.flush();
    expect((await status()).state).toBe('running');

    // Past the interval's end and the settling margin (a flush and 5 s): the next tick judges it.
    clock.jumpTo(new Date(first.getTime() + 60_000 + 6_000));
    const deadline = Date.now() + 30_000;
    while ((await status()).state === 'running' && Date.now() < deadline) await sleep(200);

    const judged = await status();
    expect(judged.state).toBe('rolled back');
    expect(judged.intervals[0]?.verdict).toBe('fail');
    expect(judged.intervals[0]?.windowStart).toBe(first.toISOString());
    const releases = cliJson(
      await must('releaser', ['releases', 'support-reply', '--env', 'production', '--json']),
    ).releases as { kind: string; actor: string; notes: string | null }[];
    const rollback = releases.find((r) => r.kind === 'rollback');
    expect(rollback?.actor).toBe('promptops-analysis');
    expect(rollback?.notes).toMatch(/rolled back by analysis: 1 failed interval/);
  }, 120_000);

  async function status() {
    const [analysis] = await plane.store
      .forProject(plane.project)
      .canaryStatus({ prompt: 'support-reply', environment: 'production' });
    if (!analysis) throw new Error('no canary analysis of support-reply in production');
    return analysis;
  }
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
