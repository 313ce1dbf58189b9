import type { TextMessage } from '@promptops/client/render';
import { enforceInput } from '../contracts/input.js';
import type { ChatMessage } from '../providers/types.js';
import type { VersionRecord } from '../store/types.js';
import type { CompiledCache } from './compile.js';
import { type KnowledgeSource, loadKnowledge } from './knowledge.js';

/**
 * The messages a version renders for `input` after its input contract (defaults filled, fields
 * checked), with the knowledge it declares: what the model would be sent, for an application that
 * calls the model itself. Guardrails do not run here: they run on `run`.
 */
export async function renderVersion(
  deps: { compiled: CompiledCache; knowledge: KnowledgeSource | null },
  record: VersionRecord,
  input: unknown,
  history?: (ChatMessage | TextMessage)[],
): Promise<ChatMessage[]> {
  const compiled = deps.compiled.get(record);
  const name = `${record.prompt}@${record.number}`;
  const { value } = enforceInput(input, compiled.input, name);
  const declared = record.spec.promptops.knowledge;
  const knowledge = declared.length > 0 ? await loadKnowledge(declared, deps.knowledge, name) : null;
  return compiled.render(knowledge ? { ...value, ...knowledge } : value, { history });
}
