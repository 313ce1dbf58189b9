import { NAME_PATTERN } from '../catalog/frontmatter-schema.js';
import { RISK_TIERS } from '../catalog/spec.js';
import { CHECK_NAMES } from '../governance/policy.js';
import { PROVIDER_TYPES } from '../providers/registry.js';

// Projects, environments and graders are names like prompts and labels: one pattern, one length.
const NAME = NAME_PATTERN;

/** The shape of `promptops.yaml`. Compiled at build time (scripts/gen-validators.ts). */
export const CONFIG_SCHEMA = {
  type: 'object',
  properties: {
    project: { type: 'string', pattern: NAME },
    catalog: {
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
      ],
    },
    environments: { type: 'array', items: { type: 'string', pattern: NAME }, minItems: 1, uniqueItems: true },
    store: {
      type: 'object',
      properties: { url: { type: 'string', minLength: 1 } },
      additionalProperties: false,
    },
    defaults: {
      type: 'object',
      properties: {
        model: { type: 'string', pattern: '^[^/\\s]+/\\S+$' },
        risk: { enum: [...RISK_TIERS] },
        contract: {
          type: 'object',
          properties: {
            policy: { enum: ['reject', 'coerce'] },
            maxInputChars: { type: 'integer', minimum: 1 },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
    providers: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: {
          type: { enum: [...PROVIDER_TYPES] },
          baseUrl: { type: 'string', pattern: '^https?://' },
          apiKeyEnv: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' },
          fixtures: { type: 'string', minLength: 1 },
        },
        additionalProperties: false,
      },
    },
    pricing: {
      type: 'object',
      propertyNames: { pattern: '^[^/\\s]+/\\S+$' },
      additionalProperties: {
        type: 'object',
        properties: {
          inputPerMTok: { type: 'number', minimum: 0 },
          outputPerMTok: { type: 'number', minimum: 0 },
        },
        required: ['inputPerMTok', 'outputPerMTok'],
        additionalProperties: false,
      },
    },
    knowledge: {
      type: 'object',
      properties: { file: { type: 'string', minLength: 1 } },
      additionalProperties: false,
    },
    eval: {
      type: 'object',
      properties: {
        grader: { type: 'string', pattern: NAME },
        embeddings: { type: 'string', pattern: '^[^/\\s]+/\\S+$' },
      },
      additionalProperties: false,
    },
    policy: {
      type: 'object',
      properties: {
        ownerRequiredFrom: { enum: [...RISK_TIERS] },
        approvals: {
          type: 'object',
          propertyNames: { enum: [...RISK_TIERS] },
          additionalProperties: {
            type: 'object',
            properties: {
              required: { type: 'integer', minimum: 0, maximum: 10 },
              fromGroup: { type: 'string', minLength: 1 },
              greenChecks: { type: 'boolean' },
            },
            additionalProperties: false,
          },
        },
        groups: {
          type: 'object',
          additionalProperties: { type: 'array', items: { type: 'string', minLength: 1 } },
        },
        requiredChecks: { type: 'array', items: { enum: [...CHECK_NAMES] }, uniqueItems: true },
        checkers: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
      },
      additionalProperties: false,
    },
    guardrails: {
      type: 'object',
      properties: { custom: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } } },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};
