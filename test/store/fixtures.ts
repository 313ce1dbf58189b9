import { hashSpec } from '../../src/catalog/canonical.js';
import { parsePrompt } from '../../src/catalog/parse.js';
import type { PromptSpec } from '../../src/catalog/spec.js';
import { PromptOpsError } from '../../src/errors.js';
import { CHECK_NAMES } from '../../src/governance/policy.js';
import type { Trace } from '../../src/observe/trace.js';
import { defaultProjectConfig } from '../../src/project/config.js';
import { parseContext } from '../../src/project/parse-context.js';
import type { PushItem, Store } from '../../src/store/index.js';

/**
 * A push item for a small prompt named `name` whose template is `template`, parsed from real
 * `.prompt` source exactly as the CLI would (so the spec is canonical and its hash is real).
 */
export async function promptItem(name: string, template: string): Promise<PushItem> {
  const source = [
    '---',
    `name: ${name}`,
    'model: offline/echo',
    'input:',
    '  schema:',
    '    text?: string',
    '---',
    template,
    '',
  ].join('\n');
  const { spec, diagnostics } = await parsePrompt(
    source,
    `${name}.prompt`,
    parseContext(defaultProjectConfig()),
  );
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!spec || errors.length > 0) {
    throw new Error(`fixture ${name}.prompt does not parse: ${errors.map((d) => d.message).join('; ')}`);
  }
  return { spec, hash: hashSpec(spec) };
}

/** A clock the test moves by hand; every call returns the time last set. */
export interface ManualClock {
  now: () => Date;
  set: (iso: string) => void;
  /** Moves the clock forward and returns the new time as ISO text. */
  tick: (ms?: number) => string;
}

export function manualClock(start = '2025-03-01T09:00:00.000Z'): ManualClock {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (iso) => {
      current = new Date(iso);
    },
    tick: (ms = 1000) => {
      current = new Date(current.getTime() + ms);
      return current.toISOString();
    },
  };
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the operation to fail, but it succeeded');
}

/** The PromptOpsError a promise rejects with; fails if it resolves or throws anything else. */
export async function promptOpsRejection(promise: Promise<unknown>): Promise<PromptOpsError> {
  const err = await rejection(promise);
  if (!(err instanceof PromptOpsError)) {
    throw new Error(`expected a PromptOpsError, got ${String((err as Error)?.stack ?? err)}`);
  }
  return err;
}

/** A spec that cannot be serialised (JSON has no NaN and no BigInt), with a well-formed hash. */
export function unserialisableItem(base: PushItem, name: string, poison: 'nan' | 'bigint'): PushItem {
  const spec = structuredClone(base.spec) as PromptSpec;
  spec.name = name;
  spec.config = { temperature: poison === 'nan' ? Number.NaN : 10n };
  return { spec, hash: 'f'.repeat(64) };
}

/** A trace of a run that went well, with whatever `over` changes. */
export function traceRecord(id: string, over: Partial<Trace> = {}): Trace {
  return {
    id,
    project: 'acme',
    prompt: 'summarize',
    version: { number: 1, hash: 'a'.repeat(64) },
    environment: null,
    arm: null,
    status: 'ok',
    error: null,
    startedAt: '2026-12-07T10:00:00.000Z',
    model: 'offline/echo',
    timings: { resolve: 0, validate: 0, guardrails: 0, render: 0, model: 1, output: 0, total: 1 },
    usage: { inputTokens: 1, outputTokens: 1 },
    costUsd: null,
    input: {},
    output: 'ok',
    mutations: [],
    attempts: [],
    reasks: 0,
    guardrails: [],
    review: null,
    metadata: {},
    ...over,
  };
}

/** Records every check of a change request as passing (regression with no change), as `ci`. */
export async function passAllChecks(
  store: Pick<Store, 'recordCheck'>,
  cr: { number: number; versionHash: string },
  ci: string,
  beforeEach: () => void = () => {},
): Promise<void> {
  for (const name of CHECK_NAMES) {
    beforeEach();
    await store.recordCheck(
      cr.number,
      {
        name,
        status: 'pass',
        summary: 'ok',
        versionHash: cr.versionHash,
        ...(name === 'regression' ? { details: { passRateDelta: 0, regressed: 0 } } : {}),
      },
      ci,
    );
  }
}
