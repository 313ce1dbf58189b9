import type { ErrorObject } from 'ajv';
import type { Diagnostic } from './diagnostics.js';
import type { Position } from './source.js';
import type { GuardrailAction, GuardrailStage, InputPolicy, JsonSchema, RiskTier } from './spec.js';

/**
 * What a prompt is parsed against: the project's settings and what the layers above catalog/ know
 * (guardrails, providers). Passed in, so that catalog/ imports nothing above it; the project
 * builds it (project/parse-context.ts).
 */
export interface ParseContext {
  config: CatalogConfig;
  /** Partial templates available to `{{> name}}`, by name. */
  partials?: ReadonlyMap<string, string>;
  /** Named schemas (the project's `schemas/` folder) that Picoschema types may name: Dotprompt's defineSchema. */
  schemas?: ReadonlyMap<string, JsonSchema>;
  known: KnownNames;
}

/** The settings of `promptops.yaml` that parsing reads (a `ProjectConfig` is one). */
export interface CatalogConfig {
  defaults: { model?: string; risk: RiskTier; contract: { policy: InputPolicy; maxInputChars?: number } };
  providers: Readonly<Record<string, { type: string }>>;
  policy: { ownerRequiredFrom: RiskTier };
  guardrails: { custom: Readonly<Record<string, string>> };
}

/** What a guardrail declaration is checked against: where it runs and which actions make sense. */
export interface GuardrailRules {
  stages: readonly GuardrailStage[];
  /** Whether the guardrail reports character spans (needed for `redact`). */
  hasSpans: boolean;
  defaultAction: GuardrailAction;
  /** The validator of its options; none for custom guardrails, which validate their own. */
  validateOptions?: OptionsValidator;
}

/** A compiled JSON Schema check (a standalone Ajv validator): true when valid, else `errors` says why. */
export interface OptionsValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** The names a prompt may use that are defined above catalog/. */
export interface KnownNames {
  /** Built-in guardrails by name. */
  guardrails: ReadonlyMap<string, GuardrailRules>;
  /** The rules of a custom guardrail (one declared under guardrails.custom in promptops.yaml). */
  customGuardrail: GuardrailRules;
  /** The models of the `offline` provider type. */
  offlineModels: readonly string[];
}

/** A frontmatter mapping as read from YAML, before it is checked. */
export type Raw = Record<string, unknown>;
/** Records one diagnostic at a position. */
export type Reporter = (
  at: Position,
  rule: string,
  message: string,
  severity?: Diagnostic['severity'],
) => void;
/** The position of a frontmatter key or value. */
export type Locator = (path: (string | number)[], which?: 'key' | 'value') => Position;
