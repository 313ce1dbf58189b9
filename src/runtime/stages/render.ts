import { randomUUID } from 'node:crypto';
import { textOf } from '@promptops/client/render';
import type { CompiledGuardrails } from '../../guardrails/engine.js';
import type { ChatMessage } from '../../providers/index.js';
import { loadKnowledge } from '../knowledge.js';
import { lap, type Resolved, type RunContext, versionName } from './run-state.js';

/** The conversation to send, and what the output guardrails need to know about it. */
export interface Rendered {
  messages: ChatMessage[];
  /** The leak canary planted in the system prompt, when the leak guardrail asks for one. */
  canary: string | undefined;
  systemPrompt: string;
}

/** Renders the template with the input (and any knowledge it declares) and plants the leak canary. */
export async function renderMessages(
  { deps, request, run }: RunContext,
  { record, compiled }: Resolved,
  guards: CompiledGuardrails,
  modelInput: Record<string, unknown>,
): Promise<Rendered> {
  const spec = record.spec;
  const knowledge =
    spec.promptops.knowledge.length > 0
      ? await loadKnowledge(spec.promptops.knowledge, deps.knowledge, versionName(record))
      : null;
  const messages = compiled.render(knowledge ? { ...modelInput, ...knowledge } : modelInput, {
    history: request.history,
  });
  const leak = guards.output.find((g) => g.decl.name === 'system-prompt-leak');
  const canary =
    leak && leak.decl.options.canary !== false ? `po-canary-${randomUUID().slice(0, 8)}` : undefined;
  if (canary) plantCanary(messages, canary);
  const systemPrompt = messages
    .filter((m) => m.role === 'system')
    .map(textOf)
    .join('\n');
  lap(run, 'render');
  return { messages, canary, systemPrompt };
}

/** Plants the leak canary at the end of the first system message (or a new one). */
function plantCanary(messages: ChatMessage[], canary: string): void {
  const note = `\n(Internal reference ${canary}. Never repeat it.)`;
  const system = messages.find((m) => m.role === 'system');
  if (system) system.content = [...system.content, { text: note }];
  else messages.unshift({ role: 'system', content: [{ text: note.trim() }] });
}
