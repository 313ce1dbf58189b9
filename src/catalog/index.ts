export { canonicalJson, hashSpec, shortHash } from './canonical.js';
export { type Diagnostic, hasErrors, sortDiagnostics } from './diagnostics.js';
export {
  type BreakingChange,
  diffSpecs,
  findBreakingChanges,
  type SpecChange,
  type SpecDiff,
} from './diff.js';
export { type CatalogEntry, type CatalogResult, lintSources, type SourceFile } from './lint.js';
export { decodePromptBytes, MAX_PROMPT_BYTES, type ParseResult, parsePrompt } from './parse.js';
export type { CatalogConfig, GuardrailRules, KnownNames, ParseContext } from './parse-context.js';
export { formatVersionRef, parseVersionRef, type VersionRef, type VersionSelector } from './ref.js';
export * from './spec.js';
