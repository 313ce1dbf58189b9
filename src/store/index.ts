export type {
  ChangeRequest,
  CheckInput,
  GovernanceOptions,
  GovernanceStore,
  PolicyException,
  ProjectRecord,
  PromoteInput,
  ReleaseInput,
  ReleaseRecord,
  RoleBinding,
  RollbackInput,
  Store,
  TokenRecord,
} from './governance-store.js';
export { openStore } from './open.js';
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
export { redactUrl } from './url.js';
