import { GUARDRAIL_ACTIONS, INPUT_POLICIES, OUTPUT_FORMATS, RISK_TIERS } from './spec.js';

/** The longest prompt name, variant or label: a full prompt name (`name.variant`) stays readable in a URL path. */
export const MAX_NAME_LENGTH = 64;

/** Names usable as prompt names, variants and labels: safe in refs (`name@3`, `name:prod`) and URLs. */
export const NAME_PATTERN = `^[A-Za-z0-9][A-Za-z0-9_-]{0,${MAX_NAME_LENGTH - 1}}$`;

/** A guardrail written as an object; the frontmatter also takes its bare name. */
export const GUARDRAIL_DECL_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1 },
    action: { enum: [...GUARDRAIL_ACTIONS] },
    options: { type: 'object' },
    fallback: { type: 'string', minLength: 1 },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

const guardrailDecl = { anyOf: [{ type: 'string', minLength: 1 }, GUARDRAIL_DECL_SCHEMA] };

/** The rules of one input field under `promptops.contract.fields`. */
export const FIELD_RULE_SCHEMA = {
  type: 'object',
  properties: {
    maxChars: { type: 'integer', minimum: 1 },
    truncate: { type: 'boolean' },
    trim: { type: 'boolean' },
    notBlank: { type: 'boolean' },
    redact: { type: 'boolean' },
  },
  additionalProperties: false,
} as const;

/**
 * The shape of a `.prompt` frontmatter as written (Dotprompt keys plus `promptops.*` extension
 * keys). Other tools' dotted namespaces (`genkit.foo`) are allowed and ignored; any other unknown
 * key is an error, because Dotprompt would silently drop it.
 */
export const FRONTMATTER_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', pattern: NAME_PATTERN },
    variant: { type: 'string', pattern: NAME_PATTERN },
    version: { type: ['string', 'number'] },
    description: { type: 'string' },
    model: { type: 'string', minLength: 1 },
    config: { type: 'object' },
    tools: { type: 'array', items: { type: 'string' } },
    toolDefs: { type: 'array', items: { type: 'object' } },
    metadata: { type: 'object' },
    input: {
      type: 'object',
      properties: { schema: { type: ['object', 'string'] }, default: { type: 'object' } },
      additionalProperties: false,
    },
    output: {
      type: 'object',
      properties: { format: { enum: [...OUTPUT_FORMATS, 'media'] }, schema: { type: ['object', 'string'] } },
      additionalProperties: false,
    },
    'promptops.owner': { type: 'string', minLength: 1 },
    'promptops.risk': { enum: [...RISK_TIERS] },
    'promptops.tags': { type: 'array', items: { type: 'string', minLength: 1 } },
    'promptops.contract': {
      type: 'object',
      properties: {
        policy: { enum: [...INPUT_POLICIES] },
        maxInputChars: { type: 'integer', minimum: 1 },
        fields: { type: 'object', additionalProperties: FIELD_RULE_SCHEMA },
        output: {
          type: 'object',
          properties: {
            maxChars: { type: 'integer', minimum: 1 },
            pattern: { type: 'string', minLength: 1 },
            reasks: { type: 'integer', minimum: 0, maximum: 3 },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
    'promptops.fallbackModels': {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      uniqueItems: true,
    },
    'promptops.overrides': {
      type: 'object',
      properties: {
        model: { type: 'boolean' },
        config: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
      },
      additionalProperties: false,
    },
    'promptops.trace': {
      type: 'object',
      properties: { redact: { enum: ['none', 'input', 'output', 'all'] } },
      additionalProperties: false,
    },
    'promptops.guardrails': {
      type: 'object',
      properties: {
        input: { type: 'array', items: guardrailDecl },
        output: { type: 'array', items: guardrailDecl },
      },
      additionalProperties: false,
    },
    'promptops.knowledge': {
      type: 'array',
      items: {
        anyOf: [
          { type: 'string', pattern: '^[a-z][a-z0-9_-]*:\\S+$' },
          {
            type: 'object',
            properties: {
              entity: { type: 'string', pattern: '^[a-z][a-z0-9_-]*:\\S+$' },
              as: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
              relations: { type: 'array', items: { type: 'string', minLength: 1 } },
            },
            required: ['entity'],
            additionalProperties: false,
          },
        ],
      },
    },
  },
  patternProperties: { '^(?!promptops\\.)[A-Za-z0-9_-]+\\.': {} },
  additionalProperties: false,
} as const;

/** Every top-level key we know, for "did you mean" hints. */
export const KNOWN_FRONTMATTER_KEYS = Object.keys(FRONTMATTER_SCHEMA.properties);
