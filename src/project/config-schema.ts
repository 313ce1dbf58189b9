import { NAME_PATTERN } from '../catalog/frontmatter-schema.js';
import { RISK_TIERS } from '../catalog/spec.js';
import { CHECK_NAMES, CHECKS_BY } from '../governance/policy.js';
import { CANARY_PLAN_SCHEMA } from '../monitor/canary-plan.js';
import { PROVIDER_TYPES } from '../providers/definitions.js';

// Projects, environments and graders are names like prompts and labels: one pattern, one length.
const NAME = NAME_PATTERN;

/** The shape of `promptops.yaml`. Compiled at build time (scripts/gen-validators.ts). */
export const CONFIG_SCHEMA = {
  type: 'object',
  properties: {
    project: {
      type: 'string',
      pattern: NAME,
      description:
        "the registry namespace of the catalog (a name: letters, digits, '-' and '_', at most 64 characters)",
    },
    catalog: {
      description: 'folder(s), relative to promptops.yaml, searched for .prompt files',
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
      ],
    },
    environments: {
      type: 'array',
      items: { type: 'string', pattern: NAME },
      minItems: 1,
      uniqueItems: true,
      description: 'the environments releases go to, in promotion order (each is a label)',
    },
    store: {
      type: 'object',
      description: 'where the registry is kept',
      properties: {
        url: {
          type: 'string',
          minLength: 1,
          description:
            '`sqlite:PATH` (relative to the project) or `postgres://user@host/db?schema=NAME`; PROMPTOPS_DATABASE_URL overrides it',
        },
      },
      additionalProperties: false,
    },
    defaults: {
      type: 'object',
      description: 'what a .prompt file gets when it does not say',
      properties: {
        model: {
          type: 'string',
          pattern: '^[^/\\s]+/\\S+$',
          description: 'the model, as `provider/model` (e.g. `offline/echo`, `openai/gpt-4o-mini`)',
        },
        risk: { enum: [...RISK_TIERS], description: 'the risk level (`promptops.risk`)' },
        contract: {
          type: 'object',
          description: 'the input contract (`promptops.contract`)',
          properties: {
            policy: {
              enum: ['reject', 'coerce'],
              description: '`reject` an input that breaks the schema, or `coerce` it where it safely can',
            },
            maxInputChars: {
              type: 'integer',
              minimum: 1,
              description: 'the longest input accepted, in characters of its JSON',
            },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
    providers: {
      type: 'object',
      description:
        'model providers by name, merged over the built-in ones (a model `NAME/model` uses provider NAME); keys never go in this file',
      additionalProperties: {
        type: 'object',
        properties: {
          type: {
            enum: [...PROVIDER_TYPES],
            description:
              "the protocol the provider speaks (default: the built-in's, else `openai-compatible`)",
          },
          baseUrl: { type: 'string', pattern: '^https?://', description: 'the API base URL' },
          apiKeyEnv: {
            type: 'string',
            pattern: '^[A-Z_][A-Z0-9_]*$',
            description: 'the environment variable that holds the API key',
          },
          fixtures: {
            type: 'string',
            minLength: 1,
            description: 'the `offline` provider: the YAML file `offline/scripted` answers from',
          },
        },
        additionalProperties: false,
      },
    },
    pricing: {
      type: 'object',
      description: 'prices by `provider/model`, for the cost in traces and `test`',
      propertyNames: { title: 'provider/model', pattern: '^[^/\\s]+/\\S+$' },
      additionalProperties: {
        type: 'object',
        properties: {
          inputPerMTok: { type: 'number', minimum: 0, description: 'price per million input tokens' },
          outputPerMTok: { type: 'number', minimum: 0, description: 'price per million output tokens' },
        },
        required: ['inputPerMTok', 'outputPerMTok'],
        additionalProperties: false,
      },
    },
    knowledge: {
      type: 'object',
      description: 'static knowledge entities for `promptops.knowledge`',
      properties: {
        file: {
          type: 'string',
          minLength: 1,
          description: 'a YAML file of `entities: { "type:id": {…} }`, relative to the project',
        },
      },
      additionalProperties: false,
    },
    eval: {
      type: 'object',
      description: 'evaluation settings',
      properties: {
        grader: {
          type: 'string',
          pattern: NAME,
          description: 'the prompt of the catalog that grades `llm-rubric` and `g-eval` assertions',
        },
        embeddings: {
          type: 'string',
          pattern: '^[^/\\s]+/\\S+$',
          description:
            'an embeddings model (`provider/model`, OpenAI-compatible) that makes `similar` compare meaning; without it `similar` is lexical',
        },
      },
      additionalProperties: false,
    },
    canary: CANARY_PLAN_SCHEMA,
    metrics: {
      type: 'object',
      description: 'the Prometheus `/metrics` page of `serve` and `gateway` (see docs/gateway.md)',
      properties: {
        public: {
          type: 'boolean',
          description:
            'serve `/metrics` without a token (default false: a scraper sends a bearer token with `read`, e.g. the viewer role); only where the port is reachable by the monitoring network alone',
        },
      },
      additionalProperties: false,
    },
    policy: {
      type: 'object',
      description: 'the review gate: who must approve what before release (see docs/control-plane.md)',
      properties: {
        ownerRequiredFrom: {
          enum: [...RISK_TIERS],
          description: 'from this risk level up, lint requires `promptops.owner`',
        },
        approvals: {
          type: 'object',
          description: 'what each risk level needs before release; levels left out keep their defaults',
          propertyNames: { title: 'risk', enum: [...RISK_TIERS] },
          additionalProperties: {
            type: 'object',
            properties: {
              required: {
                type: 'integer',
                minimum: 0,
                maximum: 10,
                description: 'approvals needed from people other than the author',
              },
              fromGroup: {
                type: 'string',
                minLength: 1,
                description: 'at least one approval must come from this group of `policy.groups`',
              },
              greenChecks: {
                type: 'boolean',
                description: 'every required check must pass; no admin override is accepted',
              },
            },
            additionalProperties: false,
          },
        },
        groups: {
          type: 'object',
          description: 'named groups of people (subjects) for `fromGroup`',
          propertyNames: { title: 'group' },
          additionalProperties: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            description: 'the subjects in the group',
          },
        },
        requiredChecks: {
          type: 'array',
          items: { enum: [...CHECK_NAMES] },
          uniqueItems: true,
          description: 'the checks a change request needs green (or overridden) before release',
        },
        checkers: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          uniqueItems: true,
          description: 'when set, only check runs recorded by these subjects (e.g. the CI token) count',
        },
        checksBy: {
          enum: [...CHECKS_BY],
          description:
            'whose check runs count: `anyone-allowed` (the ci role or an admin; default) or `control-plane`, only the checks the server ran itself (`promptops change check N --on-server`); `checkers` is then not consulted',
        },
      },
      additionalProperties: false,
    },
    guardrails: {
      type: 'object',
      description: 'guardrail settings',
      properties: {
        custom: {
          type: 'object',
          description:
            'custom guardrails by name: the module (`.js`/`.mjs`, relative to the project) that exports `check`',
          propertyNames: { title: 'guardrail' },
          additionalProperties: { type: 'string', minLength: 1, description: 'the module of this guardrail' },
        },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};
