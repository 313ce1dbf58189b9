import {
  FIELD_RULE_SCHEMA,
  GUARDRAIL_DECL_SCHEMA,
  MAX_NAME_LENGTH,
  NAME_PATTERN,
} from './frontmatter-schema.js';
import { INPUT_POLICIES, OUTPUT_FORMATS, RISK_TIERS } from './spec.js';

const NAME_PART = `[A-Za-z0-9][A-Za-z0-9_-]{0,${MAX_NAME_LENGTH - 1}}`;

/** A registry name: a prompt name, optionally followed by `.variant` (both follow NAME_PATTERN). */
export const PROMPT_NAME_PATTERN = `^${NAME_PART}(?:\\.${NAME_PART})?$`;

/**
 * The largest spec (its canonical JSON, in UTF-8 bytes): a 1 MB `.prompt` file plus the partials
 * it inlines. Anything bigger is not a prompt a `.prompt` file could have produced.
 */
export const MAX_SPEC_BYTES = 4 * 1024 * 1024;

/** `provider/model`, as `splitModelId` reads it. */
const MODEL_PATTERN = '^[^/]+/[\\s\\S]+$';

const stringList = { type: 'array', items: { type: 'string', minLength: 1 } } as const;
const positive = { type: 'integer', minimum: 1 } as const;
const jsonSchemaOrNull = { type: ['object', 'null'] } as const;

// Parsing fills in a guardrail's action and options; a stored one always has them.
const guardrailDecl = { ...GUARDRAIL_DECL_SCHEMA, required: ['name', 'action', 'options'] } as const;

/**
 * The canonical `PromptSpec` as the registry stores it: what `parsePrompt` produces, and what every
 * reader (resolve, status, change requests, the runtime) may rely on. Fields that later releases
 * added (`contract.output`, `fallbackModels`, `trace`, `overrides`) are optional, as `upgradeSpec`
 * fills them in for versions older clients pushed. Compiled at build time (scripts/gen-validators.ts).
 */
export const SPEC_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', pattern: PROMPT_NAME_PATTERN },
    variant: { type: 'string', pattern: NAME_PATTERN },
    description: { type: 'string' },
    model: { type: 'string', pattern: MODEL_PATTERN },
    config: { type: 'object' },
    tools: { type: 'array', items: { type: 'string' } },
    input: {
      type: 'object',
      properties: { schema: jsonSchemaOrNull, default: { type: 'object' } },
      required: ['schema', 'default'],
      additionalProperties: false,
    },
    output: {
      type: 'object',
      properties: { format: { enum: [...OUTPUT_FORMATS] }, schema: jsonSchemaOrNull },
      required: ['format', 'schema'],
      additionalProperties: false,
    },
    template: { type: 'string' },
    partials: { type: 'object', additionalProperties: { type: 'string' } },
    promptops: {
      type: 'object',
      properties: {
        owner: { type: 'string', minLength: 1 },
        risk: { enum: [...RISK_TIERS] },
        tags: stringList,
        contract: {
          type: 'object',
          properties: {
            policy: { enum: [...INPUT_POLICIES] },
            maxInputChars: positive,
            fields: { type: 'object', additionalProperties: FIELD_RULE_SCHEMA },
            output: {
              type: 'object',
              properties: {
                maxChars: positive,
                pattern: { type: 'string', minLength: 1 },
                reasks: { type: 'integer', minimum: 0, maximum: 3 },
              },
              required: ['reasks'],
              additionalProperties: false,
            },
          },
          required: ['policy', 'fields'],
          additionalProperties: false,
        },
        guardrails: {
          type: 'object',
          properties: {
            input: { type: 'array', items: guardrailDecl },
            output: { type: 'array', items: guardrailDecl },
          },
          required: ['input', 'output'],
          additionalProperties: false,
        },
        knowledge: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              entity: { type: 'string', pattern: '^[a-z][a-z0-9_-]*:\\S+$' },
              as: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
              relations: stringList,
            },
            required: ['entity'],
            additionalProperties: false,
          },
        },
        fallbackModels: { type: 'array', items: { type: 'string', pattern: MODEL_PATTERN } },
        trace: {
          type: 'object',
          properties: { redact: { enum: ['none', 'input', 'output', 'all'] } },
          required: ['redact'],
          additionalProperties: false,
        },
        overrides: {
          type: 'object',
          properties: { model: { type: 'boolean' }, config: stringList },
          required: ['model', 'config'],
          additionalProperties: false,
        },
      },
      required: ['risk', 'tags', 'contract', 'guardrails', 'knowledge'],
      additionalProperties: false,
    },
  },
  required: ['name', 'config', 'tools', 'input', 'output', 'template', 'promptops'],
  additionalProperties: false,
} as const;
