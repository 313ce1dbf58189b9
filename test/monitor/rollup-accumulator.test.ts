/** The gateway's in-memory rollups: what each trace counts, flushes, retries and letting go. */
import { describe, expect, it } from 'vitest';
import {
  CATEGORY_MAX_CHARS,
  countInputs,
  inputBin,
  MAX_CATEGORIES,
  OTHER,
} from '../../src/monitor/input-bins.js';
import { latencySlot, outputLengthSlot, type RollupCell } from '../../src/monitor/rollup.js';
import { answerLength, RollupAccumulator, wasContractChecked } from '../../src/monitor/rollup-accumulator.js';
import { isSampled, unitOf } from '../../src/monitor/sampling.js';
import type { Trace } from '../../src/observe/trace.js';
import { manualClock, traceRecord } from '../store/fixtures.js';

const T0 = '2026-12-07T10:00:00.000Z';

function trace(id: string, over: Partial<Trace> = {}): Trace {
  return traceRecord(id, {
    environment: 'production',
    startedAt: '2026-12-07T10:00:12.345Z',
    timings: { resolve: 0, validate: 0, guardrails: 0, render: 0, model: 90, output: 0, total: 100 },
    usage: { inputTokens: 30, outputTokens: 7 },
    costUsd: 0.002,
    output: 'Here is the summary.',
    ...over,
  });
}

const outputGuardrail = {
  name: 'banned-terms',
  action: 'block' as const,
  isViolation: true,
  score: 1,
  reasons: ['banned'],
  spans: [],
  field: null,
};

/** An accumulator whose writes land in `written` (or fail while `failing` is set). */
function harness() {
  const clock = manualClock(T0);
  const written: { source: string; cells: RollupCell[] }[] = [];
  const state = { failing: false };
  const acc = new RollupAccumulator({
    source: 'gw-test',
    clock: clock.now,
    flushMs: 0,
    write: async (source, cells) => {
      if (state.failing) throw new Error('store down');
      written.push({ source, cells });
    },
  });
  return { acc, clock, written, state };
}

describe('RollupAccumulator', () => {
  it('counts every field of scripted traces in their cell', async () => {
    const { acc, written } = harness();
    acc.observe(
      trace('ok-1', { input: { lang: 'en', text: 'x'.repeat(150), n: 42, urgent: true, tags: ['a', 'b'] } }),
    );
    acc.observe(
      trace('refused', { output: "I'm sorry, but I can't help with that.", input: { lang: 'de' } }),
    );
    acc.observe(
      trace('blocked', {
        status: 'error',
        error: { code: 'PO_ERR_GUARDRAIL_BLOCKED', message: 'blocked' },
        output: null,
        guardrails: [outputGuardrail],
        timings: { resolve: 0, validate: 0, guardrails: 0, render: 0, model: 900, output: 0, total: 1000 },
      }),
    );
    acc.observe(
      trace('invalid', {
        status: 'error',
        error: { code: 'PO_ERR_OUTPUT_INVALID', message: 'bad json' },
        output: '{not json',
        reasks: 1,
        costUsd: null,
      }),
    );
    acc.observe(
      trace('input-rejected', {
        status: 'error',
        error: { code: 'PO_ERR_CONTRACT_VIOLATION', message: 'too long' },
        output: null,
        usage: { inputTokens: 0, outputTokens: 0 },
        costUsd: null,
      }),
    );
    acc.observe(
      trace('held', {
        status: 'held',
        error: { code: 'PO_ERR_REVIEW_PENDING', message: 'held' },
        output: null,
      }),
    );
    await acc.flush();
    expect(written).toHaveLength(1);
    expect(written[0]!.source).toBe('gw-test');
    const [cell] = written[0]!.cells;
    expect(cell).toMatchObject({
      prompt: 'summarize',
      version: 1,
      environment: 'production',
      arm: null,
      minute: T0,
    });
    const v = cell!.values;
    expect(v).toMatchObject({
      requests: 6,
      errors: 3,
      blocked: 1,
      held: 1,
      // ok-1, refused (answers), blocked (stopped by an output guardrail, so past the check), invalid.
      schemaChecked: 4,
      schemaValid: 3,
      refusals: 1,
      errorCodes: {
        PO_ERR_GUARDRAIL_BLOCKED: 1,
        PO_ERR_OUTPUT_INVALID: 1,
        PO_ERR_CONTRACT_VIOLATION: 1,
        PO_ERR_REVIEW_PENDING: 1,
      },
      inputTokens: 150,
      outputTokens: 35,
    });
    expect(v.costUsd).toBeCloseTo(0.002 * 4, 10);
    // The canary analysis compares mean cost with a Welch test: it needs the sum of squares too.
    expect(v.costSquaresSum).toBeCloseTo(0.002 ** 2 * 4, 12);
    expect(v.latencySumMs).toBe(100 * 5 + 1000);
    expect(v.latency[latencySlot(100)]).toBe(5);
    expect(v.latency[latencySlot(1000)]).toBe(1);
    expect(v.latency.reduce((a, b) => a + b, 0)).toBe(6);
    // Answers with text: ok-1 (20 chars), refused (38), invalid (9).
    expect(v.outputLength[outputLengthSlot(20)]).toBe(2);
    expect(v.outputLength[outputLengthSlot(38)]).toBe(1);
    expect(v.outputLength.reduce((a, b) => a + b, 0)).toBe(3);
    expect(v.inputs).toEqual({
      lang: { en: 1, de: 1 },
      text: { 'len≤200': 1 },
      n: { '+1e1': 1 },
      urgent: { true: 1 },
      tags: { 'items≤2': 1 },
    });
  });

  it('keeps cells apart by prompt, version, environment, arm and minute', async () => {
    const { acc, written } = harness();
    acc.observe(trace('a'));
    acc.observe(trace('b', { arm: 'canary' }));
    acc.observe(trace('c', { version: { number: 2, hash: 'b'.repeat(64) } }));
    acc.observe(trace('d', { environment: null }));
    acc.observe(trace('e', { startedAt: '2026-12-07T10:01:00.000Z' }));
    acc.observe(trace('f', { prompt: 'translate' }));
    acc.observe(trace('g'));
    await acc.flush();
    const cells = written[0]!.cells;
    expect(cells).toHaveLength(6);
    expect(
      cells.map((c) => [c.prompt, c.version, c.environment, c.arm, c.minute, c.values.requests]),
    ).toEqual([
      ['summarize', 1, 'production', null, T0, 2],
      ['summarize', 1, 'production', 'canary', T0, 1],
      ['summarize', 2, 'production', null, T0, 1],
      ['summarize', 1, null, null, T0, 1],
      ['summarize', 1, 'production', null, '2026-12-07T10:01:00.000Z', 1],
      ['translate', 1, 'production', null, T0, 1],
    ]);
  });

  it('writes only what changed, as cumulative values, and retries a failed write at the next flush', async () => {
    const { acc, written, state } = harness();
    acc.observe(trace('a'));
    await acc.flush();
    await acc.flush();
    expect(written).toHaveLength(1);
    acc.observe(trace('b'));
    state.failing = true;
    await expect(acc.flush()).rejects.toThrow('store down');
    acc.observe(trace('c'));
    state.failing = false;
    await acc.flush();
    expect(written.map((w) => w.cells.map((c) => c.values.requests))).toEqual([[1], [3]]);
  });

  it('writes many cells in chunks; a failed chunk is written again with the ones after it', async () => {
    const sizes: number[] = [];
    let calls = 0;
    const acc = new RollupAccumulator({
      clock: manualClock(T0).now,
      flushMs: 0,
      write: async (_source, cells) => {
        calls++;
        if (calls === 5) throw new Error('store down');
        sizes.push(cells.length);
      },
    });
    for (let i = 0; i < 4500; i++) acc.observe(trace(`t-${i}`, { prompt: `p-${i}` }));
    await acc.flush();
    expect(sizes).toEqual([2000, 2000, 500]);
    for (let i = 0; i < 4500; i++) acc.observe(trace(`u-${i}`, { prompt: `p-${i}` }));
    // The second chunk of this flush fails: it and the third are written at the next flush.
    await expect(acc.flush()).rejects.toThrow('store down');
    await acc.flush();
    expect(sizes).toEqual([2000, 2000, 500, 2000, 2000, 500]);
  });

  it('a trace counted during a write is written at the next flush', async () => {
    const clock = manualClock(T0);
    const written: number[] = [];
    const acc: RollupAccumulator = new RollupAccumulator({
      clock: clock.now,
      flushMs: 0,
      write: async (_source, cells) => {
        written.push(cells[0]!.values.requests);
        // A request finishing while the write is on its way.
        if (written.length === 1) acc.observe(trace('during'));
      },
    });
    acc.observe(trace('before'));
    await acc.flush();
    await acc.flush();
    expect(written).toEqual([1, 2]);
  });

  it('lets written cells go two minutes after their minute; a later trace of a gone minute counts now', async () => {
    const { acc, clock, written } = harness();
    acc.observe(trace('a'));
    clock.set('2026-12-07T10:02:30.000Z');
    await acc.flush();
    expect(acc.size).toBe(1);
    clock.set('2026-12-07T10:03:00.000Z');
    await acc.flush();
    expect(acc.size).toBe(0);
    // A slow request that started at 10:00 and ends now: its cell is gone, so it counts in 10:03.
    acc.observe(trace('slow'));
    await acc.flush();
    expect(written.at(-1)!.cells.map((c) => [c.minute, c.values.requests])).toEqual([
      ['2026-12-07T10:03:00.000Z', 1],
    ]);
  });

  it('flushes on its timer, and close() writes what is left', async () => {
    const written: RollupCell[][] = [];
    const acc = new RollupAccumulator({ flushMs: 5, write: async (_s, cells) => void written.push(cells) });
    // The system clock: traces of now.
    const startedAt = new Date().toISOString();
    acc.observe(trace('a', { startedAt }));
    await expect.poll(() => written.length).toBe(1);
    acc.observe(trace('b', { startedAt }));
    await acc.close();
    expect(written.at(-1)![0]!.values.requests).toBe(2);
    expect(acc.source).toMatch(/^gw-.+-\d+-[0-9a-f]{8}$/);
  });
});

describe('input bins', () => {
  it('labels values by kind', () => {
    expect(inputBin(true)).toBe('true');
    expect(inputBin('x'.repeat(CATEGORY_MAX_CHARS))).toBe('x'.repeat(CATEGORY_MAX_CHARS));
    expect(inputBin('x'.repeat(CATEGORY_MAX_CHARS + 1))).toBe('len≤80');
    expect(inputBin('x'.repeat(9000))).toBe('len>5000');
    expect([0, 7, 10, 999, -0.5, 1e-9, Number.NaN, -Infinity].map((n) => inputBin(n))).toEqual([
      '0',
      '+1e0',
      '+1e1',
      '+1e2',
      '-1e-1',
      '+1e-9',
      'NaN',
      '-inf',
    ]);
    expect(inputBin([])).toBe('items≤0');
    expect(inputBin(new Array(101).fill(0))).toBe('items>100');
    expect(inputBin(null)).toBe('null');
    expect(inputBin({ nested: 1 })).toBeNull();
  });

  it(`keeps ${MAX_CATEGORIES} categories per field; the rest count as ${OTHER}`, () => {
    const into: Record<string, Record<string, number>> = {};
    for (let i = 0; i < 30; i++) countInputs(into, { user: `u${i}`, n: i });
    countInputs(into, { user: 'u0' });
    expect(Object.keys(into.user!)).toHaveLength(MAX_CATEGORIES + 1);
    expect(into.user![OTHER]).toBe(10);
    expect(into.user!.u0).toBe(2);
    countInputs(into, 'redacted');
    countInputs(into, ['a']);
    expect(Object.keys(into)).toEqual(['user', 'n']);
  });
});

describe('answer length', () => {
  it("is a text answer's length, and a structured answer's JSON length without writing it", () => {
    expect(answerLength('hello')).toBe(5);
    for (const output of [
      { reply: 'We will refund you.', escalate: false, category: 'billing', score: 0.75, tags: ['a', 'bc'] },
      [],
      {},
      [1, null, { a: [true] }],
      { skipped: undefined, kept: 12345 },
    ]) {
      expect(answerLength(output), JSON.stringify(output)).toBe(JSON.stringify(output).length);
    }
  });
});

describe('schema checks', () => {
  it('counts an answer that arrived, failed the contract or met an output guardrail; not one stopped before', () => {
    expect(wasContractChecked(trace('ok'))).toBe(true);
    expect(
      wasContractChecked(
        trace('in', { status: 'error', error: { code: 'PO_ERR_GUARDRAIL_BLOCKED', message: '' } }),
      ),
    ).toBe(false);
    expect(
      wasContractChecked(
        trace('approved', {
          review: { id: 'r', decision: 'approved', decidedBy: 'ada' },
          timings: { resolve: 0, validate: 0, guardrails: 0, render: 0, model: 0, output: 0, total: 0 },
        }),
      ),
    ).toBe(false);
  });
});

describe('trace sampling', () => {
  it('is decided by trace id, keeps the kinds named in keep, and stores about the share asked', () => {
    const policy = { sample: 0.1, keep: ['error', 'held', 'canary'] as const };
    const ids = Array.from({ length: 10_000 }, (_, i) => `trace-${i}`);
    const kept = ids.filter((id) => isSampled(trace(id), policy));
    expect(kept.length).toBeGreaterThan(800);
    expect(kept.length).toBeLessThan(1200);
    expect(ids.filter((id) => isSampled(trace(id), policy))).toEqual(kept);
    const dropped = ids.find((id) => !isSampled(trace(id), policy))!;
    expect(
      isSampled(trace(dropped, { status: 'error', error: { code: 'PO_ERR_X', message: '' } }), policy),
    ).toBe(true);
    expect(isSampled(trace(dropped, { status: 'held' }), policy)).toBe(true);
    expect(isSampled(trace(dropped, { arm: 'canary' }), policy)).toBe(true);
    expect(isSampled(trace(dropped, { status: 'error' }), { sample: 0.1, keep: [] })).toBe(false);
    expect(isSampled(trace(dropped), { sample: 1, keep: [] })).toBe(true);
    expect(unitOf('x')).toBe(unitOf('x'));
  });
});
