import { createTwoFilesPatch } from 'diff';
import { canonicalJson } from './canonical-json.js';
import type { JsonSchema, PromptSpec } from './spec.js';

/** A structural change between two specs, at a dotted path (`input.schema.properties.locale`). */
export interface SpecChange {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

/** A change that can break existing callers (input side) or consumers (output side). */
export interface BreakingChange {
  area: 'input' | 'output' | 'contract';
  path: string;
  reason: string;
}

export interface SpecDiff {
  isTemplateChanged: boolean;
  /** Unified diff of the template text (empty when unchanged). */
  templatePatch: string;
  changes: SpecChange[];
  breaking: BreakingChange[];
}

/** Compares two specs: template text diff, structural changes, and the breaking contract changes. */
export function diffSpecs(
  a: PromptSpec,
  b: PromptSpec,
  names: { a: string; b: string } = { a: 'a', b: 'b' },
): SpecDiff {
  const templateA = withPartials(a);
  const templateB = withPartials(b);
  const isTemplateChanged = templateA !== templateB;
  const { template: _ta, partials: _pa, ...restA } = a;
  const { template: _tb, partials: _pb, ...restB } = b;
  const changes: SpecChange[] = [];
  deepDiff(restA, restB, '', changes);
  return {
    isTemplateChanged,
    templatePatch: isTemplateChanged
      ? createTwoFilesPatch(names.a, names.b, `${templateA}\n`, `${templateB}\n`, '', '', { context: 3 })
      : '',
    changes,
    breaking: findBreakingChanges(a, b),
  };
}

/** The template with its partials appended (sorted by name): the text a diff compares. */
export function withPartials(spec: PromptSpec): string {
  const partials = Object.entries(spec.partials ?? {})
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([name, body]) => `\n{{!-- partial ${name} --}}\n${body}`)
    .join('');
  return spec.template + partials;
}

function deepDiff(a: unknown, b: unknown, path: string, out: SpecChange[]): void {
  if (canonicalJson(a) === canonicalJson(b)) return;
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of [...keys].sort()) {
      const child = path ? `${path}.${key}` : key;
      if (a[key] === undefined && b[key] === undefined) continue;
      if (!Object.hasOwn(a, key) || a[key] === undefined)
        out.push({ path: child, kind: 'added', after: b[key] });
      else if (!Object.hasOwn(b, key) || b[key] === undefined)
        out.push({ path: child, kind: 'removed', before: a[key] });
      else deepDiff(a[key], b[key], child, out);
    }
    return;
  }
  out.push({ path, kind: 'changed', before: a, after: b });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The changes that break someone. Input is what callers send: anything the new version would
 * reject that the old one accepted breaks them. Output is what consumers read: anything they
 * relied on that may now be missing or shaped differently breaks them.
 */
export function findBreakingChanges(a: PromptSpec, b: PromptSpec): BreakingChange[] {
  const out: BreakingChange[] = [];
  compareInput(a.input.schema ?? {}, b.input.schema ?? {}, 'input', out);
  if (a.output.format !== b.output.format) {
    out.push({
      area: 'output',
      path: 'output.format',
      reason: `output format changed from ${a.output.format} to ${b.output.format}`,
    });
  } else if (a.output.schema && !b.output.schema) {
    out.push({
      area: 'output',
      path: 'output.schema',
      reason: 'the output schema was removed; consumers lose the guaranteed shape',
    });
  } else if (a.output.schema && b.output.schema) {
    compareOutput(a.output.schema, b.output.schema, 'output', out);
  }
  compareContract(a, b, out);
  return out;
}

function typesOf(schema: JsonSchema): Set<string> | null {
  const type = schema.type;
  if (typeof type === 'string') return new Set([type]);
  if (Array.isArray(type)) return new Set(type as string[]);
  return null;
}

function enumOf(schema: JsonSchema): Set<string> | null {
  return Array.isArray(schema.enum) ? new Set((schema.enum as unknown[]).map((v) => canonicalJson(v))) : null;
}

function propertiesOf(schema: JsonSchema): Record<string, JsonSchema> {
  return (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
}

function requiredOf(schema: JsonSchema): Set<string> {
  return new Set((schema.required as string[] | undefined) ?? []);
}

function describeTypes(types: Set<string> | null): string {
  return types ? [...types].sort().join('|') : 'any';
}

/** True when every type in `inner` is accepted by `outer` (integer fits in number). */
function isTypeSubset(inner: Set<string> | null, outer: Set<string> | null): boolean {
  if (outer === null) return true;
  if (inner === null) return false;
  return [...inner].every((t) => outer.has(t) || (t === 'integer' && outer.has('number')));
}

function isEnumSubset(inner: Set<string> | null, outer: Set<string> | null): boolean {
  if (outer === null) return true;
  if (inner === null) return false;
  return [...inner].every((v) => outer.has(v));
}

const TIGHTER_WHEN_SMALLER = ['maxLength', 'maxItems', 'maximum', 'exclusiveMaximum', 'maxProperties'];
const TIGHTER_WHEN_LARGER = ['minLength', 'minItems', 'minimum', 'exclusiveMinimum', 'minProperties'];

function compareInput(a: JsonSchema, b: JsonSchema, path: string, out: BreakingChange[]): void {
  const ta = typesOf(a);
  const tb = typesOf(b);
  if (!isTypeSubset(ta, tb)) {
    out.push({
      area: 'input',
      path,
      reason: `type changed from ${describeTypes(ta)} to ${describeTypes(tb)}; callers sending ${describeTypes(ta)} are rejected`,
    });
    return;
  }
  const ea = enumOf(a);
  const eb = enumOf(b);
  // Not a subset means the new side has an enum: `eb` is set below.
  if (!isEnumSubset(ea, eb)) {
    out.push({
      area: 'input',
      path,
      reason: ea
        ? // Stryker disable next-line OptionalChaining: equivalent, eb is set (see above)
          `allowed values removed: ${[...ea].filter((v) => !eb?.has(v)).join(', ')}`
        : // Stryker disable next-line ArrayDeclaration: equivalent, eb is set (see above)
          `now restricted to ${[...(eb ?? [])].join(', ')}`,
    });
  }
  for (const key of TIGHTER_WHEN_SMALLER) {
    const before = a[key] as number | undefined;
    const after = b[key] as number | undefined;
    if (after !== undefined && (before === undefined || after < before)) {
      out.push({ area: 'input', path, reason: `${key} tightened from ${before ?? 'none'} to ${after}` });
    }
  }
  for (const key of TIGHTER_WHEN_LARGER) {
    const before = a[key] as number | undefined;
    const after = b[key] as number | undefined;
    if (after !== undefined && (before === undefined || after > before)) {
      out.push({ area: 'input', path, reason: `${key} tightened from ${before ?? 'none'} to ${after}` });
    }
  }
  if (b.pattern !== undefined && b.pattern !== a.pattern) {
    out.push({
      area: 'input',
      path,
      reason: `pattern changed to ${String(b.pattern)}; values matching the old pattern may be rejected`,
    });
  }
  const pa = propertiesOf(a);
  const pb = propertiesOf(b);
  const ra = requiredOf(a);
  const rb = requiredOf(b);
  for (const field of rb) {
    if (ra.has(field)) continue;
    out.push({
      area: 'input',
      path: `${path}.${field}`,
      reason: Object.hasOwn(pa, field)
        ? 'field became required; callers that omit it are rejected'
        : 'new required field; existing callers do not send it',
    });
  }
  if (b.additionalProperties === false) {
    for (const field of Object.keys(pa)) {
      if (!Object.hasOwn(pb, field)) {
        out.push({
          area: 'input',
          path: `${path}.${field}`,
          reason: 'field removed while unknown fields are rejected; callers that send it are rejected',
        });
      }
    }
  }
  for (const [field, schemaA] of Object.entries(pa)) {
    const schemaB = Object.hasOwn(pb, field) ? pb[field] : undefined;
    if (schemaB) compareInput(schemaA, schemaB, `${path}.${field}`, out);
  }
  const [ia, ib] = [itemsOf(a), itemsOf(b)];
  if (ia && ib) compareInput(ia, ib, `${path}[]`, out);
}

function compareOutput(a: JsonSchema, b: JsonSchema, path: string, out: BreakingChange[]): void {
  const ta = typesOf(a);
  const tb = typesOf(b);
  if (!isTypeSubset(tb, ta)) {
    out.push({
      area: 'output',
      path,
      reason: `type changed from ${describeTypes(ta)} to ${describeTypes(tb)}; consumers expecting ${describeTypes(ta)} break`,
    });
    return;
  }
  const ea = enumOf(a);
  const eb = enumOf(b);
  // Not a subset means the old side has an enum: `ea` is set below.
  if (!isEnumSubset(eb, ea)) {
    out.push({
      area: 'output',
      path,
      reason: eb
        ? // Stryker disable next-line OptionalChaining: equivalent, ea is set (see above)
          `new values consumers do not expect: ${[...eb].filter((v) => !ea?.has(v)).join(', ')}`
        : 'no longer restricted to a fixed set of values',
    });
  }
  const pa = propertiesOf(a);
  const pb = propertiesOf(b);
  const ra = requiredOf(a);
  const rb = requiredOf(b);
  for (const field of Object.keys(pa)) {
    if (!Object.hasOwn(pb, field)) {
      out.push({
        area: 'output',
        path: `${path}.${field}`,
        reason: 'output field removed; consumers reading it break',
      });
    } else if (ra.has(field) && !rb.has(field)) {
      out.push({
        area: 'output',
        path: `${path}.${field}`,
        reason: 'output field became optional; consumers may find it missing',
      });
    }
  }
  for (const [field, schemaA] of Object.entries(pa)) {
    const schemaB = Object.hasOwn(pb, field) ? pb[field] : undefined;
    if (schemaB) compareOutput(schemaA, schemaB, `${path}.${field}`, out);
  }
  const [ia, ib] = [itemsOf(a), itemsOf(b)];
  if (ia && ib) compareOutput(ia, ib, `${path}[]`, out);
}

function compareContract(a: PromptSpec, b: PromptSpec, out: BreakingChange[]): void {
  const ca = a.promptops.contract;
  const cb = b.promptops.contract;
  if (ca.policy === 'coerce' && cb.policy === 'reject') {
    out.push({
      area: 'contract',
      path: 'promptops.contract.policy',
      reason: 'policy changed from coerce to reject; inputs that were repaired are now refused',
    });
  }
  if (
    cb.maxInputChars !== undefined &&
    (ca.maxInputChars === undefined || cb.maxInputChars < ca.maxInputChars)
  ) {
    out.push({
      area: 'contract',
      path: 'promptops.contract.maxInputChars',
      reason: `maxInputChars tightened from ${ca.maxInputChars ?? 'none'} to ${cb.maxInputChars}`,
    });
  }
  for (const [field, rule] of Object.entries(cb.fields)) {
    const before = ca.fields[field];
    const truncates = cb.policy === 'coerce' && rule.truncate;
    if (
      rule.maxChars !== undefined &&
      !truncates &&
      (before?.maxChars === undefined || rule.maxChars < before.maxChars)
    ) {
      out.push({
        area: 'contract',
        path: `promptops.contract.fields.${field}`,
        reason: `maxChars tightened from ${before?.maxChars ?? 'none'} to ${rule.maxChars}`,
      });
    }
    if (rule.notBlank && !before?.notBlank) {
      out.push({
        area: 'contract',
        path: `promptops.contract.fields.${field}`,
        reason: 'blank values are now rejected',
      });
    }
  }
}

/**
 * The schema of an array's items, `{}` (anything) when an array schema leaves them out, so that
 * items described on one side only are compared too; null for tuples and non-array schemas.
 */
function itemsOf(schema: JsonSchema): JsonSchema | null {
  if (isObject(schema.items)) return schema.items;
  const isArray = schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array'));
  return schema.items === undefined && isArray ? {} : null;
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
