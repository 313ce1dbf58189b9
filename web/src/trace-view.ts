/**
 * One trace's page, its pure parts: the stages as bars of a duration chart, and a text cut into
 * plain and flagged pieces by the spans its guardrails found.
 */
import type { Span } from '../../src/guardrails/types.js';
import type { Trace } from '../../src/observe/trace.js';

/** One bar of the timeline: a stage, or a model attempt inside the model stage. */
export interface TimelineBar {
  key: string;
  label: string;
  /** `stage`: a pipeline stage; `attempt`: one call to a model (and its wait before a retry). */
  kind: 'stage' | 'attempt' | 'wait';
  durationMs: number;
  /** Where the bar starts and how wide it is, as fractions of the chart's width (0 to 1). */
  offset: number;
  width: number;
  /** An attempt's error, shown beside its bar. */
  error: string | null;
}

/** The stages in the order a run goes through them, with the names people know them by. */
const STAGES: readonly { key: keyof Trace['timings']; label: string }[] = [
  { key: 'resolve', label: 'Resolve version' },
  { key: 'validate', label: 'Input contract' },
  { key: 'guardrails', label: 'Guardrails (in and out)' },
  { key: 'render', label: 'Render' },
  { key: 'model', label: 'Model' },
  { key: 'output', label: 'Output contract' },
];

/**
 * The bars of a trace's timeline. Stages are laid end to end in run order (a trace keeps each
 * stage's total time, not when it ran, so a re-asked model's time is one bar); the model's attempts
 * sit under the model stage, each after the waits before it. The scale is the run's total time, or
 * the stages' sum when that is larger (rounding).
 */
export function timelineBars(trace: Pick<Trace, 'timings' | 'attempts'>): TimelineBar[] {
  const { timings } = trace;
  const stagesSum = STAGES.reduce((sum, stage) => sum + Math.max(0, timings[stage.key]), 0);
  const scale = Math.max(timings.total, stagesSum, 1e-9);
  const bars: TimelineBar[] = [];
  let at = 0;
  let modelAt = 0;
  for (const stage of STAGES) {
    const ms = Math.max(0, timings[stage.key]);
    bars.push({
      key: stage.key,
      label: stage.label,
      kind: 'stage',
      durationMs: ms,
      offset: at / scale,
      width: ms / scale,
      error: null,
    });
    if (stage.key === 'model') modelAt = at;
    at += ms;
  }
  let attemptAt = modelAt;
  for (const [index, attempt] of trace.attempts.entries()) {
    const waited = Math.max(0, attempt.waitedMs ?? 0);
    if (waited > 0) {
      bars.push({
        key: `wait-${index}`,
        label: `Wait before attempt ${attempt.attempt}`,
        kind: 'wait',
        durationMs: waited,
        offset: attemptAt / scale,
        width: waited / scale,
        error: null,
      });
      attemptAt += waited;
    }
    const ms = Math.max(0, attempt.durationMs);
    bars.push({
      key: `attempt-${index}`,
      label: `Attempt ${attempt.attempt}: ${attempt.model}`,
      kind: 'attempt',
      durationMs: ms,
      offset: Math.min(attemptAt / scale, 1),
      width: Math.min(ms / scale, Math.max(0, 1 - attemptAt / scale)),
      error: attempt.error ? `${attempt.error.code}: ${attempt.error.message}` : null,
    });
    attemptAt += ms;
  }
  return bars;
}

/** A piece of a text: plain, or flagged by one or more spans (their types, e.g. `email`). */
export interface TextPiece {
  text: string;
  flags: string[];
}

/**
 * Cuts `text` at the spans' edges: every piece is plain or lies inside one or more spans, which
 * name it. Spans outside the text are clipped to it; overlapping spans flag their overlap with both
 * types. Offsets are UTF-16 code units, as guardrails record them.
 */
export function highlightSpans(text: string, spans: readonly Span[]): TextPiece[] {
  const clipped = spans
    .map((span) => ({
      start: clamp(span.start, text.length),
      end: clamp(span.end, text.length),
      type: span.type,
    }))
    .filter((span) => span.end > span.start);
  const edges = [...new Set([0, text.length, ...clipped.flatMap((s) => [s.start, s.end])])].sort(
    (a, b) => a - b,
  );
  const pieces: TextPiece[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const start = edges[i]!;
    const end = edges[i + 1]!;
    const flags = [...new Set(clipped.filter((s) => s.start <= start && s.end >= end).map((s) => s.type))];
    const previous = pieces.at(-1);
    if (previous && sameFlags(previous.flags, flags)) previous.text += text.slice(start, end);
    else pieces.push({ text: text.slice(start, end), flags });
  }
  return pieces.length > 0 ? pieces : [{ text, flags: [] }];
}

function clamp(n: number, length: number): number {
  return Math.min(Math.max(0, Math.trunc(n)), length);
}

function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((flag, i) => flag === b[i]);
}

/**
 * The text a guardrail verdict was about: the input field it names (a dotted path), or the answer
 * (`field` null). The answer's text is the output when it is a string; a structured output was
 * checked as the model's raw text, which the trace does not keep, so there is none (null) then.
 */
export function checkedText(trace: Pick<Trace, 'input' | 'output'>, field: string | null): string | null {
  if (field === null) return typeof trace.output === 'string' ? trace.output : null;
  let node: unknown = trace.input;
  for (const part of field.split('.')) {
    if (typeof node !== 'object' || node === null) return null;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : null;
}
