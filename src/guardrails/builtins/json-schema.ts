import { checkOutput, compileOutputContract } from '../../contracts/output.js';
import { type GuardrailCheck, PASS } from '../types.js';

/** `json-schema`: a structured answer that does not validate (against `schema`, or the prompt's output schema). */
export function create(options: Record<string, unknown>): GuardrailCheck {
  const own = options.schema
    ? compileOutputContract('json', options.schema as Record<string, unknown>, { reasks: 0 })
    : null;
  let fromPrompt: { schema: unknown; compiled: ReturnType<typeof compileOutputContract> } | null = null;
  return (text, ctx) => {
    let compiled = own;
    if (!compiled) {
      const schema = ctx.outputSchema ?? null;
      if (fromPrompt?.schema !== schema)
        fromPrompt = { schema, compiled: compileOutputContract('json', schema, { reasks: 0 }) };
      compiled = fromPrompt.compiled;
    }
    const result = checkOutput(text, compiled);
    return result.ok ? PASS : { isViolation: true, score: 1, reasons: result.problems, spans: [] };
  };
}
