import { isDeepStrictEqual } from 'node:util';
import { PromptOpsError } from '../../errors.js';
import { badValue, describe, stringValue, verdict } from './shared.js';
import type { AssertionFamily, AssertionHandler, HandlerResult } from './types.js';

// Texts are compared in Unicode NFC so that "é" typed precomposed or as "e" + accent is the same.
const nfc = (s: string): string => s.normalize('NFC');
const fold = (s: string): string => nfc(s).toLowerCase();

function equals({ value, ctx }: Parameters<AssertionHandler>[0]): HandlerResult {
  if (value !== null && typeof value === 'object') {
    // An object or array value compares with the answer's JSON, as in promptfoo.
    let actual: unknown = ctx.parsed;
    if (actual === undefined) {
      try {
        actual = JSON.parse(ctx.output);
      } catch {
        return verdict(false, `expected the JSON ${describe(value)}, but the answer is not JSON`);
      }
    }
    return isDeepStrictEqual(actual, value)
      ? verdict(true, 'the answer equals the expected JSON')
      : verdict(false, `expected the JSON ${describe(value)}, got ${describe(actual)}`);
  }
  const expected = stringValue('equals', value);
  return nfc(ctx.output) === nfc(expected)
    ? verdict(true, `the answer equals ${describe(expected)}`)
    : verdict(false, `expected ${describe(expected)}, got ${describe(ctx.output)}`);
}

function contains(type: string, caseless: boolean): AssertionHandler {
  const norm = caseless ? fold : nfc;
  return ({ value, ctx }) => {
    const needle = stringValue(type, value);
    return norm(ctx.output).includes(norm(needle))
      ? verdict(true, `the answer contains ${describe(needle)}`)
      : verdict(
          false,
          `the answer does not contain ${describe(needle)}${caseless ? ' (ignoring case)' : ''}`,
        );
  };
}

/** A list value: an array of strings, or one comma-separated string (promptfoo accepts both). */
function listValue(type: string, value: unknown): string[] {
  const list =
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0)
      : Array.isArray(value)
        ? value.map((v) => stringValue(type, v))
        : undefined;
  if (list === undefined || list.length === 0)
    throw badValue(type, 'a non-empty list of strings (or a comma-separated string)', value);
  return list;
}

function containsSome(type: string, mode: 'any' | 'all', caseless: boolean): AssertionHandler {
  const norm = caseless ? fold : nfc;
  const how = caseless ? ' (ignoring case)' : '';
  return ({ value, ctx }) => {
    const needles = listValue(type, value);
    const haystack = norm(ctx.output);
    const found = needles.filter((n) => haystack.includes(norm(n)));
    if (mode === 'any') {
      return found.length > 0
        ? verdict(true, `the answer contains ${describe(found[0])}`)
        : verdict(false, `the answer contains none of ${describe(needles)}${how}`);
    }
    const missing = needles.filter((n) => !found.includes(n));
    return missing.length === 0
      ? verdict(true, `the answer contains all of ${describe(needles)}`)
      : verdict(false, `the answer is missing ${describe(missing)}${how}`);
  };
}

function startsWith({ value, ctx }: Parameters<AssertionHandler>[0]): HandlerResult {
  const prefix = stringValue('starts-with', value);
  return nfc(ctx.output).startsWith(nfc(prefix))
    ? verdict(true, `the answer starts with ${describe(prefix)}`)
    : verdict(
        false,
        `the answer does not start with ${describe(prefix)}; it starts with ${describe(ctx.output.slice(0, prefix.length + 10))}`,
      );
}

const regexCache = new Map<string, RegExp>();

/** Compiles with the `u` flag (as output contracts do), falling back to none for legacy escapes. */
function compileRegex(source: string): RegExp {
  const cached = regexCache.get(source);
  // Stryker disable next-line ConditionalExpression: equivalent, a cache miss compiles the same RegExp again
  if (cached) return cached;
  let re: RegExp;
  try {
    re = new RegExp(source, 'u');
  } catch {
    try {
      re = new RegExp(source);
    } catch (err) {
      throw new PromptOpsError(
        'PO_ERR_USAGE',
        `assertion "regex" has an invalid pattern /${source}/: ${(err as Error).message}`,
        { type: 'regex', value: source },
      );
    }
  }
  regexCache.set(source, re);
  return re;
}

function regex({ value, ctx }: Parameters<AssertionHandler>[0]): HandlerResult {
  const re = compileRegex(stringValue('regex', value));
  return re.test(ctx.output)
    ? verdict(true, `the answer matches /${re.source}/`)
    : verdict(false, `the answer does not match /${re.source}/`);
}

/** Text assertions: exact, substring, prefix and pattern matches. */
export const TEXT_ASSERTIONS: AssertionFamily = {
  equals: { handler: equals },
  contains: { handler: contains('contains', false) },
  icontains: { handler: contains('icontains', true) },
  'contains-any': { handler: containsSome('contains-any', 'any', false) },
  'contains-all': { handler: containsSome('contains-all', 'all', false) },
  'icontains-any': { handler: containsSome('icontains-any', 'any', true) },
  'icontains-all': { handler: containsSome('icontains-all', 'all', true) },
  'starts-with': { handler: startsWith },
  regex: { handler: regex },
};
