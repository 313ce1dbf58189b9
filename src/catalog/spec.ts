/**
 * The canonical, fully-typed form of a prompt. Every `.prompt` file is parsed into one `PromptSpec`;
 * its canonical serialisation's sha256 is the version's identity.
 */

/** Dotprompt's output formats that a text-answering model can meet (`media` is refused at lint). */
export const OUTPUT_FORMATS = ['text', 'json', 'array', 'enum', 'jsonl'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const RISK_TIERS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

export const INPUT_POLICIES = ['reject', 'coerce'] as const;
export type InputPolicy = (typeof INPUT_POLICIES)[number];

export const GUARDRAIL_ACTIONS = ['block', 'redact', 'flag', 'fallback', 'reask', 'escalate'] as const;
export type GuardrailAction = (typeof GUARDRAIL_ACTIONS)[number];

export type GuardrailStage = 'input' | 'output';

/** A JSON Schema document (draft 2020-12 subset that Ajv accepts). */
export type JsonSchema = Record<string, unknown>;

/** Rules for one input field that JSON Schema cannot say. */
export interface FieldRule {
  /** Longest accepted string; under `coerce` with `truncate`, longer values are cut to it. */
  maxChars?: number;
  /** Under `coerce`, cut values longer than `maxChars` instead of rejecting them. */
  truncate?: boolean;
  /** Strip surrounding whitespace before validation. */
  trim?: boolean;
  /** Reject strings that are empty after trimming. */
  notBlank?: boolean;
  /** Keep this field's value out of traces. */
  redact?: boolean;
}

/** Rules for the model's answer beyond its schema. */
export interface OutputRules {
  /** Longest accepted text answer. */
  maxChars?: number;
  /** A regular expression a text answer must match. */
  pattern?: string;
  /** How many times to re-ask the model with the validation errors before failing (default 1). */
  reasks: number;
}

export interface ContractSpec {
  policy: InputPolicy;
  /**
   * Upper bound on the input's text: the characters of every string value and every object key,
   * counted together (numbers, booleans and JSON punctuation do not count).
   */
  maxInputChars?: number;
  /** Per-field rules keyed by a dotted path into the input (`customer.email`). */
  fields: Record<string, FieldRule>;
  output: OutputRules;
}

export interface GuardrailDecl {
  name: string;
  action: GuardrailAction;
  options: Record<string, unknown>;
  /** The safe response used when `action` is `fallback`. */
  fallback?: string;
}

export interface GuardrailsSpec {
  input: GuardrailDecl[];
  output: GuardrailDecl[];
}

/** A reference to a knowledge-graph entity (`type:id`), optionally exposed to the template as `as`. */
export interface KnowledgeRef {
  entity: string;
  as?: string;
  relations?: string[];
}

export type TraceRedaction = 'none' | 'input' | 'output' | 'all';

export interface PromptopsExtension {
  owner?: string;
  risk: RiskTier;
  tags: string[];
  contract: ContractSpec;
  guardrails: GuardrailsSpec;
  knowledge: KnowledgeRef[];
  /** Models tried in order when the main model fails. */
  fallbackModels: string[];
  /** What traces keep of inputs and outputs. */
  trace: { redact: TraceRedaction };
  /** What a caller may override per call: the model, and which config keys. */
  overrides: { model: boolean; config: string[] };
}

export interface PromptSpec {
  /** Registry name: the frontmatter `name` (or file stem), plus `.variant` for variants. */
  name: string;
  variant?: string;
  description?: string;
  /** `provider/model`, e.g. `openai/gpt-4o-mini` or `offline/echo`. */
  model?: string;
  config: Record<string, unknown>;
  tools: string[];
  input: { schema: JsonSchema | null; default: Record<string, unknown> };
  output: { format: OutputFormat; schema: JsonSchema | null };
  template: string;
  /** Partial templates the template includes (`{{> name}}`), inlined so the hash covers them. */
  partials?: Record<string, string>;
  promptops: PromptopsExtension;
}

/**
 * Fills in fields that later releases added to the spec, so versions stored by an older release
 * run unchanged. Versions are immutable: this never changes what is stored, only what is read.
 */
export function upgradeSpec(spec: PromptSpec): PromptSpec {
  const ext = spec.promptops;
  return {
    ...spec,
    promptops: {
      ...ext,
      contract: { ...ext.contract, output: ext.contract.output ?? { reasks: 1 } },
      fallbackModels: ext.fallbackModels ?? [],
      trace: ext.trace ?? { redact: 'none' },
      overrides: ext.overrides ?? { model: false, config: [] },
    },
  };
}
