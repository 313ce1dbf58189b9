import type { Diagnostic } from '../catalog/diagnostics.js';
import type { LocatedYaml } from '../catalog/source.js';
import type { InputPolicy, RiskTier } from '../catalog/spec.js';
import { checkYamlFile } from '../catalog/yaml-file.js';
import { config as validateConfig } from '../generated/validators.js';
import {
  type ApprovalPolicy,
  type ApprovalRule,
  type CheckName,
  type ChecksBy,
  DEFAULT_APPROVAL_POLICY,
} from '../governance/policy.js';
import { type CanaryPlan, parseCanaryPlan } from '../monitor/canary-plan.js';
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
  /** Evaluation settings: the prompt that grades llm-rubric and g-eval assertions. */
  eval: { grader?: string; embeddings?: string };
  /** `/metrics`: open to anyone, or (default) only to tokens with `read`. */
  metrics: { public: boolean };
  /** The analysis plan a canary release carries by default (`canary:`); null: canaries are not analysed. */
  canary: CanaryPlan | null;
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
    skip: (problem) => problem.path.at(-1) === 'apiKey',
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
    eval: (record.eval as { grader?: string; embeddings?: string } | undefined) ?? {},
    metrics: { public: (record.metrics as { public?: boolean } | undefined)?.public ?? false },
    canary: record.canary === undefined ? null : parseCanaryPlan(record.canary, 'promptops.yaml canary'),
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
