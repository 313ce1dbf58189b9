import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { PromptSpec } from './spec.js';

// The pure part lives apart so the browser can load it; every existing import keeps working.
export { canonicalJson, shortHash } from './canonical-json.js';

/** The hex sha256 of a spec's canonical serialisation: a version's identity. */
export function hashSpec(spec: PromptSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex');
}
