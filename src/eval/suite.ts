import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import type { Diagnostic } from '../catalog/diagnostics.js';
import { checkYamlFile } from '../catalog/yaml-file.js';
import * as validators from '../generated/validators.js';
import type { AssertionSpec } from './assertions/index.js';

/** One test case: inputs, what to check, and how it is named in reports. */
export interface TestCase {
  description: string;
  vars: Record<string, unknown>;
  assert: AssertionSpec[];
  tags: string[];
  /** Set until the loader expands it: a dataset file whose rows become cases like this one. */
  dataset?: string;
}

/** A prompt's suite (`NAME.tests.yaml` beside `NAME.prompt`), with defaults merged into every case. */
export interface Suite {
  file: string;
  /** The prompt the suite tests (the file stem). */
  prompt: string;
  description: string;
  /** Pass rate the suite needs, 0–1 (default 1: every graded case passes). */
  threshold: number;
  cases: TestCase[];
}

/**
 * Parses a suite file; problems come back as diagnostics with line and column, never as a throw.
 * Suites can hold thousands of cases, so the common case (a valid file) takes a fast parser
 * without positions; only a file with problems is parsed again to say where they are.
 */
export function parseSuite(
  text: string,
  file: string,
  prompt: string,
): { suite: Suite | null; diagnostics: Diagnostic[] } {
  try {
    const value = loadYaml(text, { schema: CORE_SCHEMA });
    if (validators.suite(value))
      return { suite: buildSuite(value as RawSuite, file, prompt), diagnostics: [] };
  } catch {
    // fall through to the positioned parse, which explains the problem
  }
  const checked = checkYamlFile(text, file, {
    validate: validators.suite,
    rule: 'suite-invalid',
    syntaxHint: 'fix the YAML syntax of the suite',
    notMapping: 'a suite must be a YAML mapping with a tests: list',
  });
  if (checked.diagnostics.length > 0) return { suite: null, diagnostics: checked.diagnostics };
  return { suite: buildSuite(checked.value as RawSuite, file, prompt), diagnostics: [] };
}

interface RawSuite {
  description?: string;
  threshold?: number;
  defaultTest?: { vars?: Record<string, unknown>; assert?: AssertionSpec[] };
  tests: {
    description?: string;
    vars?: Record<string, unknown>;
    assert?: AssertionSpec[];
    tags?: string[];
    dataset?: string;
  }[];
}

function buildSuite(raw: RawSuite, file: string, prompt: string): Suite {
  const defaults = raw.defaultTest ?? {};
  return {
    file,
    prompt,
    description: raw.description ?? `${prompt} tests`,
    threshold: raw.threshold ?? 1,
    cases: raw.tests.map((t, i) => ({
      description: t.description ?? `case ${i + 1}`,
      vars: { ...(defaults.vars ?? {}), ...(t.vars ?? {}) },
      assert: [...(defaults.assert ?? []), ...(t.assert ?? [])],
      tags: t.tags ?? [],
      ...(t.dataset ? { dataset: t.dataset } : {}),
    })),
  };
}
