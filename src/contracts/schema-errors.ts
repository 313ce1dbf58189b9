import type { ErrorObject } from 'ajv';

/** One schema failure, ready to show to a person. */
export interface SchemaProblem {
  /** Path of keys to the offending value (for locating it in a file). */
  path: (string | number)[];
  /** True when `path` names a key rather than a value (an unknown key). */
  isKey: boolean;
  message: string;
}

/** Turns Ajv errors into messages that say what is wrong and what would be right. */
export function describeAjvErrors(
  errors: readonly ErrorObject[] | null | undefined,
  root = '',
): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const error of usefulAjvErrors(errors)) {
    const path = pointerToPath(error.instancePath);
    const where = displayPath(root, path);
    let problem: SchemaProblem;
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case 'required':
        problem = {
          path,
          isKey: false,
          message: `${where || 'the document'} is missing the required key "${params.missingProperty}"`,
        };
        break;
      case 'additionalProperties': {
        const key = String(params.additionalProperty);
        problem = {
          path: [...path, key],
          isKey: true,
          message: `unknown key "${key}"${where ? ` in ${where}` : ''}`,
        };
        break;
      }
      case 'enum':
        problem = { path, isKey: false, message: `${where} ${describeAjvError(error)}` };
        break;
      default:
        problem = { path, isKey: false, message: `${where || 'value'} ${describeAjvError(error)}` };
    }
    const key = `${problem.path.join('/')}|${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

/** The errors worth showing: `anyOf`/`oneOf`/`if` repeat their branches' errors, which are the useful ones. */
export function usefulAjvErrors(errors: readonly ErrorObject[] | null | undefined): ErrorObject[] {
  return (errors ?? []).filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && e.keyword !== 'if');
}

/** `integer,null` → `an integer or null`: a JSON Schema type list the way a person says it. */
export function describeTypes(type: unknown): string {
  const names = (Array.isArray(type) ? type : String(type).split(',')).map(String);
  return names
    .map((name) => (name === 'null' ? 'null' : /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`))
    .join(' or ');
}

const plural = (n: unknown, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What one Ajv error asks of the value, in words ("must be at least 1", "must be an integer or null"). */
export function describeAjvError(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return `must be ${describeTypes(p.type)}`;
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum': {
      const words = { '>=': 'at least', '>': 'more than', '<=': 'at most', '<': 'less than' } as const;
      return `must be ${words[p.comparison as keyof typeof words] ?? String(p.comparison)} ${p.limit}`;
    }
    case 'minLength':
      return `must be at least ${plural(p.limit, 'character')} long`;
    case 'maxLength':
      return `must be at most ${plural(p.limit, 'character')} long`;
    case 'minItems':
      return `must have at least ${plural(p.limit, 'item')}`;
    case 'maxItems':
      return `must have at most ${plural(p.limit, 'item')}`;
    case 'minProperties':
      return `must have at least ${plural(p.limit, 'key')}`;
    case 'maxProperties':
      return `must have at most ${plural(p.limit, 'key')}`;
    case 'uniqueItems':
      return `must not repeat items (items ${p.j} and ${p.i} are the same)`;
    case 'pattern':
      return `must match the pattern ${String(p.pattern)}`;
    case 'format':
      return `must be a valid ${String(p.format)}`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'multipleOf':
      return `must be a multiple of ${p.multipleOf}`;
    default:
      return error.message ?? 'is invalid';
  }
}

/** The keys a JSON Pointer (an Ajv `instancePath`) names, unescaped: `/a~1b/0` → `["a/b", "0"]`. */
export function pointerKeys(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function pointerToPath(pointer: string): (string | number)[] {
  return pointerKeys(pointer).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function displayPath(root: string, path: readonly (string | number)[]): string {
  let out = root;
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  }
  return out ? `"${out}"` : '';
}
