import { NAME_PATTERN } from '../catalog/frontmatter-schema.js';
import { RISK_TIERS } from '../catalog/spec.js';
import { DURATION_PATTERN } from '../duration.js';
import { CHECK_NAMES, CHECKS_BY } from '../governance/policy.js';
import { CANARY_PLAN_SCHEMA } from '../monitor/canary-plan.js';
import { METRICS } from '../monitor/rollup.js';
import { TRACE_KEEP } from '../monitor/sampling.js';
import { PROVIDER_TYPES } from '../providers/definitions.js';

const SEVERITY = {
  enum: ['info', 'warning', 'critical'],
  description: 'how urgent: `info`, `warning` or `critical`',
};

// Projects, environments and graders are names like prompts and labels: one pattern, one length.
const NAME = NAME_PATTERN;

/** One assertion as a suite writes it; `regrade.graders` in promptops.yaml writes them the same way. */
export const ASSERTION_SCHEMA = {
  type: 'object',
  properties: {
    type: { type: 'string', minLength: 1 },
    value: {},
    threshold: { type: 'number' },
    weight: { type: 'number', minimum: 0 },
    metric: { type: 'string' },
  },
  required: ['type'],
  additionalProperties: false,
};

/** A duration: `90s`, `30m`, `12h`, `7d`. */
const DURATION = { type: 'string', pattern: DURATION_PATTERN };

/** Where a drift check becomes moderate and major. */
const BANDS = {
  type: 'object',
  properties: {
    moderate: { type: 'number', minimum: 0, description: 'from this value up the shift is moderate' },
    major: { type: 'number', minimum: 0, description: 'above this value the shift is major' },
  },
  required: ['moderate', 'major'],
  additionalProperties: false,
};

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
    graph: {
      type: 'object',
      description:
        "the knowledge graph's declared types (see docs/knowledge-graph.md); without it any type may be ingested",
      properties: {
        entityTypes: {
          type: 'array',
          items: { type: 'string', pattern: NAME },
          maxItems: 200,
          description: 'the entity types an ingest may send (empty: any)',
        },
        relationTypes: {
          type: 'array',
          items: { type: 'string', pattern: NAME },
          maxItems: 200,
          description: 'the relation types an ingest may send (empty: any)',
        },
        acyclic: {
          type: 'array',
          items: { type: 'string', pattern: NAME },
          maxItems: 200,
          description: 'relation types whose edges may not form a cycle (`parent_of`)',
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
    console: {
      type: 'object',
      description: 'the web console that `serve` serves at `/` (see docs/control-plane.md)',
      properties: {
        sessionHours: {
          type: 'integer',
          minimum: 1,
          maximum: 168,
          description:
            'how long a console sign-in lasts at most, in hours (default 12; 1 to 168); never beyond the expiry of the token signed in with',
        },
      },
      additionalProperties: false,
    },
    telemetry: {
      type: 'object',
      description:
        'what gateways keep of their traffic: raw traces (sampled), per-minute rollups, and how long both are kept (see docs/monitoring.md)',
      properties: {
        traces: {
          type: 'object',
          description: 'which raw traces are stored; metrics and rollups count every request either way',
          properties: {
            sample: {
              type: 'number',
              minimum: 0,
              maximum: 1,
              description: 'the share of traces stored, decided by trace id (default 1: all)',
            },
            keep: {
              type: 'array',
              items: { enum: [...TRACE_KEEP] },
              uniqueItems: true,
              description:
                'traces stored whatever the sample: errors, held requests, canary traffic (default all three)',
            },
          },
          additionalProperties: false,
        },
        retention: {
          type: 'object',
          description: 'how long the store keeps telemetry, e.g. `30d` (default: for ever)',
          properties: {
            traces: { type: 'string', pattern: DURATION_PATTERN, description: 'raw traces, e.g. `30d`' },
            rollups: { type: 'string', pattern: DURATION_PATTERN, description: 'rollups, e.g. `400d`' },
          },
          additionalProperties: false,
        },
        rollups: {
          type: 'object',
          description: 'how gateways write their rollups',
          properties: {
            flushSeconds: {
              type: 'number',
              exclusiveMinimum: 0,
              maximum: 3600,
              description: 'how often a gateway writes its rollups to the store (default 10)',
            },
          },
          additionalProperties: false,
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
    alerts: {
      type: 'object',
      description: 'alert rules over the rollups, and the webhooks alerts go to (see docs/monitoring.md)',
      properties: {
        webhooks: {
          type: 'array',
          description: 'where alerts are POSTed, signed with HMAC-SHA256',
          items: {
            type: 'object',
            properties: {
              name: { type: 'string', pattern: NAME, description: 'the name deliveries are listed by' },
              url: { type: 'string', pattern: '^https?://', description: 'the URL alerts are POSTed to' },
              secretEnv: {
                type: 'string',
                pattern: '^[A-Z_][A-Z0-9_]*$',
                description:
                  'the environment variable that holds the signing secret (the secret never goes in this file)',
              },
              minSeverity: { ...SEVERITY, description: 'only alerts at least this severe (default: all)' },
            },
            required: ['name', 'url', 'secretEnv'],
            additionalProperties: false,
          },
        },
        rules: {
          type: 'array',
          description: 'conditions on a metric over a recent window that raise an alert while they hold',
          items: {
            type: 'object',
            properties: {
              name: { type: 'string', pattern: NAME, description: 'the alert the rule raises' },
              metric: {
                enum: Object.keys(METRICS),
                description: 'the metric judged (e.g. `error_rate`, `p95_latency_ms`)',
              },
              prompt: { type: 'string', pattern: NAME, description: 'only this prompt (default: all)' },
              environment: {
                type: 'string',
                pattern: NAME,
                description: 'only this environment (default: all)',
              },
              arm: { enum: ['stable', 'canary'], description: 'only this arm of a canary release' },
              op: { enum: ['>', '>=', '<', '<='], description: 'how the value compares with the threshold' },
              threshold: { type: 'number', description: 'the value the metric is compared with' },
              window: {
                ...DURATION,
                description:
                  'how far back the metric is computed, e.g. `5m`, `1h`: the complete minutes it covers, rounded up (`90s` reads 2)',
              },
              minSamples: {
                type: 'integer',
                minimum: 1,
                description: 'fewer samples in the window than this decide nothing (default 1)',
              },
              severity: SEVERITY,
            },
            required: ['name', 'metric', 'op', 'threshold', 'window', 'severity'],
            additionalProperties: false,
          },
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
    drift: {
      type: 'object',
      description:
        'drift detection: production traffic compared with a reference window (see docs/monitoring.md)',
      properties: {
        reference: {
          description:
            "the reference window: `release-day` (the first 24 h of the served version's release, default) or a fixed baseline `{from, to}` (ISO 8601)",
          anyOf: [
            { enum: ['release-day'] },
            {
              type: 'object',
              properties: { from: { type: 'string', minLength: 1 }, to: { type: 'string', minLength: 1 } },
              required: ['from', 'to'],
              additionalProperties: false,
            },
          ],
        },
        window: { ...DURATION, description: 'the current window, ending now (default `1h`)' },
        every: { ...DURATION, description: 'how often `serve` checks (default `5m`)' },
        prompts: {
          type: 'array',
          items: { type: 'string', pattern: NAME },
          uniqueItems: true,
          description: 'only these prompts (default: every prompt an environment serves)',
        },
        environments: {
          type: 'array',
          items: { type: 'string', pattern: NAME },
          uniqueItems: true,
          description: 'only these environments (default: all of `environments`)',
        },
        thresholds: {
          type: 'object',
          description: 'where a shift becomes moderate (an alert of severity warning) and major (critical)',
          properties: {
            psi: { ...BANDS, description: 'PSI of input fields and output length (default 0.1 / 0.25)' },
            rate: {
              ...BANDS,
              description:
                'refusal, block and schema-valid rates: change as a fraction (default 0.05 / 0.15)',
            },
            level: {
              ...BANDS,
              description: 'p95 latency and cost per request: relative change (default 0.25 / 1)',
            },
            z: {
              type: 'number',
              minimum: 0,
              description: 'a rate change counts from this |z| up (default 3)',
            },
            minSamples: {
              type: 'integer',
              minimum: 1,
              description: 'fewer samples in either window: too few to judge (default 100)',
            },
            ewma: {
              type: 'object',
              description:
                'the EWMA chart of sudden changes: smoothing `lambda` (0.2), limit `width` in σ (3), `minSamples` a minute needs (10)',
              properties: {
                lambda: {
                  type: 'number',
                  exclusiveMinimum: 0,
                  maximum: 1,
                  description: 'the weight of the newest minute, over 0 and at most 1',
                },
                width: {
                  type: 'number',
                  exclusiveMinimum: 0,
                  description: 'the control limits, in standard deviations from the reference mean',
                },
                minSamples: {
                  type: 'integer',
                  minimum: 1,
                  description: 'a minute with fewer samples is not a point of the chart (default 10)',
                },
              },
              required: ['lambda', 'width'],
              additionalProperties: false,
            },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
    regrade: {
      type: 'object',
      description:
        'scheduled re-grading: a sample of fresh production traces graded by reference-free assertions, recorded as the `grader_score` metric',
      properties: {
        every: { ...DURATION, description: 'how often `serve` re-grades (default `1h`)' },
        sample: {
          type: 'integer',
          minimum: 1,
          maximum: 1000,
          description: 'traces per prompt per run (default 20)',
        },
        graders: {
          type: 'object',
          description:
            'per prompt, the assertions that grade its production answers (no expected output: is-json, contains-any, javascript, llm-rubric with eval.grader, …)',
          propertyNames: { title: 'prompt', pattern: NAME },
          additionalProperties: {
            type: 'array',
            items: ASSERTION_SCHEMA,
            minItems: 1,
            description:
              "the prompt's assertions, written as in a suite; a trace's score is their weighted mean",
          },
        },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};
