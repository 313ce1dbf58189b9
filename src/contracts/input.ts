import type { ErrorObject, ValidateFunction } from 'ajv';
import type { ContractSpec, JsonSchema } from '../catalog/spec.js';
import { PromptOpsError } from '../errors.js';
import { createAjv } from './json-schema.js';
import { toDraft2020 } from './schema-check.js';
import { describeAjvError, pointerKeys, usefulAjvErrors } from './schema-errors.js';

/** A change the `coerce` policy (or a field rule) made to the caller's input. */
export interface ContractMutation {
  path: string;
  rule: 'default' | 'coerce-type' | 'trim' | 'truncate' | 'remove-unknown';
  before: unknown;
  after: unknown;
}

/** One reason an input breaks its contract. */
export interface ContractViolation {
  path: string;
  rule: string;
  message: string;
  expected?: unknown;
  got?: unknown;
}

/** Hard limits that hold whatever the schema says, so hostile input fails fast and cleanly. */
export const INPUT_LIMITS = { maxDepth: 32, maxChars: 1_000_000 };

/** The input contract of one version, compiled once and reused for every request. */
export interface CompiledInputContract {
  schema: JsonSchema | null;
  defaults: Record<string, unknown>;
  contract: ContractSpec;
  strict: ValidateFunction | null;
  coercing: ValidateFunction | null;
}

// Schemas were checked against the meta-schema when the version was linted and pushed; checking
// again here would compile the meta-schema (~50 ms) in every process that runs a prompt.
const strictAjv = createAjv({ strict: false, allErrors: true, validateSchema: false });
const coercingAjv = createAjv({
  strict: false,
  allErrors: true,
  coerceTypes: true,
  useDefaults: true,
  validateSchema: false,
});

/** Compiles a version's input schema with both validators (plain and coercing). */
export function compileInputContract(
  schema: JsonSchema | null,
  defaults: Record<string, unknown>,
  contract: ContractSpec,
): CompiledInputContract {
  const current = schema && toDraft2020(schema);
  return {
    schema: current,
    defaults,
    contract,
    strict: current ? strictAjv.compile(current) : null,
    coercing: current ? coercingAjv.compile(current) : null,
  };
}

/**
 * Checks an input against its contract. Under `reject`, any violation throws; under `coerce`,
 * defaults, type coercion, truncation and removal of unknown fields repair what they can, and every
 * change is returned so it can be recorded on the trace. Never mutates `input`.
 */
export function enforceInput(
  input: unknown,
  compiled: CompiledInputContract,
  label: string,
): { value: Record<string, unknown>; mutations: ContractMutation[] } {
  const violations: ContractViolation[] = [];
  const fail = () =>
    new PromptOpsError(
      'PO_ERR_CONTRACT_VIOLATION',
      `input for ${label} breaks its contract: ${violations.map((v) => `${v.path || '(input)'} ${v.message}`).join('; ')}`,
      { prompt: label, violations },
    );
  const refused = refuseShape(input);
  if (refused) {
    violations.push(refused);
    throw fail();
  }

  const contract = compiled.contract;
  const isCoerce = contract.policy === 'coerce';
  const mutations: ContractMutation[] = [];
  const value = clone(input) as Record<string, unknown>;

  for (const [key, fallback] of Object.entries(compiled.defaults)) {
    if (value[key] === undefined) {
      define(value, key, clone(fallback));
      mutations.push({ path: key, rule: 'default', before: undefined, after: fallback });
    }
  }

  applyFieldRules(value, contract, () => true, mutations, violations);

  if (isCoerce && compiled.schema) removeUnknown(value, compiled.schema, '', mutations);

  const validate = isCoerce ? compiled.coercing : compiled.strict;
  if (validate) {
    const before = isCoerce ? clone(value) : null;
    if (!validate(value)) violations.push(...toViolations(validate.errors ?? [], value));
    if (before !== null) {
      recordCoercions(before, value, '', mutations);
      // A value that only became a string through coercion (null → "", 123456 → "123456") was
      // not a string when the field rules ran: it must still meet notBlank and maxChars.
      const becameText = (path: string) => typeof getPath(before, path) !== 'string';
      applyFieldRules(value, contract, becameText, mutations, violations);
    }
  }

  // Stryker disable next-line ConditionalExpression: equivalent, `total > undefined` is false
  if (contract.maxInputChars !== undefined) {
    const total = measure(value).chars;
    if (total > contract.maxInputChars) {
      violations.push({
        path: '',
        rule: 'maxInputChars',
        message: `holds ${total} characters of text; the limit is ${contract.maxInputChars}`,
        expected: contract.maxInputChars,
        got: total,
      });
    }
  }
  if (violations.length > 0) throw fail();
  return { value, mutations };
}

/** Why an input is refused before any rule runs: not an object, or beyond the fixed limits. */
function refuseShape(input: unknown): ContractViolation | null {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { path: '', rule: 'type', message: 'must be a JSON object of named inputs', got: describe(input) };
  }
  const limits = measure(input);
  if (limits.depth > INPUT_LIMITS.maxDepth) {
    return {
      path: '',
      rule: 'maxDepth',
      message: `is nested ${limits.depth} levels deep; the limit is ${INPUT_LIMITS.maxDepth}`,
      expected: INPUT_LIMITS.maxDepth,
    };
  }
  if (limits.chars > INPUT_LIMITS.maxChars) {
    return {
      path: '',
      rule: 'maxSize',
      message: `holds ${limits.chars} characters; the limit is ${INPUT_LIMITS.maxChars}`,
      expected: INPUT_LIMITS.maxChars,
    };
  }
  return null;
}

/** Applies the contract's per-field rules (trim, notBlank, maxChars/truncate) to the string fields chosen. */
function applyFieldRules(
  value: Record<string, unknown>,
  contract: ContractSpec,
  isChosen: (path: string) => boolean,
  mutations: ContractMutation[],
  violations: ContractViolation[],
): void {
  const isCoerce = contract.policy === 'coerce';
  for (const [path, rule] of Object.entries(contract.fields)) {
    const current = getPath(value, path);
    if (typeof current !== 'string' || !isChosen(path)) continue;
    let text = current;
    if (rule.trim && text.trim() !== text) {
      text = text.trim();
      mutations.push({ path, rule: 'trim', before: current, after: text });
    }
    if (rule.notBlank && text.trim() === '') {
      violations.push({ path, rule: 'notBlank', message: 'must not be blank' });
    }
    // Stryker disable next-line ConditionalExpression: equivalent, `length > undefined` is false
    if (rule.maxChars !== undefined && text.length > rule.maxChars) {
      if (isCoerce && rule.truncate) {
        const cut = text.slice(0, rule.maxChars);
        mutations.push({
          path,
          rule: 'truncate',
          before: `${text.length} chars`,
          after: `${cut.length} chars`,
        });
        text = cut;
      } else {
        violations.push({
          path,
          rule: 'maxChars',
          message: `is ${text.length} characters; the limit is ${rule.maxChars}`,
          expected: rule.maxChars,
          got: text.length,
        });
      }
    }
    // Stryker disable next-line ConditionalExpression: equivalent, setting the same text again changes nothing
    if (text !== current) setPath(value, path, text);
  }
}

/** Schema errors as contract violations: dotted paths, the keyword as rule, and what the value was. */
function toViolations(errors: ErrorObject[], value: unknown): ContractViolation[] {
  return usefulAjvErrors(errors).map((e) => {
    // Stryker disable next-line MethodExpression: equivalent for every key but the empty one
    const base = pointerKeys(e.instancePath).filter(Boolean);
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'required') {
      const path = [...base, String(params.missingProperty)].join('.');
      return { path, rule: 'required', message: 'is required but missing' };
    }
    if (e.keyword === 'additionalProperties') {
      const path = [...base, String(params.additionalProperty)].join('.');
      return { path, rule: 'unknown-field', message: 'is not an input of this prompt' };
    }
    const got = describe(getPath(value, base.join('.')));
    const expected =
      e.keyword === 'enum' ? params.allowedValues : e.keyword === 'type' ? params.type : undefined;
    return {
      path: base.join('.'),
      rule: e.keyword,
      message: `${describeAjvError(e)} (got ${got})`,
      ...(expected !== undefined ? { expected } : {}),
      got,
    };
  });
}

/** A short, safe description of a value for error messages (never the whole of a long string). */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string')
    return value.length > 40 ? `a ${value.length}-character string` : JSON.stringify(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** Depth and total string length, walking iteratively so hostile nesting cannot blow the stack. */
function measure(root: unknown): { depth: number; chars: number } {
  let depth = 0;
  let chars = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, level] = stack.pop()!;
    if (typeof node === 'string') {
      chars += node.length;
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    depth = Math.max(depth, level);
    if (depth > INPUT_LIMITS.maxDepth) return { depth, chars };
    for (const [key, child] of Object.entries(node)) {
      chars += Array.isArray(node) ? 0 : key.length;
      stack.push([child, level + 1]);
    }
  }
  return { depth, chars };
}

/** A deep copy of JSON data in which keys like `__proto__` stay plain data, never prototypes. */
function clone(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(clone);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) define(out, key, clone(child));
  return out;
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function getPath(root: unknown, path: string): unknown {
  if (path === '') return root;
  let node: unknown = root;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function setPath(root: Record<string, unknown>, path: string, next: unknown): void {
  const parts = path.split('.');
  let node: Record<string, unknown> = root;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  define(node, parts.at(-1)!, next);
}

/** Under `coerce`, drops fields the schema does not allow (additionalProperties: false). */
function removeUnknown(
  value: unknown,
  schema: JsonSchema,
  path: string,
  mutations: ContractMutation[],
): void {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    const items = schema.items as JsonSchema | undefined;
    if (items && typeof items === 'object') {
      for (const [i, item] of value.entries()) removeUnknown(item, items, `${path}[${i}]`, mutations);
    }
    return;
  }
  const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const child = path ? `${path}.${key}` : key;
    if (Object.hasOwn(properties, key)) removeUnknown(record[key], properties[key]!, child, mutations);
    else if (schema.additionalProperties === false) {
      mutations.push({ path: child, rule: 'remove-unknown', before: record[key], after: undefined });
      delete record[key];
    }
  }
}

/** Compares the value before and after Ajv's coercion pass and records each change. */
function recordCoercions(before: unknown, after: unknown, path: string, mutations: ContractMutation[]): void {
  if (
    typeof after === 'object' &&
    after !== null &&
    typeof before === 'object' &&
    before !== null &&
    Array.isArray(after) === Array.isArray(before)
  ) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of keys) {
      const child = path ? (Array.isArray(after) ? `${path}[${key}]` : `${path}.${key}`) : key;
      recordCoercions(
        (before as Record<string, unknown>)[key],
        (after as Record<string, unknown>)[key],
        child,
        mutations,
      );
    }
    return;
  }
  if (Object.is(before, after)) return;
  mutations.push({ path, rule: before === undefined ? 'default' : 'coerce-type', before, after });
}
