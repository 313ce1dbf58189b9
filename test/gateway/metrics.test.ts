/**
 * `/metrics` of a real `promptops serve` (its embedded gateway) after real runs: executions by
 * outcome and arm, errors by code, guardrail verdicts, the review queue and the trace spool, in an
 * exposition the real `promtool check metrics` accepts, with no sticky key or trace id in it.
 */
import { spawnSync } from 'node:child_process';
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliJson, runCli, startListening, stopServe } from '../helpers.js';
import { useServedProject } from './served-project.js';

/** Whether `promtool` runs here; PROMPTOPS_REQUIRE_PROMTOOL=1 (CI) turns its absence into a failure. */
const hasPromtool = spawnSync('promtool', ['--version']).status === 0;
const requirePromtool = Boolean(process.env.PROMPTOPS_REQUIRE_PROMTOOL);

const SUPPORT_INPUT = { customer: { name: 'Ann', tier: 'pro' }, message: 'I was charged twice' };

/** What the tests read of a run's answer (a success or an error body). */
interface RunReply {
  traceId: string;
  arm: string;
  guardrails: { name: string; field: string | null }[];
  error: { code: string };
}

/** `promtool check metrics` on an exposition: exit 0 and no output when it has nothing to say. */
function promtool(text: string) {
  return spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
}

/** The value of the sample `name{labels}` (labels in the exposition's order), or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const selector = `${name}{${Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(',')}}`;
  const line = text.split('\n').find((l) => l.startsWith(`${selector} `));
  return line === undefined ? undefined : Number(line.slice(selector.length + 1));
}

describe('/metrics (serve with its embedded gateway)', () => {
  const served = useServedProject();
  const run = async (prompt: string, body: Record<string, unknown>) => {
    const { url, token } = served();
    const response = await fetch(`${url}/v1/run/${prompt}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as RunReply };
  };
  const scrape = async (token: string | null = served().token) => {
    const response = await fetch(`${served().url}/metrics`, {
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      text: await response.text(),
    };
  };

  it('refuses a scrape without a token: metrics are open only when promptops.yaml says metrics.public', async () => {
    const refused = await scrape(null);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.text).error.code, refused.text).toBe('PO_ERR_UNAUTHENTICATED');
  });

  it('counts runs by outcome, arm, error code and guardrail verdict, and leaves out who asked', async () => {
    const stickyKeys = Array.from({ length: 12 }, (_, i) => `sticky-user-${i}-7f3a`);
    const traceIds: string[] = [];
    const okVerdicts: { name: string; field: string | null }[] = [];
    for (const stickyKey of stickyKeys.slice(0, 2)) {
      const ok = await run('support-reply', { input: SUPPORT_INPUT, stickyKey });
      expect(ok.status, JSON.stringify(ok.json)).toBe(200);
      traceIds.push(ok.json.traceId);
      okVerdicts.push(...ok.json.guardrails);
    }
    const refused = await run('support-reply', { input: { customer: 'Ann' }, stickyKey: stickyKeys[2] });
    expect(refused.json.error.code).toBe('PO_ERR_CONTRACT_VIOLATION');
    const arms = { stable: 0, canary: 0 };
    for (const stickyKey of stickyKeys.slice(3)) {
      const greeted = await run('greet', { input: { name: 'Dana' }, stickyKey });
      expect(greeted.status).toBe(200);
      arms[greeted.json.arm as 'stable' | 'canary']++;
      traceIds.push(greeted.json.traceId);
    }
    expect(arms.stable).toBeGreaterThan(0);
    expect(arms.canary).toBeGreaterThan(0);
    const held = await run('held', { input: { text: 'Ann' }, stickyKey: stickyKeys[0] });
    expect(held.json.error.code).toBe('PO_ERR_REVIEW_PENDING');

    const { status, type, text } = await scrape();
    expect(status).toBe(200);
    expect(type).toContain('text/plain; version=0.0.4');
    const executions = (prompt: string, version: string, arm: string, status: string) =>
      sample(text, 'promptops_executions_total', { prompt, version, environment: 'production', arm, status });
    expect(executions('support-reply', '1', 'stable', 'ok')).toBe(2);
    expect(executions('support-reply', '1', 'stable', 'error')).toBe(1);
    expect(executions('greet', '1', 'stable', 'ok') ?? 0).toBe(arms.stable);
    expect(executions('greet', '2', 'canary', 'ok') ?? 0).toBe(arms.canary);
    expect(executions('held', '1', 'stable', 'held')).toBe(1);
    expect(
      sample(text, 'promptops_execution_errors_total', {
        prompt: 'support-reply',
        environment: 'production',
        arm: 'stable',
        code: 'PO_ERR_CONTRACT_VIOLATION',
      }),
    ).toBe(1);
    expect(
      sample(text, 'promptops_contract_rejections_total', {
        prompt: 'support-reply',
        environment: 'production',
      }),
    ).toBe(1);
    const injectionChecks = okVerdicts.filter((v) => v.name === 'prompt-injection').length;
    expect(injectionChecks).toBeGreaterThan(0);
    expect(
      sample(text, 'promptops_guardrail_checks_total', {
        prompt: 'support-reply',
        guardrail: 'prompt-injection',
        stage: 'input',
      }),
    ).toBe(injectionChecks);
    expect(
      sample(text, 'promptops_guardrail_violations_total', {
        prompt: 'held',
        guardrail: 'banned-terms',
        stage: 'output',
        action: 'escalate',
      }),
    ).toBe(1);
    expect(
      sample(text, 'promptops_execution_duration_seconds_count', {
        prompt: 'greet',
        environment: 'production',
        arm: 'canary',
      }),
    ).toBe(arms.canary);
    expect(
      sample(text, 'promptops_execution_stage_duration_seconds_count', {
        prompt: 'support-reply',
        environment: 'production',
        arm: 'stable',
        stage: 'model',
      }),
    ).toBe(3);
    // The first scrape reads the review queue (later ones within 5 s show what it read).
    expect(text).toMatch(/^promptops_review_queue_pending 1$/m);
    expect(text).toMatch(/^promptops_traces_enqueued_total 13$/m);
    expect(
      sample(text, 'promptops_http_requests_total', {
        method: 'POST',
        route: '/v1/run/:prompt',
        status: '200',
      }),
    ).toBe(11);
    for (const secret of [...stickyKeys, ...traceIds, 'Ann', 'Dana']) expect(text).not.toContain(secret);
  });

  it("serves a standalone gateway's metrics, without a token when promptops.yaml says metrics.public", async () => {
    const { url, dir } = served();
    const runtime = cliJson(
      await runCli(['token', 'create', '--subject', 'gw@acme.example', '--role', 'runtime', '--json'], {
        cwd: dir,
      }),
    ).token as string;
    await appendFile(path.join(dir, 'promptops.yaml'), 'metrics:\n  public: true\n');
    const gateway = await startListening(
      [
        'gateway',
        '--port',
        '0',
        '--environments',
        'production',
        '--state-dir',
        '.promptops/gw-metrics',
        '--log-level',
        'warn',
      ],
      dir,
      { PROMPTOPS_URL: url, PROMPTOPS_TOKEN: runtime },
    );
    try {
      const ran = await fetch(`${gateway.url}/v1/run/support-reply`, {
        method: 'POST',
        headers: { authorization: `Bearer ${runtime}`, 'content-type': 'application/json' },
        body: JSON.stringify({ input: SUPPORT_INPUT, stickyKey: 'gw-user-1' }),
      });
      expect(ran.status).toBe(200);
      const page = await fetch(`${gateway.url}/metrics`);
      expect(page.status).toBe(200);
      const text = await page.text();
      expect(
        sample(text, 'promptops_executions_total', {
          prompt: 'support-reply',
          version: '1',
          environment: 'production',
          arm: 'stable',
          status: 'ok',
        }),
      ).toBe(1);
      expect(
        sample(text, 'promptops_http_requests_total', {
          method: 'POST',
          route: '/v1/run/:prompt',
          status: '200',
        }),
      ).toBe(1);
      expect(text).not.toContain('gw-user-1');
      expect(text).not.toContain('promptops_review_queue_pending'); // the control plane's, not a gateway's
      if (hasPromtool) expect(promtool(text).status).toBe(0);
    } finally {
      await stopServe(gateway);
    }
  });

  it.skipIf(!hasPromtool && !requirePromtool)(
    `passes promtool check metrics${hasPromtool ? '' : ' (skipped: promtool is not installed; apt-get install prometheus)'}`,
    async () => {
      const { text } = await scrape();
      const checked = promtool(text);
      expect(
        checked.error,
        'promtool is required (PROMPTOPS_REQUIRE_PROMTOOL) but does not run',
      ).toBeUndefined();
      expect(`${checked.stdout}${checked.stderr}`).toBe('');
      expect(checked.status).toBe(0);
    },
  );
});
