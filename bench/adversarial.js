// Worst-case inputs: how long the guardrails and the catalog linter take on inputs built to make a
// regular expression backtrack or a parser walk too far (bench/lib/adversarial.js; the tests run
// the same inputs to prove each finishes). Best of three runs per input, after a warm-up on
// ordinary text. Prints JSON: per group the worst input and its time, and every input over the
// target. Targets: ≤ 50 ms per detector or pattern scan, ≤ 200 ms per injection check on 50,000
// characters, ≤ 1 s for the injection check on 1 MB of prose and for each hostile prompt.
// Imports from dist: run `npm run build` first.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  hostilePrompts,
  indirectInjectionAdversarial,
  injectionCheckAdversarial,
  patternAdversarial,
  piiAdversarial,
  proseDocument,
  scanAll,
  secretsAdversarial,
} from './lib/adversarial.js';
import { machineReferenceMs } from './lib/machine.js';
import { bestOfMs } from './lib/timing.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(path.join(root, 'dist', p));
const { detectPii, PII_REGEXES } = await dist('guardrails/pii/detectors.js');
const { detectSecrets, SECRET_REGEXES } = await dist('guardrails/secrets/detectors.js');
const DETECTOR_REGEXES = [...PII_REGEXES, ...SECRET_REGEXES];
const { createInjectionCheck } = await dist('guardrails/injection/detector.js');
const { ALL_PATTERNS, RULES } = await dist('guardrails/injection/heuristics.js');
const { NORMALIZE_PATTERNS } = await dist('guardrails/injection/normalize.js');
const { create: systemPromptLeak } = await dist('guardrails/builtins/system-prompt-leak.js');
const { lintSources } = await dist('catalog/lint.js');
const { decodePromptBytes } = await dist('catalog/parse.js');
const { defaultProjectConfig } = await dist('project/config.js');
const { parseContext } = await dist('project/parse-context.js');

/** Times every case ([label, fn]); returns the worst and the ones over `targetMs`. */
async function group(cases, targetMs) {
  let worst = { label: '', ms: 0 };
  const overTarget = [];
  for (const [label, fn] of cases) {
    const ms = await bestOfMs(fn);
    if (ms > worst.ms) worst = { label, ms };
    if (ms > targetMs) overTarget.push({ label, ms });
  }
  return { cases: cases.length, targetMs, worstMs: worst.ms, worst: worst.label, overTarget };
}

const short = (text) => JSON.stringify(text.slice(0, 24));
const ctx = { stage: 'input' };

// warm the JIT on ordinary text first, as the tests did
const prose = 'Call Dana at +44 20 7946 0958 or dana@example.com about order A-1001. '.repeat(1_500);
const injection = createInjectionCheck({});
for (let i = 0; i < 3; i++) {
  detectPii(prose);
  detectSecrets(prose);
  injection(prose, ctx);
}

const detectorInputs = Object.entries({ ...piiAdversarial(), ...secretsAdversarial() });
const detectors = await group(
  detectorInputs.flatMap(([name, text]) => [
    [`detectPii on ${name}`, () => detectPii(text)],
    [`detectSecrets on ${name}`, () => detectSecrets(text)],
  ]),
  50,
);
const detectorRegexes = await group(
  DETECTOR_REGEXES.flatMap((re) =>
    detectorInputs.map(([name, text]) => [`/${re.source.slice(0, 60)}/ on ${name}`, () => scanAll(re, text)]),
  ),
  50,
);
const injectionPatterns = await group(
  [
    ...[...ALL_PATTERNS, ...NORMALIZE_PATTERNS].flatMap((re) =>
      patternAdversarial(re).map((text) => [
        `/${re.source.slice(0, 60)}/ on ${short(text)}`,
        () => scanAll(re, text),
      ]),
    ),
    ...RULES.filter((r) => r.family === 'indirect-injection').flatMap((rule) =>
      indirectInjectionAdversarial().map((text) => [
        `${rule.id} on ${short(text)}`,
        () => scanAll(rule.re, text),
      ]),
    ),
  ],
  50,
);
const injectionCheck = await group(
  [...indirectInjectionAdversarial(), ...injectionCheckAdversarial()].map((text) => [
    short(text),
    () => injection(text, ctx),
  ]),
  200,
);
const document = proseDocument();
const injectionDocument = {
  chars: document.length,
  ms: await bestOfMs(() => injection(document, ctx)),
  targetMs: 1000,
};

const leak = systemPromptLeak({});
const systemPrompt = 'a'.repeat(5_000);
const leakCheck = await group(
  ['a', ' '].map((c) => [
    `${JSON.stringify(c)} × 200,000 against a 5,000-character system prompt`,
    () => leak(c.repeat(200_000), { stage: 'output', systemPrompt }),
  ]),
  1000,
);

const lintOne = (text) =>
  lintSources([{ file: 'prompts/hostile.prompt', text }], parseContext(defaultProjectConfig()));
const lintTimes = {};
for (const [name, text] of Object.entries(hostilePrompts())) {
  lintTimes[name] = await bestOfMs(() => lintOne(text));
}
const tenMb = new Uint8Array(10 * 1024 * 1024).fill(0x7b);
lintTimes['decode a 10 MB file'] = await bestOfMs(() => decodePromptBytes(tenMb, 'prompts/huge.prompt'));

console.log(
  JSON.stringify(
    {
      bench: 'adversarial-inputs',
      machineReferenceMs: machineReferenceMs(),
      detectors,
      detectorRegexes,
      injectionPatterns,
      injectionCheck,
      injectionDocument,
      leakCheck,
      hostilePromptsMs: lintTimes,
      targets: { scanMs: 50, injectionCheckMs: 200, documentMs: 1000, hostilePromptMs: 1000 },
    },
    null,
    2,
  ),
);
