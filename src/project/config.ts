import type { Diagnostic } from '../catalog/diagnostics.js';
import type { LocatedYaml } from '../catalog/source.js';
import type { InputPolicy, RiskTier } from '../catalog/spec.js';
import { checkYamlFile } from '../catalog/yaml-file.js';
import { parseDuration } from '../duration.js';
import type { AssertionSpec } from '../eval/assertions/index.js';
import { config as validateConfig } from '../generated/validators.js';
import {
  type ApprovalPolicy,
  type ApprovalRule,
  type CheckName,
  type ChecksBy,
  DEFAULT_APPROVAL_POLICY,
} from '../governance/policy.js';
import type { GraphSchema } from '../graph/types.js';
import type { AlertRule, AlertsConfig, AlertWebhook } from '../monitor/alert-rules.js';
import { type CanaryPlan, parseCanaryPlan } from '../monitor/canary-plan.js';
import { DEFAULT_THRESHOLDS, type DriftThresholds } from '../monitor/drift.js';
import { type TelemetryConfig, TRACE_KEEP } from '../monitor/sampling.js';
import { BUILTIN_PROVIDERS, type ModelPrice, type ProviderSettings } from '../providers/definitions.js';

export const CONFIG_FILE = 'promptops.yaml';

/** `promptops.yaml`, validated and with every default filled in. */
export interface ProjectConfig {
  project: string;
  /** Folders (relative to the project root) searched for `.prompt` files. */
  catalog: string[];
  environments: string[];
  store: { url: string };
  defaults: { model?: string; risk: RiskTier; contract: { policy: InputPolicy; maxInputChars?: number } };
  /** Built-in providers merged with the project's own. */
  providers: Record<string, ProviderSettings>;
  /** Lint's owner rule, and the approvals each risk level needs before release. */
  policy: { ownerRequiredFrom: RiskTier } & ApprovalPolicy;
  guardrails: { custom: Record<string, string> };
  /** Price table by `provider/model`. */
  pricing: Record<string, ModelPrice>;
  /** Static knowledge entities (until the knowledge graph serves them). */
  knowledge: { file?: string };
  /** The knowledge graph's declared types (`graph:`); null: any type may be ingested. */
  graph: GraphSchema | null;
  /** Evaluation settings: the prompt that grades llm-rubric and g-eval assertions. */
  eval: { grader?: string; embeddings?: string };
  /** `/metrics`: open to anyone, or (default) only to tokens with `read`. */
  metrics: { public: boolean };
  /** The web console: how long a sign-in lasts at most (hours). */
  console: { sessionHours: number };
  /** Drift detection: the reference window, the current window, thresholds, what is watched. */
  drift: DriftConfig;
  /** Scheduled re-grading of production traces: how often, how many, and each prompt's assertions. */
  regrade: { every: string; sample: number; graders: Record<string, AssertionSpec[]> };
  /** Trace sampling, rollup flushes and retention (`telemetry:`). */
  telemetry: TelemetryConfig;
  /** Alert rules and the webhooks alerts go to. */
  alerts: AlertsConfig;
  /** The analysis plan a canary release carries by default (`canary:`); null: canaries are not analysed. */
  canary: CanaryPlan | null;
}

export interface DriftConfig {
  /** `release-day`: the served version's first 24 h; or a fixed baseline. */
  reference: 'release-day' | { from: string; to: string };
  /** The current window, ending now (a duration: `1h`). */
  window: string;
  /** How often `serve` checks (a duration). */
  every: string;
  /** Only these prompts / environments; empty means all. */
  prompts: string[];
  environments: string[];
  thresholds: DriftThresholds;
}

export const DEFAULT_ENVIRONMENTS = ['development', 'staging', 'production'];
export const DEFAULT_STORE_URL = 'sqlite:.promptops/registry.db';

/**
 * Parses and validates the text of `promptops.yaml`. Returns the config with defaults applied,
 * or diagnostics (with line and column) explaining what to fix.
 */
export function parseProjectConfig(
  text: string,
  file: string,
  fallbackName = 'default',
): { config: ProjectConfig | null; diagnostics: Diagnostic[] } {
  const checked = checkYamlFile(text, file, {
    validate: validateConfig,
    rule: 'config-invalid',
    syntaxHint: `fix the YAML syntax of ${file}`,
    notMapping: `${file} must be a YAML mapping of settings`,
    // a provider's apiKey gets its own, more useful message below
    skip: (problem) => problem.path.at(-1) === 'apiKey' || hasOwnMessage(problem.path),
  });
  if (checked.yaml.errors.length > 0 || checked.diagnostics.some((d) => d.rule === 'config-shape')) {
    return { config: null, diagnostics: checked.diagnostics };
  }
  const raw = checked.yaml.value ?? {};
  const record = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}) as Record<
    string,
    unknown
  >;
  const providers = (record.providers ?? {}) as Record<string, Record<string, unknown>>;
  const diagnostics: Diagnostic[] = [
    ...checked.diagnostics,
    ...secretsInConfig(providers, file, checked.yaml.locate),
    ...undefinedApprovalGroups(record, file, checked.yaml.locate),
    ...alertProblems(record, file, checked.yaml.locate),
  ];
  if (diagnostics.length > 0) return { config: null, diagnostics };
  return { config: withDefaults(record, providers, fallbackName), diagnostics: [] };
}

/** Where a path of keys sits in the YAML text (the key itself, or its value). */
type Locate = LocatedYaml['locate'];

/** An error for every provider that writes its API key into the file instead of naming a variable. */
function secretsInConfig(
  providers: Record<string, Record<string, unknown>>,
  file: string,
  locate: Locate,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const [name, settings] of Object.entries(
    typeof providers === 'object' && providers ? providers : {},
  )) {
    if (settings && typeof settings === 'object' && 'apiKey' in settings) {
      const at = locate(['providers', name, 'apiKey'], 'key');
      diagnostics.push({
        file,
        line: at.line,
        col: at.col,
        severity: 'error',
        rule: 'secret-in-config',
        message: `providers.${name}.apiKey puts a secret in a file; remove it, export the key as an environment variable and name it with apiKeyEnv`,
      });
    }
  }
  return diagnostics;
}

/** An error for every approval rule whose `fromGroup` names a group `policy.groups` lacks. */
function undefinedApprovalGroups(
  record: Record<string, unknown>,
  file: string,
  locate: Locate,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const policySection = (record.policy ?? {}) as {
    approvals?: Record<string, { fromGroup?: string }>;
    groups?: Record<string, unknown>;
  };
  for (const [level, rule] of Object.entries(policySection.approvals ?? {})) {
    if (rule?.fromGroup && !Object.hasOwn(policySection.groups ?? {}, rule.fromGroup)) {
      const at = locate(['policy', 'approvals', level, 'fromGroup'], 'value');
      diagnostics.push({
        file,
        line: at.line,
        col: at.col,
        severity: 'error',
        rule: 'config-invalid',
        message: `policy.approvals.${level}.fromGroup names group "${rule.fromGroup}", which policy.groups does not define; add it with its members`,
      });
    }
  }
  return diagnostics;
}

/** A webhook's `secret` key or a rule's window: problems with a message of their own (alertProblems). */
function hasOwnMessage(path: readonly (string | number)[]): boolean {
  if (path.length !== 4 || path[0] !== 'alerts') return false;
  return (path[1] === 'webhooks' && path[3] === 'secret') || (path[1] === 'rules' && path[3] === 'window');
}

/**
 * What the schema cannot say about `alerts`: a secret written into the file, two rules or webhooks
 * with one name, a rule on an environment the project does not have.
 */
function alertProblems(record: Record<string, unknown>, file: string, locate: Locate): Diagnostic[] {
  const section = (record.alerts ?? {}) as { webhooks?: unknown; rules?: unknown };
  const environments = (record.environments as string[] | undefined) ?? DEFAULT_ENVIRONMENTS;
  const diagnostics: Diagnostic[] = [];
  const problem = (path: (string | number)[], message: string, rule = 'config-invalid') => {
    const at = locate(path, 'value');
    diagnostics.push({ file, line: at.line, col: at.col, severity: 'error', rule, message });
  };
  const webhooks = Array.isArray(section.webhooks) ? (section.webhooks as Record<string, unknown>[]) : [];
  const rules = Array.isArray(section.rules) ? (section.rules as Record<string, unknown>[]) : [];
  webhooks.forEach((hook, i) => {
    if (hook && typeof hook === 'object' && 'secret' in hook) {
      problem(
        ['alerts', 'webhooks', i, 'secret'],
        `alerts.webhooks[${i}].secret puts a secret in a file; remove it, export the secret as an environment variable and name it with secretEnv`,
        'secret-in-config',
      );
    }
  });
  for (const [kind, list] of [
    ['webhooks', webhooks],
    ['rules', rules],
  ] as const) {
    const seen = new Set<unknown>();
    list.forEach((item, i) => {
      const name = item?.name;
      if (typeof name !== 'string') return;
      if (seen.has(name))
        problem(
          ['alerts', kind, i, 'name'],
          `alerts.${kind}[${i}].name "${name}" is used twice; give each of alerts.${kind} its own name`,
        );
      seen.add(name);
    });
  }
  rules.forEach((rule, i) => {
    const window = rule?.window;
    if (window !== undefined && !(typeof window === 'string' && (parseDuration(window) ?? 0) > 0))
      problem(
        ['alerts', 'rules', i, 'window'],
        `alerts.rules[${i}].window ${JSON.stringify(window)} is not a duration above zero; write a whole number and s, m, h or d, e.g. 5m`,
      );
    const environment = rule?.environment;
    if (typeof environment === 'string' && !environments.includes(environment))
      problem(
        ['alerts', 'rules', i, 'environment'],
        `alerts.rules[${i}].environment "${environment}" is not one of the project's environments (${environments.join(', ')})`,
      );
  });
  return diagnostics;
}

/** `alerts` with the defaults filled in. */
function alertsOf(
  section: { webhooks?: Partial<AlertWebhook>[]; rules?: Partial<AlertRule>[] } | undefined,
): AlertsConfig {
  return {
    webhooks: (section?.webhooks ?? []).map((hook) => ({ minSeverity: 'info', ...hook }) as AlertWebhook),
    rules: (section?.rules ?? []).map((rule) => ({ minSamples: 1, ...rule }) as AlertRule),
  };
}

/** The validated file's settings with every default filled in. */
function withDefaults(
  record: Record<string, unknown>,
  providers: Record<string, Record<string, unknown>>,
  fallbackName: string,
): ProjectConfig {
  const defaults = (record.defaults ?? {}) as Record<string, unknown>;
  const contract = (defaults.contract ?? {}) as Record<string, unknown>;
  const policy = (record.policy ?? {}) as Record<string, unknown>;
  const catalog = record.catalog;
  return {
    project: (record.project as string) ?? fallbackName,
    catalog: catalog === undefined ? ['.'] : typeof catalog === 'string' ? [catalog] : (catalog as string[]),
    environments: (record.environments as string[]) ?? DEFAULT_ENVIRONMENTS,
    store: { url: ((record.store as Record<string, unknown>)?.url as string) ?? DEFAULT_STORE_URL },
    defaults: {
      ...(defaults.model ? { model: defaults.model as string } : {}),
      risk: (defaults.risk as RiskTier) ?? 'low',
      contract: {
        policy: (contract.policy as InputPolicy) ?? 'reject',
        ...(contract.maxInputChars ? { maxInputChars: contract.maxInputChars as number } : {}),
      },
    },
    providers: mergeProviders(providers),
    policy: {
      ownerRequiredFrom: (policy.ownerRequiredFrom as RiskTier) ?? 'high',
      approvals: approvalRules(policy.approvals as Record<string, Partial<ApprovalRule>> | undefined),
      groups: (policy.groups as Record<string, string[]> | undefined) ?? {},
      requiredChecks:
        (policy.requiredChecks as CheckName[] | undefined) ?? DEFAULT_APPROVAL_POLICY.requiredChecks,
      checkers: (policy.checkers as string[] | undefined) ?? [],
      checksBy: (policy.checksBy as ChecksBy | undefined) ?? DEFAULT_APPROVAL_POLICY.checksBy,
    },
    guardrails: {
      custom: ((record.guardrails as Record<string, unknown>)?.custom as Record<string, string>) ?? {},
    },
    pricing: (record.pricing as Record<string, ModelPrice> | undefined) ?? {},
    knowledge: (record.knowledge as { file?: string } | undefined) ?? {},
    graph: graphSchemaOf(record.graph as Partial<GraphSchema> | undefined),
    eval: (record.eval as { grader?: string; embeddings?: string } | undefined) ?? {},
    metrics: { public: (record.metrics as { public?: boolean } | undefined)?.public ?? false },
    console: {
      sessionHours: (record.console as { sessionHours?: number } | undefined)?.sessionHours ?? 12,
    },
    drift: driftConfig((record.drift ?? {}) as Partial<DriftConfig>),
    regrade: {
      every: '1h',
      sample: 20,
      graders: {},
      ...(record.regrade as Partial<ProjectConfig['regrade']> | undefined),
    },
    telemetry: telemetryConfig((record.telemetry ?? {}) as Record<string, Record<string, unknown>>),
    alerts: alertsOf(record.alerts as Parameters<typeof alertsOf>[0]),
    canary: record.canary === undefined ? null : parseCanaryPlan(record.canary, 'promptops.yaml canary'),
  };
}

/** The drift section with its defaults; thresholds left out keep theirs. */
function driftConfig(
  given: Partial<Omit<DriftConfig, 'thresholds'>> & { thresholds?: Partial<DriftThresholds> },
): DriftConfig {
  return {
    reference: given.reference ?? 'release-day',
    window: given.window ?? '1h',
    every: given.every ?? '5m',
    prompts: given.prompts ?? [],
    environments: given.environments ?? [],
    thresholds: { ...DEFAULT_THRESHOLDS, ...given.thresholds },
  };
}

/** `telemetry:` with its defaults: every trace stored, rollups written every 10 s, kept for ever. */
function telemetryConfig(given: Record<string, Record<string, unknown> | undefined>): TelemetryConfig {
  const duration = (text: unknown) => (typeof text === 'string' ? parseDuration(text) : null);
  return {
    traces: {
      sample: (given.traces?.sample as number | undefined) ?? 1,
      keep: (given.traces?.keep as TelemetryConfig['traces']['keep'] | undefined) ?? [...TRACE_KEEP],
    },
    retention: { tracesMs: duration(given.retention?.traces), rollupsMs: duration(given.retention?.rollups) },
    rollups: { flushMs: ((given.rollups?.flushSeconds as number | undefined) ?? 10) * 1000 },
  };
}

/** The built-in providers with the project's own laid over them (a new one defaults to openai-compatible). */
function mergeProviders(
  providers: Record<string, Record<string, unknown>>,
): Record<string, ProviderSettings> {
  const merged: Record<string, ProviderSettings> = { ...BUILTIN_PROVIDERS };
  for (const [name, settings] of Object.entries(providers)) {
    const base = merged[name];
    merged[name] = {
      ...base,
      ...(settings as Partial<ProviderSettings>),
      type: (settings.type as ProviderSettings['type']) ?? base?.type ?? 'openai-compatible',
    };
  }
  return merged;
}

/** The configuration a folder without `promptops.yaml` gets (used by `lint` on loose files). */
export function defaultProjectConfig(): ProjectConfig {
  const parsed = parseProjectConfig('{}', CONFIG_FILE);
  return parsed.config!;
}

/** The approval rules with the defaults filled in for every level the file leaves out. */
function approvalRules(
  given: Record<string, Partial<ApprovalRule>> | undefined,
): ApprovalPolicy['approvals'] {
  const out = { ...DEFAULT_APPROVAL_POLICY.approvals };
  for (const [level, rule] of Object.entries(given ?? {})) {
    const key = level as RiskTier;
    out[key] = { ...out[key], ...rule };
  }
  return out;
}

/** The `graph:` section with its lists defaulted (null: no section, any type goes). */
function graphSchemaOf(given: Partial<GraphSchema> | undefined): GraphSchema | null {
  if (!given) return null;
  return {
    entityTypes: given.entityTypes ?? [],
    relationTypes: given.relationTypes ?? [],
    acyclic: given.acyclic ?? [],
  };
}
