/**
 * The catalog table's shaping: which label columns it shows and which prompts a filter keeps. Pure.
 */
import type { PromptSummary } from '../../../src/store/types.js';

/** Environment labels as projects usually name them, shown first in this order. */
const ENVIRONMENT_ORDER = ['dev', 'development', 'test', 'staging', 'canary', 'prod', 'production'];

/** The label names across `prompts`: environment-like names first (dev before production), then the rest alphabetically. */
export function labelColumns(prompts: readonly PromptSummary[]): string[] {
  const names = new Set(prompts.flatMap((prompt) => Object.keys(prompt.labels)));
  const rank = (name: string) => {
    const index = ENVIRONMENT_ORDER.indexOf(name);
    return index === -1 ? ENVIRONMENT_ORDER.length : index;
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The prompts whose name or one of whose label names contains `text` (case-insensitive). */
export function filterPrompts(prompts: readonly PromptSummary[], text: string): PromptSummary[] {
  const needle = text.trim().toLowerCase();
  if (!needle) return [...prompts];
  return prompts.filter((prompt) =>
    [prompt.name, ...Object.keys(prompt.labels)].some((value) => value.toLowerCase().includes(needle)),
  );
}
