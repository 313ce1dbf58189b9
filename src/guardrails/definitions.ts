import type { GuardrailAction, GuardrailStage, JsonSchema } from '../catalog/spec.js';
import { PII_ENTITIES, SECRET_KINDS } from './kinds.js';
import type { GuardrailFactory } from './types.js';

export type { GuardrailFactory };

/**
 * What the catalog needs to know about a guardrail to validate a declaration of it: where it can
 * run, which actions make sense, its default action and the JSON Schema of its options.
 * The engine (checks themselves) attaches to these same entries, so no name is listed twice.
 */
export interface GuardrailDefinition {
  name: string;
  summary: string;
  stages: readonly GuardrailStage[];
  /** Whether the guardrail reports character spans (needed for `redact`). */
  hasSpans: boolean;
  defaultAction: GuardrailAction;
  options: JsonSchema;
  /** Relative cost per KB; the engine runs cheap guardrails first so a block stops early. */
  cost: number;
  /** Loads the implementation on first use, so the catalog and CLI start-up never pay for it. */
  load: () => Promise<GuardrailFactory>;
}

const definitions: GuardrailDefinition[] = [
  {
    name: 'pii',
    summary: 'personal data: email, phone, payment card (Luhn), IBAN (mod-97), US SSN, IP addresses',
    stages: ['input', 'output'],
    hasSpans: true,
    defaultAction: 'redact',
    cost: 3,
    load: async () => (await import('./builtins/pii.js')).create,
    options: {
      type: 'object',
      properties: {
        entities: { type: 'array', items: { enum: PII_ENTITIES }, minItems: 1, uniqueItems: true },
        /** Put the original values back into the answer where the model repeats a placeholder. */
        restoreOutput: { type: 'boolean' },
      },
      additionalProperties: false,
    },
  },
  {
    name: 'secrets',
    summary: 'credentials: AWS keys, private keys, JWTs, bearer tokens, high-entropy keys',
    stages: ['input', 'output'],
    hasSpans: true,
    defaultAction: 'block',
    cost: 3,
    load: async () => (await import('./builtins/secrets.js')).create,
    options: {
      type: 'object',
      properties: { kinds: { type: 'array', items: { enum: SECRET_KINDS }, minItems: 1, uniqueItems: true } },
      additionalProperties: false,
    },
  },
  {
    name: 'prompt-injection',
    summary: 'instruction override, role-play escapes, system-prompt exfiltration, obfuscated payloads',
    stages: ['input'],
    hasSpans: true,
    defaultAction: 'block',
    cost: 5,
    load: async () => (await import('./builtins/prompt-injection.js')).create,
    options: {
      type: 'object',
      properties: { threshold: { type: 'number', minimum: 0, maximum: 1 } },
      additionalProperties: false,
    },
  },
  {
    name: 'system-prompt-leak',
    summary: 'output that reproduces the system prompt or a planted canary token',
    stages: ['output'],
    hasSpans: true,
    defaultAction: 'block',
    cost: 4,
    load: async () => (await import('./builtins/system-prompt-leak.js')).create,
    options: {
      type: 'object',
      properties: { minSpanChars: { type: 'integer', minimum: 8 }, canary: { type: 'boolean' } },
      additionalProperties: false,
    },
  },
  {
    name: 'banned-terms',
    summary: 'words or phrases that must not appear (word boundaries, normalised case and accents)',
    stages: ['input', 'output'],
    hasSpans: true,
    defaultAction: 'block',
    cost: 2,
    load: async () => (await import('./builtins/banned-terms.js')).create,
    options: {
      type: 'object',
      properties: {
        terms: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
        caseSensitive: { type: 'boolean' },
      },
      required: ['terms'],
      additionalProperties: false,
    },
  },
  {
    name: 'regex',
    summary: 'text that must (require) or must not (deny) match a regular expression',
    stages: ['input', 'output'],
    hasSpans: true,
    defaultAction: 'block',
    cost: 2,
    load: async () => (await import('./builtins/regex.js')).create,
    options: {
      type: 'object',
      properties: {
        pattern: { type: 'string', minLength: 1 },
        flags: { type: 'string', pattern: '^[imsu]*$' },
        mode: { enum: ['deny', 'require'] },
      },
      required: ['pattern'],
      additionalProperties: false,
    },
  },
  {
    name: 'length',
    summary: 'text shorter or longer than the given bounds, in characters',
    stages: ['input', 'output'],
    hasSpans: false,
    defaultAction: 'block',
    cost: 0,
    load: async () => (await import('./builtins/length.js')).create,
    options: {
      type: 'object',
      properties: { min: { type: 'integer', minimum: 0 }, max: { type: 'integer', minimum: 1 } },
      minProperties: 1,
      additionalProperties: false,
    },
  },
  {
    name: 'json-schema',
    summary: 'structured output that does not validate against a schema (the output schema by default)',
    stages: ['output'],
    hasSpans: false,
    defaultAction: 'reask',
    cost: 1,
    load: async () => (await import('./builtins/json-schema.js')).create,
    options: {
      type: 'object',
      properties: { schema: { type: 'object' } },
      additionalProperties: false,
    },
  },
  {
    name: 'language',
    summary: 'text in a language outside the allow-list (ISO 639-1 codes)',
    stages: ['input', 'output'],
    hasSpans: false,
    defaultAction: 'block',
    cost: 3,
    load: async () => (await import('./builtins/language.js')).create,
    options: {
      type: 'object',
      properties: {
        allow: { type: 'array', items: { type: 'string', pattern: '^[a-z]{2}$' }, minItems: 1 },
      },
      required: ['allow'],
      additionalProperties: false,
    },
  },
];

/** Built-in guardrails by name. */
export const BUILTIN_GUARDRAILS: ReadonlyMap<string, GuardrailDefinition> = new Map(
  definitions.map((d) => [d.name, d]),
);

/** The definition used for a custom guardrail declared in `promptops.yaml` (options are its own). */
export function customGuardrailDefinition(name: string, modulePath?: string): GuardrailDefinition {
  return {
    name,
    summary: 'custom guardrail module',
    stages: ['input', 'output'],
    hasSpans: true,
    defaultAction: 'block',
    options: { type: 'object' },
    cost: 10,
    load: async () => {
      if (!modulePath) throw new Error(`custom guardrail ${name} has no module path`);
      return (await import('./builtins/custom.js')).loadCustom(name, modulePath);
    },
  };
}

/** The export name of a built-in guardrail's precompiled options validator (see scripts/gen-validators.ts). */
export function guardrailValidatorName(name: string): string {
  return `guardrail_${name.replace(/-/g, '_')}`;
}
