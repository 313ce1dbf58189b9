export { openStore, redactUrl } from './open.js';
export type {
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
