import path from 'node:path';
import type { GuardrailAction, GuardrailDecl, GuardrailStage, GuardrailsSpec } from '../catalog/spec.js';
import { PromptOpsError } from '../errors.js';
import { BUILTIN_GUARDRAILS, customGuardrailDefinition, type GuardrailDefinition } from './definitions.js';
import type { CheckContext, GuardrailCheck, Span } from './types.js';

/** A declared guardrail with its implementation loaded and its options applied. */
export interface CompiledGuardrail {
  decl: GuardrailDecl;
  definition: GuardrailDefinition;
  check: GuardrailCheck;
}

/** Both stages of a version's guardrails, each ordered cheapest first. */
export interface CompiledGuardrails {
  input: CompiledGuardrail[];
  output: CompiledGuardrail[];
}

/** One guardrail's verdict on one text, as recorded on the trace. */
export interface GuardrailResult {
  name: string;
  action: GuardrailAction;
  isViolation: boolean;
  score: number;
  reasons: string[];
  spans: Span[];
  /** The input field the text came from (input stage), or null for the answer. */
  field: string | null;
  durationMs: number;
}

/** What a stage decided. `terminal` is the first violation whose action ends the request. */
export interface StageOutcome {
  results: GuardrailResult[];
  terminal: GuardrailResult | null;
  /** Violations to redact, by field (null: the answer). */
  redactions: GuardrailResult[];
  /** Output violations that ask the model again. */
  reasks: GuardrailResult[];
  /** The answer to give when `terminal` is a `fallback`: the text declared by that very guardrail. */
  fallback: string | null;
}

const TERMINAL: ReadonlySet<GuardrailAction> = new Set(['block', 'fallback', 'escalate']);

/**
 * Loads and configures a version's guardrails. Custom guardrails resolve their module paths
 * against the project root. Options were validated at lint time; a broken custom module fails here.
 */
export async function compileGuardrails(
  spec: GuardrailsSpec,
  custom: Readonly<Record<string, string>>,
  root: string,
): Promise<CompiledGuardrails> {
  const compileStage = async (decls: GuardrailDecl[]) => {
    const compiled: CompiledGuardrail[] = [];
    for (const decl of decls) {
      const definition =
        BUILTIN_GUARDRAILS.get(decl.name) ??
        (Object.hasOwn(custom, decl.name)
          ? customGuardrailDefinition(decl.name, path.resolve(root, custom[decl.name]!))
          : undefined);
      if (!definition) {
        throw new PromptOpsError(
          'PO_ERR_CONFIG_INVALID',
          `guardrail "${decl.name}" is not built in and not declared under guardrails.custom in promptops.yaml`,
          {
            guardrail: decl.name,
          },
        );
      }
      const factory = await definition.load();
      compiled.push({ decl, definition, check: factory(decl.options) });
    }
    // Cheap checks first, so a block stops the stage before the expensive ones run.
    return compiled.sort((a, b) => a.definition.cost - b.definition.cost);
  };
  return { input: await compileStage(spec.input), output: await compileStage(spec.output) };
}

/**
 * Runs one stage over one or more texts (input fields, or the answer). Stops at the first
 * violation whose action is `block` or `fallback`; `escalate` keeps going so the reviewer sees every
 * verdict. Pure apart from the clock it reads for durations.
 */
export function runGuardrailStage(
  guardrails: readonly CompiledGuardrail[],
  texts: readonly { field: string | null; text: string }[],
  ctx: CheckContext,
): StageOutcome {
  const outcome: StageOutcome = { results: [], terminal: null, redactions: [], reasks: [], fallback: null };
  for (const guardrail of guardrails) {
    for (const { field, text } of texts) {
      const started = performance.now();
      const verdict = guardrail.check(text, ctx);
      const result: GuardrailResult = {
        name: guardrail.decl.name,
        action: guardrail.decl.action,
        isViolation: verdict.isViolation,
        score: verdict.score,
        reasons: verdict.reasons,
        spans: verdict.spans,
        field,
        durationMs: performance.now() - started,
      };
      outcome.results.push(result);
      if (!verdict.isViolation) continue;
      const action = guardrail.decl.action;
      if (action === 'redact') outcome.redactions.push(result);
      else if (action === 'reask') outcome.reasks.push(result);
      else if (
        TERMINAL.has(action) &&
        (!outcome.terminal || (outcome.terminal.action === 'escalate' && action !== 'escalate'))
      ) {
        outcome.terminal = result;
        // Taken from the declaration that fired, never looked up by name: two guardrails of one
        // kind may sit at a stage with different actions and fallbacks.
        outcome.fallback = action === 'fallback' ? (guardrail.decl.fallback ?? '') : null;
        if (action !== 'escalate') return outcome;
      }
    }
  }
  return outcome;
}

/** Every string in an input with its dotted path, the texts the input stage checks. */
export function stringFields(value: unknown, prefix = ''): { field: string; text: string }[] {
  if (typeof value === 'string') return [{ field: prefix, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringFields(item, `${prefix}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, child]) =>
      stringFields(child, prefix ? `${prefix}.${key}` : key),
    );
  }
  return [];
}

export type { GuardrailStage };
