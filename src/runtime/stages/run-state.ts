import { randomUUID } from 'node:crypto';
import type { ContractMutation } from '../../contracts/input.js';
import type { GuardrailResult } from '../../guardrails/engine.js';
import type { StageTimings } from '../../observe/trace.js';
import type { CallAttempt, TokenUsage } from '../../providers/index.js';
import type { VersionRecord } from '../../store/index.js';
import type { CompiledPrompt } from '../compile.js';
import type { PipelineDeps, RunRequest, RunResult } from '../pipeline.js';

/**
 * What one run has gathered so far. Each stage fills in its part; the trace is written from it
 * whether the run succeeds or not, so a failure keeps everything learnt before it.
 */
export interface RunState {
  readonly traceId: string;
  readonly startedAt: string;
  /** When the run started and when the current stage started (performance.now()). */
  readonly t0: number;
  t: number;
  readonly timings: StageTimings;
  /** Every guardrail verdict, input and output. */
  readonly guardrails: GuardrailResult[];
  record: VersionRecord | null;
  compiled: CompiledPrompt | null;
  mutations: ContractMutation[];
  /** The input after contract enforcement. */
  value: Record<string, unknown> | null;
  attempts: CallAttempt[];
  usage: TokenUsage;
  model: string | null;
  text: string;
  reasks: number;
}

/** What every stage is handed: the pipeline's dependencies, the request, and the run so far. */
export interface RunContext {
  readonly deps: PipelineDeps;
  readonly request: RunRequest;
  readonly run: RunState;
}

/** The version a run resolved, with its compiled form. */
export interface Resolved {
  readonly record: VersionRecord;
  readonly compiled: CompiledPrompt;
}

/** A fresh run: a new trace id, started at `now` (the stage timer started), nothing resolved yet. */
export function startRun(now: Date = new Date()): RunState {
  const t0 = performance.now();
  return {
    traceId: randomUUID(),
    startedAt: now.toISOString(),
    t0,
    t: t0,
    timings: { resolve: 0, validate: 0, guardrails: 0, render: 0, model: 0, output: 0, total: 0 },
    guardrails: [],
    record: null,
    compiled: null,
    mutations: [],
    value: null,
    attempts: [],
    usage: { inputTokens: 0, outputTokens: 0 },
    model: null,
    text: '',
    reasks: 0,
  };
}

/** Adds the time since the last lap to a stage. */
export function lap(run: RunState, stage: keyof StageTimings): void {
  const now = performance.now();
  run.timings[stage] += now - run.t;
  run.t = now;
}

/** How messages name a version: `support-reply@2`, or `support-reply (working copy)` for files not pushed. */
export function versionName(record: VersionRecord): string {
  return record.number === 0 ? `${record.prompt} (working copy)` : `${record.prompt}@${record.number}`;
}

/** The version as a result names it. */
export function versionOf(record: VersionRecord): RunResult['version'] {
  return { prompt: record.prompt, number: record.number, hash: record.hash };
}
