import { type Part, type Role, textOf } from '@promptops/client/render';
import { parseVersionRef } from '../catalog/ref.js';
import type { PromptSpec } from '../catalog/spec.js';
import { type ErrorCode, PromptOpsError } from '../errors.js';
import type { ChatMessage } from '../providers/types.js';
import type { GatewayRunRequest, GatewayRunResult } from './gateway.js';

// OpenAI's chat completions wire format, translated to and from a gateway run. `model` names a
// prompt; the variables travel in the body (`variables`, as Portkey's prompt completions take them,
// or `prompt_variables`, as LiteLLM's prompt management does), or, for a prompt with one required
// string field, as the last user message.

/** The part of an OpenAI chat completions request the gateway reads (the route checks the types). */
export interface ChatCompletionRequest {
  model: string;
  messages?: { role: string; content?: unknown; name?: string }[];
  variables?: Record<string, unknown>;
  prompt_variables?: Record<string, unknown>;
  user?: string;
  metadata?: Record<string, string>;
  environment?: string;
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  [param: string]: unknown;
}

/** Sampling parameters and the prompt config key each one overrides (where the prompt allows it). */
const CONFIG_OF: Record<string, string> = {
  temperature: 'temperature',
  top_p: 'topP',
  max_tokens: 'maxOutputTokens',
  max_completion_tokens: 'maxOutputTokens',
  stop: 'stopSequences',
};

/** Parameters that would change what a prompt is (its tools, its format, several answers): refused. */
const REFUSED = [
  'tools',
  'tool_choice',
  'functions',
  'function_call',
  'response_format',
  'logprobs',
  'top_logprobs',
  'logit_bias',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'audio',
  'modalities',
  'prediction',
];

const PREFIX = 'promptops/';

/** The prompt reference a `model` names: `promptops/NAME`, `NAME`, `NAME:ENV` or `NAME@N`. */
export function promptRefOf(model: string): string {
  return model.startsWith(PREFIX) ? model.slice(PREFIX.length) : model;
}

/**
 * The prompt, environment and version a request names: the environment from the model reference
 * (`NAME:ENV`), the `environment` body field or the `x-promptops-environment` header, which must agree.
 */
export function targetOf(
  body: Pick<ChatCompletionRequest, 'model' | 'environment'>,
  header: string | undefined,
): Pick<GatewayRunRequest, 'prompt' | 'environment' | 'version'> {
  const ref = refOf(body.model);
  const named = [
    ...(ref.selector.kind === 'label' ? [ref.selector.label] : []),
    ...(body.environment !== undefined ? [body.environment] : []),
    ...(header !== undefined ? [header] : []),
  ];
  if (new Set(named).size > 1) {
    throw new PromptOpsError(
      'PO_ERR_REQUEST_INVALID',
      `the request names environments ${[...new Set(named)].join(' and ')} (model, "environment" or the x-promptops-environment header); give one`,
      { param: 'environment' },
    );
  }
  return {
    prompt: ref.prompt,
    ...(named[0] !== undefined ? { environment: named[0] } : {}),
    ...(ref.selector.kind === 'number' ? { version: ref.selector.number } : {}),
  };
}

/** The reference a `model` names; a model that is no prompt reference (`openai/gpt-4o`) names no prompt. */
function refOf(model: string) {
  try {
    return parseVersionRef(promptRefOf(model));
  } catch {
    throw new PromptOpsError(
      'PO_ERR_PROMPT_NOT_FOUND',
      `model "${model}" names no prompt: on this gateway a model is a released prompt, written promptops/NAME, NAME:ENV or NAME@N`,
      { model, param: 'model' },
    );
  }
}

/**
 * A gateway run for a chat completions request served by `spec`: its input (the body's variables,
 * else the last user message as the prompt's one required string field), the conversation before
 * it as history, `user` as the sticky key, and the sampling parameters as config overrides.
 */
export function runRequestOf(
  body: ChatCompletionRequest,
  target: Pick<GatewayRunRequest, 'prompt' | 'environment' | 'version'>,
  spec: PromptSpec,
): GatewayRunRequest {
  refuseUnsupported(body);
  const messages = (body.messages ?? []).map(messageOf);
  const variables = body.variables ?? body.prompt_variables;
  const { input, history } =
    variables !== undefined
      ? { input: variables, history: messages }
      : fromLastMessage(messages, spec, target.prompt);
  const config = configOf(body);
  return {
    ...target,
    input,
    ...(history.length > 0 ? { history } : {}),
    ...(body.user !== undefined ? { stickyKey: body.user } : {}),
    ...(body.metadata !== undefined ? { metadata: body.metadata } : {}),
    ...(config ? { config } : {}),
  };
}

function refuseUnsupported(body: ChatCompletionRequest): void {
  if (body.variables !== undefined && body.prompt_variables !== undefined) {
    throw invalid('send the variables once, as "variables" or as "prompt_variables"', 'variables');
  }
  if (body.n !== undefined && body.n !== null && body.n !== 1) {
    throw invalid('the gateway answers with one choice: "n" must be 1', 'n');
  }
  for (const param of REFUSED) {
    if (body[param] !== undefined && body[param] !== null) {
      throw invalid(
        `"${param}" is not supported by the promptops gateway: the prompt file decides its model, tools and output format`,
        param,
      );
    }
  }
}

/** OpenAI's roles as Dotprompt's (`developer` is a system message, `assistant` the model's). */
const ROLES: Readonly<Record<string, Role>> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  assistant: 'model',
};

/** A message of the request as the pipeline's history holds it: Dotprompt's role and parts. */
function messageOf(message: { role: string; content?: unknown }, index: number): ChatMessage {
  const role = Object.hasOwn(ROLES, message.role) ? ROLES[message.role] : undefined;
  if (!role) {
    throw invalid(
      `messages[${index}] has role "${message.role}"; the gateway takes system, developer, user and assistant messages`,
      `messages[${index}].role`,
    );
  }
  return { role, content: partsOf(message.content, index) };
}

/** A message's content as parts: text, and images (`image_url`) as media parts. */
function partsOf(content: unknown, index: number): Part[] {
  if (typeof content === 'string') return [{ text: content }];
  if (Array.isArray(content)) {
    return content.map((part: { type?: unknown; text?: unknown; image_url?: { url?: unknown } }): Part => {
      if (part?.type === 'text' && typeof part.text === 'string') return { text: part.text };
      if (part?.type === 'image_url' && typeof part.image_url?.url === 'string') {
        return { media: { url: part.image_url.url } };
      }
      throw invalid(
        `messages[${index}] has a "${String(part?.type)}" part; the gateway takes text and image_url parts`,
        `messages[${index}].content`,
      );
    });
  }
  throw invalid(`messages[${index}] has no text content`, `messages[${index}].content`);
}

/** The input of a prompt with one required string field, from the last message (a user's). */
function fromLastMessage(
  messages: ChatMessage[],
  spec: PromptSpec,
  prompt: string,
): { input: Record<string, string>; history: ChatMessage[] } {
  const field = singleStringField(spec);
  const last = messages.at(-1);
  if (field === null) {
    throw invalid(
      `prompt "${prompt}" takes ${describeInput(spec)}: send them as "variables" (an object) in the request body`,
      'variables',
    );
  }
  if (last?.role !== 'user') {
    throw invalid(
      `prompt "${prompt}" fills "${field}" from the last message, which must be a user message (or send "variables")`,
      'messages',
    );
  }
  if (last.content.some((part) => !('text' in part))) {
    throw invalid(
      `prompt "${prompt}" fills "${field}" (a string) from the last message, which has an image; send text, or send "variables"`,
      'messages',
    );
  }
  return { input: { [field]: textOf(last) }, history: messages.slice(0, -1) };
}

/** The one required field of a prompt's input schema when it is a string, else null. */
export function singleStringField(spec: PromptSpec): string | null {
  const schema = spec.input.schema as {
    properties?: Record<string, { type?: unknown }>;
    required?: string[];
  } | null;
  const required = schema?.required ?? [];
  if (required.length !== 1) return null;
  const name = required[0] as string;
  return schema?.properties?.[name]?.type === 'string' ? name : null;
}

function describeInput(spec: PromptSpec): string {
  const required = (spec.input.schema as { required?: string[] } | null)?.required ?? [];
  return required.length > 0 ? `the fields ${required.join(', ')}` : 'no required field';
}

/** Config overrides from the sampling parameters set on the request, or undefined when none is. */
function configOf(body: ChatCompletionRequest): Record<string, unknown> | undefined {
  const config: Record<string, unknown> = {};
  for (const [param, key] of Object.entries(CONFIG_OF)) {
    const value = body[param];
    if (value === undefined || value === null) continue;
    config[key] = key === 'stopSequences' && typeof value === 'string' ? [value] : value;
  }
  return Object.keys(config).length > 0 ? config : undefined;
}

function invalid(message: string, param: string): PromptOpsError {
  return new PromptOpsError('PO_ERR_REQUEST_INVALID', message, { param });
}

/** The answer's text: the checked output, JSON text for a JSON prompt. */
export function contentOf(result: GatewayRunResult): string {
  return typeof result.output === 'string' ? result.output : JSON.stringify(result.output);
}

/** OpenAI's usage object from a run's token counts. */
function usageOf(result: GatewayRunResult) {
  const { inputTokens, outputTokens } = result.usage;
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
  };
}

/** What names the answer: its id, time and the served `prompt@version` as the model. */
function headOf(result: GatewayRunResult, now: number) {
  return {
    id: `chatcmpl-${result.traceId}`,
    created: Math.floor(now / 1000),
    model: `${result.version.prompt}@${result.version.number}`,
  };
}

/** A `chat.completion` object for a run. */
export function completionOf(result: GatewayRunResult, now: number) {
  return {
    ...headOf(result, now),
    object: 'chat.completion' as const,
    choices: [
      {
        index: 0,
        message: { role: 'assistant' as const, content: contentOf(result), refusal: null },
        logprobs: null,
        finish_reason: 'stop' as const,
      },
    ],
    usage: usageOf(result),
  };
}

/** Characters per content chunk of a stream: about a few words, as a model streams them. */
const CHUNK_CHARS = 24;

/**
 * The Server-Sent Events of a streamed completion: the role first, the checked answer in chunks cut
 * after whitespace, a last chunk with `finish_reason`, usage when asked, then `[DONE]`. The answer is
 * complete before the first event: output guardrails and the output contract see all of it first.
 */
export function streamEventsOf(result: GatewayRunResult, now: number, includeUsage: boolean): string[] {
  const head = { ...headOf(result, now), object: 'chat.completion.chunk' as const };
  const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
    ...head,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const events: unknown[] = [chunk({ role: 'assistant', content: '' }, null)];
  for (const piece of piecesOf(contentOf(result))) events.push(chunk({ content: piece }, null));
  events.push(chunk({}, 'stop'));
  if (includeUsage) events.push({ ...head, choices: [], usage: usageOf(result) });
  return [...events.map((event) => `data: ${JSON.stringify(event)}\n\n`), 'data: [DONE]\n\n'];
}

/** `text` cut into pieces of about CHUNK_CHARS, each ending after whitespace where it can. */
export function piecesOf(text: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + CHUNK_CHARS, text.length);
    const space = text.slice(end, end + CHUNK_CHARS).search(/\s/);
    if (end < text.length && space >= 0) end += space + 1;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

/** OpenAI's error `type` for a catalog status, so its clients name the failure as they would OpenAI's. */
function typeOf(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

/**
 * A catalog error body (`{error: {code, message, details}}`) in OpenAI's shape as well: `type` and
 * `param` beside our code, so OpenAI's clients raise their typed errors with our code on them.
 */
export function openAIErrorOf(
  body: { error: { code: ErrorCode; message: string; details?: Record<string, unknown> } },
  status: number,
) {
  const details = body.error.details ?? {};
  const param = typeof details.param === 'string' ? details.param : null;
  return { error: { ...body.error, details, type: typeOf(status), param } };
}
