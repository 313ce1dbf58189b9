import type { GuardrailDecl, PromptSpec, RiskTier } from '../../src/catalog/spec.js';
import { PromptOpsError } from '../../src/errors.js';

/** A minimal, valid spec for pure-function tests; `patch` replaces top-level and promptops fields. */
export function spec(
  patch: Partial<Omit<PromptSpec, 'promptops'>> & {
    risk?: RiskTier;
    input?: PromptSpec['input'];
    inputGuardrails?: GuardrailDecl[];
    outputGuardrails?: GuardrailDecl[];
  } = {},
): PromptSpec {
  const { risk, inputGuardrails, outputGuardrails, ...rest } = patch;
  return {
    name: 'summarize',
    model: 'offline/echo',
    config: {},
    tools: [],
    input: {
      schema: {
        type: 'object',
        properties: { text: { type: 'string' } },
        required: ['text'],
        additionalProperties: false,
      },
      default: {},
    },
    output: { format: 'text', schema: null },
    template: 'Summarize {{text}}.',
    ...rest,
    promptops: {
      risk: risk ?? 'low',
      tags: [],
      contract: { policy: 'reject', fields: {}, output: { reasks: 1 } },
      guardrails: { input: inputGuardrails ?? [], output: outputGuardrails ?? [] },
      knowledge: [],
      fallbackModels: [],
      trace: { redact: 'none' },
      overrides: { model: false, config: [] },
    },
  };
}

export function guard(
  name: string,
  action: GuardrailDecl['action'],
  options: Record<string, unknown> = {},
): GuardrailDecl {
  return { name, action, options };
}

/** The PromptOpsError a call throws, for asserting its code, message and details. */
export function thrown(call: () => unknown): PromptOpsError {
  try {
    call();
  } catch (err) {
    if (err instanceof PromptOpsError) return err;
    throw err;
  }
  throw new Error('expected a PromptOpsError, got none');
}
