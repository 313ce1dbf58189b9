import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { callModel } from '../../src/providers/call.js';
import { createProviderLookup } from '../../src/providers/index.js';
import type { ModelRequest } from '../../src/providers/types.js';
import { tempDir } from '../helpers.js';
import { fakeClockDeps, POLICY, recordingDeps, rejectionOf, settleOnFakeClock } from './support.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('promptops-offline-'));
});
afterEach(async () => {
  vi.useRealTimers();
  await cleanup();
});

function ask(user: string, prompt?: string): Omit<ModelRequest, 'model'> {
  return {
    messages: [
      { role: 'system', content: [{ text: 'You sort support tickets.' }] },
      { role: 'user', content: [{ text: user }] },
    ],
    config: {},
    format: 'text',
    ...(prompt ? { prompt: { name: prompt, hash: 'abc123' } } : {}),
  };
}

/** A lookup whose `offline` provider answers from `fixtures` (YAML text). */
async function scripted(fixtures: string) {
  await writeFile(path.join(dir, 'fixtures.yaml'), fixtures);
  return createProviderLookup({ offline: { type: 'offline', fixtures: 'fixtures.yaml' } }, dir, {});
}

describe('offline/echo', () => {
  it("labels the model's turns [assistant], as before messages became Dotprompt's", async () => {
    const lookup = createProviderLookup({ offline: { type: 'offline' } }, dir, {});
    const request = ask('Thanks');
    request.messages.splice(
      1,
      0,
      { role: 'user', content: [{ text: 'Hi' }] },
      { role: 'model', content: [{ text: 'Hello!' }] },
    );
    const result = await callModel(['offline/echo'], request, lookup, POLICY);
    expect(result.response.text).toBe(
      '[system]\nYou sort support tickets.\n\n[user]\nHi\n\n[assistant]\nHello!\n\n[user]\nThanks',
    );
  });

  it('answers with the rendered messages, with token estimates', async () => {
    const lookup = createProviderLookup({ offline: { type: 'offline' } }, dir, {});
    const result = await callModel(['offline/echo'], ask('My invoice is wrong'), lookup, POLICY);
    expect(result.model).toBe('offline/echo');
    expect(result.response.text).toBe('[system]\nYou sort support tickets.\n\n[user]\nMy invoice is wrong');
    expect(result.response.finishReason).toBe('stop');
    // about four characters a token
    expect(result.response.usage).toEqual({
      inputTokens:
        Math.ceil('You sort support tickets.'.length / 4) + Math.ceil('My invoice is wrong'.length / 4),
      outputTokens: Math.ceil(result.response.text.length / 4),
    });
  });

  it('rejects a model the offline provider does not have, without retrying', async () => {
    const lookup = createProviderLookup({ offline: { type: 'offline' } }, dir, {});
    const { deps, slept } = recordingDeps();
    const err = await rejectionOf(callModel(['offline/gpt-5'], ask('hi'), lookup, POLICY, deps));
    expect(err.code).toBe('PO_ERR_PROVIDER_REJECTED');
    expect(err.message).toContain('no model "gpt-5"');
    expect(slept).toEqual([]);
  });
});

describe('offline/scripted', () => {
  const RULES = `
rules:
  - when: { prompt: triage, contains: refund }
    respond: { json: { category: billing } }
  - when: { regex: "outage|down since \\\\d+" }
    respond: { text: technical }
  - when: { contains: password }
    respond: { text: security }
  - when: { prompt: triage }
    respond: { text: other }
`;

  it('answers from the first rule whose prompt and text match', async () => {
    const lookup = await scripted(RULES);
    const answer = async (user: string, prompt?: string) =>
      (await callModel(['offline/scripted'], ask(user, prompt), lookup, POLICY)).response.text;
    expect(await answer('refund, and reset my password', 'triage')).toBe('{"category":"billing"}');
    expect(await answer('refund, and reset my password', 'other-prompt')).toBe('security');
    expect(await answer('The API is down since 9', 'triage')).toBe('technical');
    expect(await answer('We have an outage')).toBe('technical');
    expect(await answer('reset my password')).toBe('security');
    expect(await answer('hello', 'triage')).toBe('other');
  });

  it('matches `contains` and `regex` against the user messages, ignoring case and the system prompt', async () => {
    const lookup = await scripted(`
rules:
  - when: { contains: Support Tickets }
    respond: { text: matched contains }
  - when: { regex: '^refund\\s+NOW' }
    respond: { text: matched regex }
  - respond: { text: fallback }
`);
    const answer = async (user: string) =>
      (await callModel(['offline/scripted'], ask(user), lookup, POLICY)).response.text;
    // The system prompt says "You sort support tickets." — that alone must not match.
    expect(await answer('hello')).toBe('fallback');
    expect(await answer('my SUPPORT TICKETS vanished')).toBe('matched contains');
    expect(await answer('Refund now, please')).toBe('matched regex');
    expect(await answer('I want a refund now')).toBe('fallback');
  });

  it('fails with a hint to add a rule when nothing matches, naming the prompt', async () => {
    const lookup = await scripted(RULES);
    const { deps, slept } = recordingDeps();
    const err = await rejectionOf(
      callModel(['offline/scripted'], ask('hello', 'summarize'), lookup, POLICY, deps),
    );
    expect(err.code).toBe('PO_ERR_PROVIDER_REJECTED');
    expect(err.message).toContain('no scripted answer matches this request for prompt summarize');
    expect(err.message).toContain('add a rule to the offline fixtures file');
    expect(slept).toEqual([]);
  });

  it('answers a `sequence` in turn and then repeats its last reply', async () => {
    const lookup = await scripted(`
rules:
  - sequence:
      - { text: first }
      - { text: second }
      - { json: [3] }
`);
    const texts: string[] = [];
    for (let i = 0; i < 5; i++) {
      texts.push((await callModel(['offline/scripted'], ask(`turn ${i}`), lookup, POLICY)).response.text);
    }
    expect(texts).toEqual(['first', 'second', '[3]', '[3]', '[3]']);
  });

  it('answers a `cycle` in turn, over and over (every third call fails here)', async () => {
    const lookup = await scripted(`
rules:
  - cycle:
      - { text: one }
      - { text: two }
      - { fail: rejected }
`);
    const outcomes: string[] = [];
    for (let i = 0; i < 7; i++) {
      outcomes.push(
        await callModel(['offline/scripted'], ask(`turn ${i}`), lookup, POLICY).then(
          (r) => r.response.text,
          (err: { code: string }) => err.code,
        ),
      );
    }
    expect(outcomes).toEqual([
      'one',
      'two',
      'PO_ERR_PROVIDER_REJECTED',
      'one',
      'two',
      'PO_ERR_PROVIDER_REJECTED',
      'one',
    ]);
  });

  it('retries a scripted 429 after its Retry-After, then answers', async () => {
    const lookup = await scripted(`
rules:
  - sequence:
      - { fail: rate-limited, retryAfterSeconds: 2 }
      - { text: fine now }
`);
    const { deps, slept } = recordingDeps();
    const result = await callModel(['offline/scripted'], ask('hi'), lookup, POLICY, deps);
    expect(result.response.text).toBe('fine now');
    expect(slept).toEqual([2_000]);
    expect(result.attempts).toMatchObject([
      { attempt: 1, error: { code: 'PO_ERR_PROVIDER_RATE_LIMITED' }, waitedMs: 2_000 },
      { attempt: 2 },
    ]);
  });

  it('backs off exponentially after a scripted 429 that gives no Retry-After', async () => {
    const lookup = await scripted(`
rules:
  - sequence:
      - { fail: rate-limited }
      - { fail: rate-limited }
      - { text: fine now }
`);
    const { deps, slept } = recordingDeps(0.5);
    const result = await callModel(['offline/scripted'], ask('hi'), lookup, POLICY, deps);
    expect(result.response.text).toBe('fine now');
    // Like an HTTP 429 without Retry-After: jittered backoff (0.5 × 100, 0.5 × 200), not 0 ms.
    expect(slept).toEqual([50, 100]);
  });

  it('retries scripted outages with backoff until they pass', async () => {
    const lookup = await scripted(`
rules:
  - sequence:
      - { fail: unavailable }
      - { fail: timeout }
      - { text: recovered }
`);
    const { deps, slept } = recordingDeps(1);
    const result = await callModel(['offline/scripted'], ask('hi'), lookup, POLICY, deps);
    expect(result.response.text).toBe('recovered');
    expect(slept).toEqual([100, 200]);
    expect(result.attempts.map((a) => a.error?.code ?? 'ok')).toEqual([
      'PO_ERR_PROVIDER_UNAVAILABLE',
      'PO_ERR_PROVIDER_TIMEOUT',
      'ok',
    ]);
  });

  it('gives up with PO_ERR_PROVIDER_UNAVAILABLE when the scripted outage lasts', async () => {
    const lookup = await scripted(`
rules:
  - respond: { fail: unavailable }
`);
    const { deps } = recordingDeps();
    const err = await rejectionOf(callModel(['offline/scripted'], ask('hi'), lookup, POLICY, deps));
    expect(err.code).toBe('PO_ERR_PROVIDER_UNAVAILABLE');
    expect(err.message).toContain('after 3 attempts');
  });

  it('does not retry a scripted rejection', async () => {
    const lookup = await scripted(`
rules:
  - sequence:
      - { fail: rejected }
      - { text: never reached }
`);
    const { deps, slept } = recordingDeps();
    const err = await rejectionOf(callModel(['offline/scripted'], ask('hi'), lookup, POLICY, deps));
    expect(err.code).toBe('PO_ERR_PROVIDER_REJECTED');
    expect(slept).toEqual([]);
  });

  it('times out a scripted slow answer after perTryTimeoutMs', async () => {
    const lookup = await scripted(`
rules:
  - respond: { text: too late, delayMs: 10000 }
`);
    const { deps } = fakeClockDeps();
    const err = await settleOnFakeClock(
      rejectionOf(
        callModel(
          ['offline/scripted'],
          ask('hi'),
          lookup,
          { ...POLICY, maxAttempts: 2, perTryTimeoutMs: 50 },
          deps,
        ),
      ),
    );
    expect(err.code).toBe('PO_ERR_PROVIDER_TIMEOUT');
    // both tries end at the 50 ms timeout, not at the scripted answer 10 s later
    const { attempts } = err.details as { attempts: { durationMs: number }[] };
    expect(attempts.map((a) => a.durationMs)).toEqual([50, 50]);
  });

  it('reports a fixtures file without a rules list', async () => {
    const lookup = await scripted('answers: []\n');
    const err = await rejectionOf(callModel(['offline/scripted'], ask('hi'), lookup, POLICY));
    expect(err.code).toBe('PO_ERR_PROVIDER_NOT_CONFIGURED');
    expect(err.message).toContain('fixtures.yaml must hold a "rules:" list');
  });

  it('reports a rule with none of respond, sequence or cycle', async () => {
    const lookup = await scripted('rules:\n  - when: { contains: hi }\n');
    const err = await rejectionOf(callModel(['offline/scripted'], ask('hi'), lookup, POLICY));
    expect(err.code).toBe('PO_ERR_PROVIDER_NOT_CONFIGURED');
    expect(err.message).toContain('rule 1 has none of respond, sequence or cycle');
  });

  it('reports a missing fixtures file', async () => {
    const lookup = createProviderLookup({ offline: { type: 'offline', fixtures: 'nope.yaml' } }, dir, {});
    const err = await rejectionOf(callModel(['offline/scripted'], ask('hi'), lookup, POLICY));
    expect(err.code).toBe('PO_ERR_PROVIDER_NOT_CONFIGURED');
    expect(err.message).toContain('cannot read the offline fixtures');
  });

  it('reports a fixtures file that is not valid YAML as a configuration error', async () => {
    const lookup = await scripted('rules:\n  - when: { contains: "unterminated }\n');
    const err = await rejectionOf(callModel(['offline/scripted'], ask('hi'), lookup, POLICY));
    expect(err.code).toBe('PO_ERR_PROVIDER_NOT_CONFIGURED');
    expect(err.message).toContain('fixtures.yaml');
  });

  it('reports an invalid regex in the fixtures as a configuration error', async () => {
    const lookup = await scripted(`
rules:
  - when: { regex: "refund(" }
    respond: { text: billing }
`);
    const err = await rejectionOf(callModel(['offline/scripted'], ask('refund'), lookup, POLICY));
    expect(err.code).toBe('PO_ERR_PROVIDER_NOT_CONFIGURED');
    expect(err.message).toContain('fixtures.yaml');
  });
});

describe('callModel time budget', () => {
  it('fails with PO_ERR_PROVIDER_TIMEOUT when no time is left for a first attempt', async () => {
    const lookup = createProviderLookup({ offline: { type: 'offline' } }, dir, {});
    const err = await rejectionOf(
      callModel(['offline/echo'], ask('hi'), lookup, { ...POLICY, totalTimeoutMs: 0 }),
    );
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('PO_ERR_PROVIDER_TIMEOUT');
  });
});
