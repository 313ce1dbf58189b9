export { openStore, redactUrl } from './open.js';
export type {
  EvalRunRecord,
  LabelEvent,
  LabelRecord,
  PromptSummary,
  PushItem,
  PushOutcome,
  RegistryStore,
  ReviewRecord,
  StoreOptions,
  TraceFilter,
  VersionRecord,
} from './registry-store.js';
