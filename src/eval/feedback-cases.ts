import { isMap, isSeq, parseDocument } from 'yaml';
import type { Trace } from '../observe/trace.js';
import type { FeedbackRecord } from '../store/types.js';

/** A suite case as written in a `.tests.yaml` file. */
export interface WrittenCase {
  description: string;
  vars: Record<string, unknown>;
  assert: { type: string; value: unknown }[];
  tags: string[];
}

/** The description of the case made from `traceId`'s feedback: how a file is searched for it too. */
export const feedbackCaseDescription = (traceId: string) => `from negative feedback on trace ${traceId}`;

/**
 * The regression case negative feedback on `trace` makes: the trace's input as vars and, when
 * someone wrote the answer it should have given, `equals` that answer (text, or JSON compared as
 * JSON): the version that answered badly fails it, a fixed one passes. Without a correction all we
 * know is that the answer given was wrong, so the case asserts `not-equals` it: it fails while the
 * prompt still gives that answer. Of several feedbacks, the newest with a correction decides.
 */
export function caseFromFeedback(trace: Trace, feedback: readonly FeedbackRecord[]): WrittenCase {
  const corrected = feedback.find((f) => f.correctedOutput !== null);
  const comment = feedback.find((f) => f.comment)?.comment;
  return {
    description: `${feedbackCaseDescription(trace.id)}${comment ? `: ${comment}` : ''}`,
    vars: isRecord(trace.input) ? trace.input : {},
    assert: corrected
      ? [{ type: 'equals', value: corrected.correctedOutput }]
      : [{ type: 'not-equals', value: trace.output }],
    tags: ['feedback'],
  };
}

/**
 * `suite` (a `.tests.yaml` file's text; empty for a new file) with `cases` appended to its tests,
 * its comments and layout kept; cases whose trace the file already has a case for are left out.
 * Returns the new text and how many were appended.
 */
export function appendCases(
  suite: string,
  cases: readonly { traceId: string; testCase: WrittenCase }[],
): { text: string; added: number } {
  const doc = parseDocument(suite.trim() === '' ? 'tests: []\n' : suite);
  if (!isMap(doc.contents)) throw new Error('the suite file is not a YAML mapping');
  let tests = doc.get('tests');
  if (!isSeq(tests)) {
    doc.set('tests', doc.createNode([]));
    tests = doc.get('tests');
  }
  const seq = tests as { items: unknown[]; flow?: boolean };
  seq.flow = false;
  const existing = ((doc.toJS() as { tests: { description?: unknown }[] }).tests ?? []).map((t) =>
    String(t?.description ?? ''),
  );
  let added = 0;
  for (const { traceId, testCase } of cases) {
    const prefix = feedbackCaseDescription(traceId);
    if (existing.some((d) => d === prefix || d.startsWith(`${prefix}:`))) continue;
    doc.addIn(['tests'], doc.createNode(testCase));
    added++;
  }
  return { text: doc.toString({ lineWidth: 0 }), added };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
