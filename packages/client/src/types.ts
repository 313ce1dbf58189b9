import type { Message } from './message.js';

/** Which side of a release served a request: the released version, or a canary's. */
export type Arm = 'stable' | 'canary';

/** Where an answer came from: the gateway, or the last-known-good copy during an outage. */
export type Source = 'gateway' | 'last-known-good';

type JsonObject = Record<string, unknown>;

/** Which version served a call: the prompt, its number and hash, the environment and the arm. */
export interface ServedVersion {
  prompt: string;
  version: number;
  /** The version's content hash (also its ETag). */
  hash: string;
  environment: string;
  arm: Arm;
}

/** A released prompt, compiled, as `GET /v1/prompts/{ref}` serves it. */
export interface PromptDefinition extends ServedVersion {
  /** `provider/model`, or null when the prompt names none. */
  model: string | null;
  config: JsonObject;
  template: string;
  partials: Record<string, string>;
  input: { schema: JsonObject | null; default: JsonObject };
  output: { format: 'text' | 'json'; schema: JsonObject | null };
}

/** A prompt from `get`, and where it came from. */
export interface FetchedPrompt extends PromptDefinition {
  source: Source;
}

/** The messages a prompt renders for an input, for an application that calls the model itself. */
export interface RenderedPrompt extends ServedVersion {
  messages: Message[];
  source: Source;
}

/** One guardrail's verdict on a run. */
export interface GuardrailVerdict {
  name: string;
  action: string;
  isViolation: boolean;
  score: number;
  reasons: string[];
  spans: { start: number; end: number; type: string }[];
  /** The input field the text came from, or null for the answer. */
  field: string | null;
}

/** What a gateway answers a run: the output, the trace and the version and arm that served it. */
export interface RunAnswer<T = unknown> extends ServedVersion {
  /** Parsed JSON for prompts with an output schema, else the text. */
  output: T;
  text: string;
  traceId: string;
  /** The `provider/model` that answered, or null when a fallback answered. */
  model: string | null;
  usage: { inputTokens: number; outputTokens: number };
  costUsd: number | null;
  guardrails: GuardrailVerdict[];
  /** What the input contract changed under `coerce`. */
  mutations: { path: string; rule: string; before: unknown; after: unknown }[];
}

/** Feedback on a run's answer: thumbs or a score from 0 to 1 (at least one), a comment, the answer it should have given. */
export interface Feedback {
  thumbs?: 'up' | 'down';
  score?: number;
  comment?: string;
  /** Text, or JSON for prompts that answer JSON. */
  correctedOutput?: unknown;
}

/** Feedback as recorded, with the trace's prompt, version and environment. */
export interface FeedbackRecord {
  id: string;
  traceId: string;
  prompt: string;
  version: number;
  environment: string | null;
  score: number | null;
  thumbs: 'up' | 'down' | null;
  /** Thumbs down, or a score under 0.5. */
  negative: boolean;
  comment: string | null;
  correctedOutput: unknown;
  by: string;
  at: string;
}
