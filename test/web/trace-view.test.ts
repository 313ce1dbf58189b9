import { describe, expect, it } from 'vitest';
import { checkedText, highlightSpans, timelineBars } from '../../web/src/trace-view.js';

const timings = { resolve: 10, validate: 2, guardrails: 3, render: 5, model: 70, output: 10, total: 100 };

describe('the timeline', () => {
  it('lays the stages end to end in run order, scaled to the total', () => {
    const bars = timelineBars({ timings, attempts: [] });
    expect(bars.map((b) => [b.key, b.offset, b.width])).toEqual([
      ['resolve', 0, 0.1],
      ['validate', 0.1, 0.02],
      ['guardrails', 0.12, 0.03],
      ['render', 0.15, 0.05],
      ['model', 0.2, 0.7],
      ['output', 0.9, 0.1],
    ]);
  });

  it('puts every model attempt, its error and the wait before a retry under the model stage', () => {
    const bars = timelineBars({
      timings,
      attempts: [
        {
          model: 'openai/gpt-4o',
          attempt: 1,
          durationMs: 20,
          error: { code: 'PO_ERR_PROVIDER_TIMEOUT', message: 'timed out' },
        },
        { model: 'openai/gpt-4o', attempt: 2, durationMs: 30, waitedMs: 10 },
      ],
    });
    const below = bars.filter((b) => b.kind !== 'stage');
    expect(below.map((b) => [b.label, b.offset, b.width, b.error])).toEqual([
      ['Attempt 1: openai/gpt-4o', 0.2, 0.2, 'PO_ERR_PROVIDER_TIMEOUT: timed out'],
      ['Wait before attempt 2', 0.4, 0.1, null],
      ['Attempt 2: openai/gpt-4o', 0.5, 0.3, null],
    ]);
  });

  it('keeps bars inside the chart when the stages add up to more than the recorded total', () => {
    const bars = timelineBars({
      timings: { ...timings, total: 50 },
      attempts: [{ model: 'm', attempt: 1, durationMs: 500 }],
    });
    for (const bar of bars) expect(bar.offset + bar.width).toBeLessThanOrEqual(1 + 1e-9);
  });
});

describe('flagged spans', () => {
  it('cuts a text into plain and flagged pieces', () => {
    const text = 'mail me at dana@example.com today';
    expect(highlightSpans(text, [{ start: 11, end: 27, type: 'email' }])).toEqual([
      { text: 'mail me at ', flags: [] },
      { text: 'dana@example.com', flags: ['email'] },
      { text: ' today', flags: [] },
    ]);
  });

  it('names both types where spans overlap and clips spans that run past the text', () => {
    expect(
      highlightSpans('abcdef', [
        { start: 1, end: 4, type: 'x' },
        { start: 3, end: 99, type: 'y' },
      ]),
    ).toEqual([
      { text: 'a', flags: [] },
      { text: 'bc', flags: ['x'] },
      { text: 'd', flags: ['x', 'y'] },
      { text: 'ef', flags: ['y'] },
    ]);
  });

  it('leaves a text without spans whole', () => {
    expect(highlightSpans('plain', [])).toEqual([{ text: 'plain', flags: [] }]);
    expect(highlightSpans('', [{ start: 0, end: 3, type: 'x' }])).toEqual([{ text: '', flags: [] }]);
  });

  it('finds the text a verdict was about: an input field by its dotted path, or a string answer', () => {
    const trace = { input: { customer: { name: 'Dana' }, message: 'hi' }, output: 'answer' };
    expect(checkedText(trace, 'customer.name')).toBe('Dana');
    expect(checkedText(trace, 'customer.missing')).toBeNull();
    expect(checkedText(trace, null)).toBe('answer');
    expect(checkedText({ input: {}, output: { reply: 'x' } }, null)).toBeNull();
  });
});
