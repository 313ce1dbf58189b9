/** A stretch of text a guardrail matched: [start, end) in UTF-16 code units, with what it is. */
export interface Span {
  start: number;
  end: number;
  /** What was found: `email`, `card`, `aws-key`, `instruction-override`, `banned-term`, … */
  type: string;
}

/** What one guardrail says about one text. */
export interface Verdict {
  /** True when the text breaks the guardrail (its action then applies). */
  isViolation: boolean;
  /** Confidence or severity in [0, 1]; 1 for exact rules. */
  score: number;
  reasons: string[];
  spans: Span[];
}

/** What a guardrail can look at besides the text. */
export interface CheckContext {
  stage: 'input' | 'output';
  /** The parsed value of a structured (JSON) output, when there is one. */
  value?: unknown;
  /** The rendered system prompt (for leakage checks). */
  systemPrompt?: string;
  /** A canary token planted in the system prompt for this request (for leakage checks). */
  canary?: string;
  /** The output JSON Schema of the prompt (for json-schema checks). */
  outputSchema?: Record<string, unknown> | null;
}

/** A configured guardrail, ready to run: options were validated when it was created. */
export type GuardrailCheck = (text: string, ctx: CheckContext) => Verdict;

/** Builds a configured check from validated options (plus project facts a check may need). */
export type GuardrailFactory = (options: Record<string, unknown>) => GuardrailCheck;

export const PASS: Verdict = Object.freeze({
  isViolation: false,
  score: 0,
  reasons: [],
  spans: [],
}) as Verdict;
