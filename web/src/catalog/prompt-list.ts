/**
 * The catalog table's shaping: which label columns it shows and which prompts a filter keeps. Pure.
 */
import type { PromptSummary } from '../../../src/store/types.js';
import { inEnvironmentOrder } from '../environment-order.js';

/** The label names across `prompts`: environment-like names first (dev before production), then the rest alphabetically. */
export function labelColumns(prompts: readonly PromptSummary[]): string[] {
  return inEnvironmentOrder(new Set(prompts.flatMap((prompt) => Object.keys(prompt.labels))));
}

/** The prompts whose name or one of whose label names contains `text` (case-insensitive). */
export function filterPrompts(prompts: readonly PromptSummary[], text: string): PromptSummary[] {
  const needle = text.trim().toLowerCase();
  if (!needle) return [...prompts];
  return prompts.filter((prompt) =>
    [prompt.name, ...Object.keys(prompt.labels)].some((value) => value.toLowerCase().includes(needle)),
  );
}
