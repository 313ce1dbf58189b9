import type { JsonSchema } from '../../catalog/spec.js';
import {
  type CompiledOutputContract,
  checkOutput,
  compileOutputContract,
  extractJson,
} from '../../contracts/output.js';
import { PromptOpsError } from '../../errors.js';
import { badValue, verdict } from './shared.js';
import type { AssertionFamily, AssertionHandler, HandlerResult } from './types.js';

// Suites reuse the same schema object for every case, so compile each one once.
const compiled = new WeakMap<object, CompiledOutputContract>();

function contractFor(type: string, schema: unknown): CompiledOutputContract {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema))
    throw badValue(type, 'a JSON Schema object', schema);
  let contract = compiled.get(schema);
  // Stryker disable next-line ConditionalExpression: equivalent, a cache miss compiles the same contract again
  if (!contract) {
    try {
      // Stryker disable next-line StringLiteral,ObjectLiteral: equivalent, checkOutput reads neither reasks nor any format but 'text'
      contract = compileOutputContract('json', schema as JsonSchema, { reasks: 0 });
    } catch (err) {
      throw new PromptOpsError(
        'PO_ERR_USAGE',
        `assertion "${type}" has an invalid JSON Schema: ${(err as Error).message}`,
        {
          type,
        },
      );
    }
    compiled.set(schema, contract);
  }
  return contract;
}

/** Validates JSON text against an optional schema, with the output contract's messages. */
function validate(type: string, jsonText: string, schema: unknown, what: string): HandlerResult {
  if (schema === undefined || schema === null) return verdict(true, what);
  const check = checkOutput(jsonText, contractFor(type, schema));
  return check.ok
    ? verdict(true, `${what} and matches the schema`)
    : verdict(false, `the JSON does not match the schema: ${check.problems.join('; ')}`);
}

/** The whole answer (bar surrounding whitespace) must be JSON. */
const isJson: AssertionHandler = ({ value, ctx }) => {
  const text = ctx.output.trim();
  try {
    JSON.parse(text);
  } catch (err) {
    return verdict(false, `the answer is not valid JSON: ${(err as Error).message}`);
  }
  return validate('is-json', text, value, 'the answer is valid JSON');
};

/** The answer must hold JSON somewhere: a ```json fence, the whole text, or an embedded object. */
const containsJson: AssertionHandler = ({ value, ctx }) => {
  const found = extractJson(ctx.output);
  if (!found.ok) return verdict(false, found.problem);
  return validate('contains-json', JSON.stringify(found.value), value, 'the answer contains JSON');
};

/** The answer's JSON (the run's parsed value when there is one) must match the schema in `value`. */
const jsonSchema: AssertionHandler = ({ value, ctx }) => {
  if (value === undefined || value === null) throw badValue('json-schema', 'a JSON Schema object', value);
  let text: string;
  if (ctx.parsed !== undefined) text = JSON.stringify(ctx.parsed);
  else {
    const found = extractJson(ctx.output);
    if (!found.ok) return verdict(false, found.problem);
    text = JSON.stringify(found.value);
  }
  return validate('json-schema', text, value, 'the answer is JSON');
};

/** JSON assertions, built on the output contract's extraction and validation. */
export const JSON_ASSERTIONS: AssertionFamily = {
  'is-json': { handler: isJson },
  'contains-json': { handler: containsJson },
  'json-schema': { handler: jsonSchema },
};
