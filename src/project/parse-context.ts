import type { GuardrailRules, KnownNames, ParseContext } from '../catalog/parse-context.js';
import type { JsonSchema } from '../catalog/spec.js';
import * as validators from '../generated/validators.js';
import {
  BUILTIN_GUARDRAILS,
  customGuardrailDefinition,
  type GuardrailDefinition,
  guardrailValidatorName,
} from '../guardrails/definitions.js';
import { OFFLINE_MODELS } from '../providers/definitions.js';
import type { ProjectConfig } from './config.js';

function rulesOf(
  definition: GuardrailDefinition,
  validateOptions?: validators.GeneratedValidator,
): GuardrailRules {
  return {
    stages: definition.stages,
    hasSpans: definition.hasSpans,
    defaultAction: definition.defaultAction,
    ...(validateOptions ? { validateOptions } : {}),
  };
}

/** The names defined above catalog/ that a prompt may use: built-in guardrails and offline models. */
export const KNOWN_NAMES: KnownNames = {
  guardrails: new Map(
    [...BUILTIN_GUARDRAILS].map(([name, definition]) => [
      name,
      // Built-ins have build-time compiled options validators; custom guardrails validate their own.
      rulesOf(
        definition,
        (validators as unknown as Record<string, validators.GeneratedValidator | undefined>)[
          guardrailValidatorName(name)
        ],
      ),
    ]),
  ),
  customGuardrail: rulesOf(customGuardrailDefinition('custom')),
  offlineModels: OFFLINE_MODELS,
};

/** What the project's prompts are parsed against: its config, partials, named schemas and the known names. */
export function parseContext(
  config: ProjectConfig,
  partials?: ReadonlyMap<string, string>,
  schemas?: ReadonlyMap<string, JsonSchema>,
): ParseContext {
  return { config, known: KNOWN_NAMES, ...(partials ? { partials } : {}), ...(schemas ? { schemas } : {}) };
}
