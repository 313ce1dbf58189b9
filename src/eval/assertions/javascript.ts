import vm from 'node:vm';
import { cannotGrade, stringValue } from './shared.js';
import type { AssertionFamily, AssertionHandler, HandlerResult } from './types.js';

/** How long one script may run before it is stopped and the assertion fails. */
export const JAVASCRIPT_TIMEOUT_MS = 100;
/** The most wall-clock time one script gets, however little of it the machine let it run. */
const JAVASCRIPT_WALL_CAP_MS = JAVASCRIPT_TIMEOUT_MS * 16;

const scripts = new Map<string, vm.Script | Error>();

/**
 * The script parses its input and serialises its result inside the sandbox, so no object of this
 * realm is reachable from user code (no `constructor.constructor` escape to `process`), and no
 * getter, `toJSON` or thrown value's `message` of user code can run after the time limit.
 */
function wrap(body: string): string {
  return `'use strict';
const __stringify = JSON.stringify;
let __out;
try {
  const __data = JSON.parse(__input);
  const __result = (function (output, context) { 'use strict';
${body}
  }).call(undefined, __data.output, __data.context);
  __out = (function (r) {
    if (typeof r === 'boolean' || typeof r === 'number') return __stringify({ kind: typeof r, value: r });
    if (r !== null && typeof r === 'object' && typeof r.then !== 'function' && 'pass' in r)
      return __stringify({ kind: 'result', pass: r.pass, score: r.score, reason: r.reason });
    return __stringify({ kind: 'other', type: r === null ? 'null' : typeof r });
  })(__result);
} catch (e) {
  let m;
  try { m = String(e !== null && typeof e === 'object' && 'message' in e ? e.message : e); } catch { m = 'an unreadable error'; }
  __out = __stringify({ kind: 'error', message: m });
}
__out;`;
}

/** An expression (`output.length < 100`) or a function body with `return`. */
function compile(code: string): vm.Script | Error {
  const cached = scripts.get(code);
  if (cached) return cached;
  let script: vm.Script | Error;
  try {
    script = new vm.Script(wrap(`return (${code}\n);`), { filename: 'assertion.js' });
  } catch {
    try {
      script = new vm.Script(wrap(code), { filename: 'assertion.js' });
    } catch (err) {
      script = err as Error;
    }
  }
  scripts.set(code, script);
  return script;
}

/**
 * Runs the script in a fresh context (no require, process, timers or state shared between cases).
 * V8's limit is wall-clock time, so on a busy machine a script can be stopped having had far less
 * than its 100 ms: then it runs again, in a fresh context, with four times the wall time, until it
 * has used its 100 ms of CPU or reached the wall-clock cap.
 */
function runLimited(script: vm.Script, input: string): unknown {
  for (let wallMs = JAVASCRIPT_TIMEOUT_MS; ; wallMs *= 4) {
    const sandbox = vm.createContext(
      { __input: input },
      { codeGeneration: { strings: false, wasm: false }, microtaskMode: 'afterEvaluate' },
    );
    const before = process.cpuUsage();
    try {
      return script.runInContext(sandbox, { timeout: wallMs, breakOnSigint: true });
    } catch (err) {
      const used = process.cpuUsage(before);
      const usedMs = (used.user + used.system) / 1000;
      const starved = /timed out/i.test(errorMessage(err)) && usedMs < JAVASCRIPT_TIMEOUT_MS;
      if (!starved || wallMs * 4 > JAVASCRIPT_WALL_CAP_MS) throw err;
    }
  }
}

type ScriptOutcome =
  | { kind: 'boolean'; value: boolean }
  | { kind: 'number'; value: number | null }
  | { kind: 'result'; pass?: unknown; score?: unknown; reason?: unknown }
  | { kind: 'error'; message: string }
  | { kind: 'other'; type: string };

const javascript: AssertionHandler = ({ value, threshold, ctx }) => {
  const code = stringValue('javascript', value);
  const script = compile(code);
  if (script instanceof Error) return cannotGrade(`the script does not compile: ${script.message}`);
  const { output, ...context } = ctx;
  let raw: unknown;
  try {
    raw = runLimited(script, JSON.stringify({ output, context }));
  } catch (err) {
    const message = errorMessage(err);
    return cannotGrade(
      /timed out/i.test(message)
        ? `the script ran longer than ${JAVASCRIPT_TIMEOUT_MS} ms and was stopped`
        : `the script threw: ${message}`,
    );
  }
  // Only a primitive string crosses back; anything else means the wrapper was subverted.
  if (typeof raw !== 'string') return cannotGrade('the script did not produce a result');
  let outcome: ScriptOutcome;
  try {
    outcome = JSON.parse(raw) as ScriptOutcome;
  } catch {
    return cannotGrade('the script did not produce a result');
  }
  return interpret(outcome, threshold);
};

/** promptfoo's reading of a script's result: a boolean, a score, or a grading result. */
function interpret(outcome: ScriptOutcome, threshold: number | undefined): HandlerResult {
  switch (outcome.kind) {
    case 'boolean':
      return {
        pass: outcome.value,
        score: outcome.value ? 1 : 0,
        reason: `the script returned ${outcome.value}`,
      };
    case 'number': {
      // JSON turns NaN and ±Infinity into null.
      if (outcome.value === null) return cannotGrade('the script returned a number that is not finite');
      const score = outcome.value;
      const pass = threshold === undefined ? score > 0 : score >= threshold;
      const mark = threshold === undefined ? 'above 0' : `at least ${threshold}`;
      return {
        pass,
        score: clamp01(score),
        reason: `the script scored ${score}; ${pass ? '' : 'not '}${mark}`,
      };
    }
    case 'error':
      return cannotGrade(`the script threw: ${outcome.message}`);
    case 'result': {
      const pass = Boolean(outcome.pass);
      const score = typeof outcome.score === 'number' ? clamp01(outcome.score) : pass ? 1 : 0;
      const reason =
        typeof outcome.reason === 'string' && outcome.reason.length > 0
          ? outcome.reason
          : `the script returned ${pass ? 'a pass' : 'a failure'}`;
      return { pass, score, reason };
    }
    default:
      return cannotGrade(
        `the script returned ${outcome.type}; return a boolean, a number or { pass, score, reason } (no promises)`,
      );
  }
}

/** Errors thrown in the sandbox are of its realm (not `instanceof Error` here); read them warily. */
function errorMessage(err: unknown): string {
  try {
    if (err !== null && typeof err === 'object' && 'message' in err) return String(err.message);
    return String(err);
  } catch {
    return 'an unreadable error';
  }
}

function clamp01(n: number): number {
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
}

/** Custom checks written in JavaScript, run in an isolated `node:vm` context with a time limit. */
export const JAVASCRIPT_ASSERTIONS: AssertionFamily = {
  // No default threshold: a number passes when above 0 unless the spec sets one.
  javascript: { handler: javascript, threshold: {}, expandsTemplates: false },
};
