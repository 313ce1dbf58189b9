/** One assertion as written in a suite: `{ type: 'contains', value: 'refund' }`. */
export interface AssertionSpec {
  /** An assertion type from the registry, optionally prefixed with `not-` to invert it. */
  type: string;
  value?: unknown;
  /** The pass mark for types that grade on a scale (levenshtein, rouge-n, similar, javascript, latency, cost). */
  threshold?: number;
  /** Share of the case's score (default 1); 0 reports the assertion without counting it. */
  weight?: number;
  /** A name to aggregate results under in reports. */
  metric?: string;
}

/** What an assertion can look at: the model's answer and what is known about the run. */
export interface AssertionContext {
  output: string;
  /** The parsed value of a structured (JSON) answer, when the run already has one. */
  parsed?: unknown;
  vars: Record<string, unknown>;
  latencyMs?: number;
  /** `null` when the run's cost is unknown (no pricing for the model). */
  costUsd?: number | null;
  guardrails?: { name: string; isViolation: boolean; action: string }[];
  blocked?: boolean;
  /** Verdicts of model-graded assertions, filled by the runner from the grader prompt. */
  graded?: Record<string, GradingResult>;
  /** Cosine similarity of the answer's embedding to each `similar` value's, when embeddings are configured. */
  embeddingSimilarity?: Record<string, number>;
}

/** The verdict of one assertion: `score` is in [0, 1]; `reason` is written for the user. */
export interface GradingResult {
  pass: boolean;
  score: number;
  reason: string;
}

/**
 * What a handler returns. `inconclusive` marks a result that could not be graded at all (a missing
 * measurement, a script that threw or timed out): it fails in both the plain and the `not-` form.
 */
export type HandlerResult = GradingResult & { inconclusive?: boolean };

/** What a handler receives: the value with templates already expanded, the resolved threshold. */
export interface AssertionInput {
  value: unknown;
  threshold: number | undefined;
  ctx: AssertionContext;
}

/** A pure assertion: values in, verdict out. Throws `PromptOpsError` only for a malformed `value`. */
export type AssertionHandler = (input: AssertionInput) => HandlerResult;

/** One entry of the registry. */
export interface AssertionDefinition {
  handler: AssertionHandler;
  /** Present when the type grades against a threshold; absent types reject a `threshold`. */
  threshold?: { default?: number };
  /** False when `{{var}}` in the value must not be expanded (code, where vars arrive as data). */
  expandsTemplates?: boolean;
}

/** A family file's export: assertion name → definition. */
export type AssertionFamily = Readonly<Record<string, AssertionDefinition>>;
