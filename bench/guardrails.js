// The default input stage as the pipeline runs it (pii + secrets + prompt-injection, cheapest
// first) on a 2 KB message and on a 1 MB document. Prints JSON. Targets (issue 4): p50 ≤ 100 µs on
// 2 KB, ≥ 20 MB/s on 1 MB. Quality figures: bench/guardrails-injection.js, bench/guardrails-pii.js.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineReferenceMs } from './lib/machine.js';
import { latency, throughput } from './lib/timing.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { compileGuardrails, runGuardrailStage } = await import(
  path.join(root, 'dist', 'guardrails', 'engine.js')
);

const compiled = await compileGuardrails(
  {
    input: [
      { name: 'prompt-injection', action: 'block', options: {} },
      { name: 'pii', action: 'redact', options: {} },
      { name: 'secrets', action: 'block', options: {} },
    ],
    output: [],
  },
  {},
  root,
);

const sentence =
  'Hi team, I ordered the router X2 last month (order A-1001) and it keeps dropping the connection every evening. ' +
  'I already restarted it twice and updated the firmware as your guide suggests. Could you tell me whether a replacement ' +
  'is possible under warranty, or what else I should try? You can reach me at dana.miller@example.com or +44 20 7946 0958. ';
const message = sentence.repeat(Math.ceil(2048 / sentence.length)).slice(0, 2048);
// The same text in paragraphs (a blank line after every sentence): the injection model also scores
// each paragraph of a multi-paragraph text on its own, so this is the slower, document-shaped case.
const inParagraphs = (text) => text.replaceAll('. ', '.\n\n');
const ctx = { stage: 'input' };

const stage = (field, text) => () => runGuardrailStage(compiled.input, [{ field, text }], ctx);

const document = sentence.repeat(Math.ceil(1_048_576 / sentence.length)).slice(0, 1_048_576);
const documentInParagraphs = inParagraphs(document);

console.log(
  JSON.stringify(
    {
      bench: 'guardrails-input-stage',
      // this machine's speed now: read the timings with it (bench/lib/machine.js)
      machineReferenceMs: machineReferenceMs(),
      guardrails: compiled.input.map((g) => g.decl.name),
      // Plain text first, as this bench measured before the paragraph cases existed (measuring
      // those first leaves the JIT's code for the plain case slower).
      message2kb: latency(stage('message', message)),
      document1mb: throughput(stage('document', document), document.length),
      message2kbParagraphs: latency(stage('message', inParagraphs(message))),
      document1mbParagraphs: throughput(stage('document', documentInParagraphs), documentInParagraphs.length),
      targets: { p50Us: 100, mbPerSec: 20 },
    },
    null,
    2,
  ),
);
