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
  for (const error of errors ?? []) {
    // `anyOf`/`oneOf` repeat their branches' errors; the branch errors are the useful ones.
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf' || error.keyword === 'if') continue;
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
        problem = {
          path,
          isKey: false,
          message: `${where} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
        };
        break;
      case 'type':
        problem = { path, isKey: false, message: `${where} must be ${article(String(params.type))}` };
        break;
      case 'pattern':
        problem = { path, isKey: false, message: `${where} ${error.message ?? 'has the wrong format'}` };
        break;
      default:
        problem = { path, isKey: false, message: `${where || 'value'} ${error.message ?? 'is invalid'}` };
    }
    const key = `${problem.path.join('/')}|${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

function article(type: string): string {
  const readable = type.replace(/,/g, ' or ');
  return /^[aeiou]/.test(readable) ? `an ${readable}` : `a ${readable}`;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function displayPath(root: string, path: readonly (string | number)[]): string {
  let out = root;
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  }
  return out ? `"${out}"` : '';
}
