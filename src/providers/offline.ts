import { type Part, textOf } from '@promptops/client/render';
import { PromptOpsError } from '../errors.js';
import { ProviderError } from './http.js';
import type { ModelProvider, ModelRequest, ModelResponse } from './types.js';

/** Rough token count for offline answers: about four characters a token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * The request as text: each message's parts, media, tool calls and results shown in brackets. The
 * model's turns stay labelled `[assistant]`, as echo printed them before messages became Dotprompt's
 * (`model`), so the expectations in users' eval suites keep matching.
 */
function flatten(request: ModelRequest): string {
  return request.messages
    .map((m) => `[${m.role === 'model' ? 'assistant' : m.role}]\n${m.content.map(partText).join('')}`)
    .join('\n\n');
}

function partText(part: Part): string {
  if ('text' in part) return part.text;
  if ('media' in part)
    return `[media ${part.media.url}${part.media.contentType ? ` ${part.media.contentType}` : ''}]`;
  if ('toolRequest' in part)
    return `[tool request ${part.toolRequest.name} ${JSON.stringify(part.toolRequest.input ?? {})}]`;
  if ('toolResponse' in part)
    return `[tool response ${part.toolResponse.name} ${JSON.stringify(part.toolResponse.output ?? null)}]`;
  return `[section ${part.metadata.purpose}]`;
}

/** `offline/echo`: answers with the rendered prompt itself. Deterministic, instant, no network. */
export function echoAnswer(request: ModelRequest): ModelResponse {
  const text = flatten(request);
  const input = request.messages.reduce((n, m) => n + estimateTokens(textOf(m)), 0);
  return { text, usage: { inputTokens: input, outputTokens: estimateTokens(text) }, finishReason: 'stop' };
}

/** One scripted answer: text or JSON, optionally late, or a failure of a given kind. */
export interface ScriptedReply {
  text?: string;
  json?: unknown;
  delayMs?: number;
  fail?: 'rate-limited' | 'unavailable' | 'timeout' | 'rejected';
  retryAfterSeconds?: number;
}

/**
 * A rule of a fixture file: when the request matches, answer with the next reply in turn.
 * `contains` (case-insensitive) and `regex` (case-insensitive) look at the user messages only.
 */
export interface ScriptedRule {
  when?: { prompt?: string; contains?: string; regex?: string };
  /** Replies used in order; the last one repeats, or with `cycle` they all do, in turn. */
  replies: ScriptedReply[];
  cycle?: boolean;
}

/**
 * Parses a fixture document (`rules:` list). Each rule has `when` and one of `respond` (one
 * reply), `sequence` (replies in turn, then the last for ever) or `cycle` (replies in turn, over
 * and over: `[ok, ok, fail]` fails every third call, for canaries and alerts to notice).
 */
export function parseScript(doc: unknown, source: string): ScriptedRule[] {
  const rules = (doc as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) {
    throw new PromptOpsError(
      'PO_ERR_PROVIDER_NOT_CONFIGURED',
      `${source} must hold a "rules:" list of { when, respond | sequence }`,
    );
  }
  return rules.map((rule, index) => {
    const r = rule as {
      when?: ScriptedRule['when'];
      respond?: ScriptedReply;
      sequence?: ScriptedReply[];
      cycle?: ScriptedReply[];
    };
    const replies = r.cycle ?? r.sequence ?? (r.respond ? [r.respond] : []);
    if (replies.length === 0) {
      throw new PromptOpsError(
        'PO_ERR_PROVIDER_NOT_CONFIGURED',
        `${source}: rule ${index + 1} has none of respond, sequence or cycle`,
      );
    }
    if (r.when?.regex !== undefined) {
      try {
        new RegExp(r.when.regex, 'i');
      } catch (err) {
        throw new PromptOpsError(
          'PO_ERR_PROVIDER_NOT_CONFIGURED',
          `${source}: rule ${index + 1} has a regex that does not compile: ${(err as Error).message}`,
        );
      }
    }
    return { ...(r.when ? { when: r.when } : {}), replies, ...(r.cycle ? { cycle: true } : {}) };
  });
}

/** `offline/scripted`: answers from fixture rules, so demos and tests are deterministic. */
export class OfflineProvider implements ModelProvider {
  private readonly turns = new Map<number, number>();

  constructor(
    readonly name: string,
    private readonly rules: ScriptedRule[] = [],
  ) {}

  async generate(request: ModelRequest, signal: AbortSignal): Promise<ModelResponse> {
    if (request.model === 'echo') return echoAnswer(request);
    if (request.model !== 'scripted') {
      throw new ProviderError(
        'PO_ERR_PROVIDER_REJECTED',
        `the offline provider has no model "${request.model}"; use offline/echo or offline/scripted`,
        {
          provider: this.name,
        },
      );
    }
    const text = flatten(request);
    // Rules look at what the user side says, not at the system prompt every request shares.
    const userText = request.messages
      .filter((m) => m.role === 'user')
      .map(textOf)
      .join('\n');
    const index = this.rules.findIndex((rule) => matches(rule, request, userText));
    if (index < 0) {
      throw new ProviderError(
        'PO_ERR_PROVIDER_REJECTED',
        `no scripted answer matches this request${request.prompt ? ` for prompt ${request.prompt.name}` : ''}; add a rule to the offline fixtures file`,
        { provider: this.name },
      );
    }
    const rule = this.rules[index]!;
    const turn = this.turns.get(index) ?? 0;
    this.turns.set(index, turn + 1);
    const last = rule.replies.length - 1;
    const reply = rule.replies[rule.cycle ? turn % rule.replies.length : Math.min(turn, last)]!;
    if (reply.delayMs) await sleep(reply.delayMs, signal);
    if (signal.aborted)
      throw new ProviderError('PO_ERR_PROVIDER_TIMEOUT', 'offline provider: the call timed out', {
        provider: this.name,
      });
    if (reply.fail) throw scriptedFailure(this.name, reply);
    const answer = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? '');
    return {
      text: answer,
      usage: { inputTokens: estimateTokens(text), outputTokens: estimateTokens(answer) },
      finishReason: 'stop',
    };
  }
}

function matches(rule: ScriptedRule, request: ModelRequest, text: string): boolean {
  const when = rule.when;
  if (!when) return true;
  if (when.prompt !== undefined && request.prompt?.name !== when.prompt) return false;
  if (when.contains !== undefined && !text.toLowerCase().includes(when.contains.toLowerCase())) return false;
  if (when.regex !== undefined && !new RegExp(when.regex, 'i').test(text)) return false;
  return true;
}

function scriptedFailure(provider: string, reply: ScriptedReply): ProviderError {
  const details = { provider, scripted: true };
  switch (reply.fail) {
    case 'rate-limited':
      return new ProviderError(
        'PO_ERR_PROVIDER_RATE_LIMITED',
        'offline provider: scripted 429',
        details,
        reply.retryAfterSeconds !== undefined ? reply.retryAfterSeconds * 1000 : null,
      );
    case 'timeout':
      return new ProviderError('PO_ERR_PROVIDER_TIMEOUT', 'offline provider: scripted timeout', details);
    case 'rejected':
      return new ProviderError('PO_ERR_PROVIDER_REJECTED', 'offline provider: scripted rejection', details);
    default:
      return new ProviderError('PO_ERR_PROVIDER_UNAVAILABLE', 'offline provider: scripted failure', details);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
