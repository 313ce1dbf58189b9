import { describeAjvErrors } from '../contracts/schema-errors.js';
import { didYouMean } from '../suggest.js';
import type { GuardrailRules, KnownNames, Locator, Raw, Reporter } from './parse-context.js';
import type { GuardrailAction, GuardrailDecl, GuardrailStage } from './spec.js';

/** The guardrail declarations of both stages in canonical form (see `normalizeStage`). */
export function normalizeGuardrails(
  raw: unknown,
  known: KnownNames,
  custom: Readonly<Record<string, string>>,
  locate: Locator,
  report: Reporter,
): Record<GuardrailStage, GuardrailDecl[]> {
  const lists = (raw ?? {}) as Record<GuardrailStage, unknown[] | undefined>;
  return {
    input: normalizeStage(lists.input ?? [], 'input', known, custom, locate, report),
    output: normalizeStage(lists.output ?? [], 'output', known, custom, locate, report),
  };
}

/**
 * The guardrail declarations of one stage in canonical form, reporting unknown guardrails, a stage
 * or action that does not fit, and invalid options. Bad entries are left out.
 */
function normalizeStage(
  list: unknown[],
  stage: GuardrailStage,
  known: KnownNames,
  custom: Readonly<Record<string, string>>,
  locate: Locator,
  report: Reporter,
): GuardrailDecl[] {
  const decls: GuardrailDecl[] = [];
  list.forEach((item, index) => {
    const entry = (typeof item === 'string' ? { name: item } : item) as Raw;
    const name = entry.name as string;
    const at = locate(['promptops.guardrails', stage, index]);
    const rules: GuardrailRules | undefined =
      known.guardrails.get(name) ?? (Object.hasOwn(custom, name) ? known.customGuardrail : undefined);
    if (!rules) {
      const builtins = [...known.guardrails.keys()];
      report(
        at,
        'unknown-guardrail',
        `unknown guardrail "${name}"${didYouMean(name, [...builtins, ...Object.keys(custom)])}; built-in guardrails are ${builtins.join(', ')}, and custom ones are declared under guardrails.custom in promptops.yaml`,
      );
      return;
    }
    if (!rules.stages.includes(stage)) {
      report(
        at,
        'guardrail-stage',
        `guardrail "${name}" checks ${rules.stages.join(' and ')} only; move it to promptops.guardrails.${rules.stages[0]}`,
      );
      return;
    }
    const action = (entry.action as GuardrailAction | undefined) ?? rules.defaultAction;
    const misfit = actionMisfit(name, stage, action, rules, entry);
    if (misfit) report(at, 'guardrail-action', misfit);
    const options = (entry.options as Raw | undefined) ?? {};
    checkOptions(name, options, rules, ['promptops.guardrails', stage, index, 'options'], locate, report);
    decls.push({
      name,
      action,
      options,
      ...(typeof entry.fallback === 'string' ? { fallback: entry.fallback } : {}),
    });
  });
  return decls;
}

/** Why an action does not fit this guardrail at this stage, or null when it does. */
function actionMisfit(
  name: string,
  stage: GuardrailStage,
  action: GuardrailAction,
  rules: GuardrailRules,
  entry: Raw,
): string | null {
  if (action === 'reask' && stage === 'input') {
    return `action "reask" re-asks the model and only applies to output guardrails; use block, flag or escalate for "${name}" on input`;
  }
  if (action === 'redact' && !rules.hasSpans) {
    return `guardrail "${name}" does not find spans of text, so it cannot redact; use block, flag or fallback`;
  }
  if (action === 'fallback' && typeof entry.fallback !== 'string') {
    return `action "fallback" for "${name}" needs the safe response to return: add fallback: "<text>"`;
  }
  return null;
}

/** Checks a guardrail's options against its validator (custom guardrails validate their own). */
function checkOptions(
  name: string,
  options: Raw,
  rules: GuardrailRules,
  path: (string | number)[],
  locate: Locator,
  report: Reporter,
): void {
  const validate = rules.validateOptions;
  if (validate && !validate(options)) {
    for (const problem of describeAjvErrors(validate.errors, `${name} options`)) {
      report(
        locate([...path, ...problem.path], problem.isKey ? 'key' : 'value'),
        'guardrail-options',
        problem.message,
      );
    }
  } else if (name === 'regex') {
    try {
      new RegExp(options.pattern as string, (options.flags as string | undefined) ?? '');
    } catch (err) {
      report(
        locate([...path, 'pattern']),
        'guardrail-options',
        `regex options.pattern does not compile: ${(err as Error).message}`,
      );
    }
  }
}
