/**
 * The promptops SDK: what applications import. Everything else in the package is internal.
 */
export {
  type BreakingChange,
  type CatalogEntry,
  type Diagnostic,
  diffSpecs,
  hashSpec,
  type PromptSpec,
  parsePrompt,
  parseVersionRef,
  type SpecDiff,
  type VersionRef,
} from './catalog/index.js';
export { ERROR_CATALOG, type ErrorCode, isPromptOpsError, PromptOpsError } from './errors.js';
export type { Trace } from './observe/trace.js';
export { type ProjectConfig, parseProjectConfig } from './project/config.js';
export { parseContext } from './project/parse-context.js';
export { loadCatalog, openWorkspace, type Workspace } from './project/workspace.js';
export {
  type ClientOptions,
  createClient,
  type PromptOpsClient,
  type RenderOptions,
  type RunOptions,
  type ServeOptions,
} from './runtime/client.js';
export type { RunResult } from './runtime/pipeline.js';
export type { ClientRunResult, PromptSource, PromptView, RenderedView } from './runtime/remote-client.js';
export { openStore, type RegistryStore, type VersionRecord } from './store/index.js';
