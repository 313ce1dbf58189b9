import { pathToFileURL } from 'node:url';
import { PromptOpsError } from '../../errors.js';
import type { CheckContext, GuardrailCheck, GuardrailFactory, Verdict } from '../types.js';

/**
 * `import()` of a user's module. The CLI runs its bundle through `vm.Script`, where `import()` has no
 * loader; bin/promptops.cjs lends its own under this symbol. Everywhere else (the SDK) it is absent.
 */
function importUserModule(url: string): Promise<Record<string, unknown>> {
  const lent = (globalThis as Record<symbol, unknown>)[Symbol.for('promptops.import')];
  return typeof lent === 'function'
    ? (lent as (url: string) => Promise<Record<string, unknown>>)(url)
    : (import(url) as Promise<Record<string, unknown>>);
}

/**
 * Loads a user's guardrail module. It exports `check(text, context, options)` (or a default
 * function) returning `{ isViolation, score?, reasons?, spans? }` or a boolean; a throw or a wrong
 * shape becomes a clear error naming the module.
 */
export async function loadCustom(name: string, modulePath: string): Promise<GuardrailFactory> {
  let mod: Record<string, unknown>;
  try {
    mod = await importUserModule(pathToFileURL(modulePath).href);
  } catch (err) {
    throw new PromptOpsError(
      'PO_ERR_CONFIG_INVALID',
      `custom guardrail "${name}" could not be loaded from ${modulePath}: ${(err as Error).message}`,
    );
  }
  const fn = (typeof mod.check === 'function' ? mod.check : mod.default) as
    | ((text: string, ctx: CheckContext, options: Record<string, unknown>) => unknown)
    | undefined;
  if (typeof fn !== 'function') {
    throw new PromptOpsError(
      'PO_ERR_CONFIG_INVALID',
      `custom guardrail "${name}" (${modulePath}) must export a function named check (or a default export)`,
    );
  }
  return (options): GuardrailCheck =>
    (text, ctx): Verdict => {
      const result = fn(text, ctx, options);
      if (typeof result === 'boolean')
        return {
          isViolation: result,
          score: result ? 1 : 0,
          reasons: result ? [`${name} flagged the text`] : [],
          spans: [],
        };
      if (
        typeof result === 'object' &&
        result !== null &&
        typeof (result as Verdict).isViolation === 'boolean'
      ) {
        const v = result as Partial<Verdict> & { isViolation: boolean };
        return {
          isViolation: v.isViolation,
          score: v.score ?? (v.isViolation ? 1 : 0),
          reasons: v.reasons ?? [],
          spans: v.spans ?? [],
        };
      }
      throw new PromptOpsError(
        'PO_ERR_CONFIG_INVALID',
        `custom guardrail "${name}" returned ${JSON.stringify(result)}; return a boolean or { isViolation, reasons?, spans? }`,
      );
    };
}
