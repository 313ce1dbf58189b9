import { PromptOpsError } from '../errors.js';

export type VersionSelector =
  | { kind: 'latest' }
  | { kind: 'number'; number: number }
  | { kind: 'label'; label: string };

/** `NAME` (latest), `NAME@3` (a version number) or `NAME:production` (what a label points at). */
export interface VersionRef {
  prompt: string;
  selector: VersionSelector;
}

const SEGMENT = '[A-Za-z0-9][A-Za-z0-9_-]*';
const REF = new RegExp(`^(${SEGMENT}(?:\\.${SEGMENT})?)(?:@(?:v?(\\d+)|(latest))|:(${SEGMENT}))?$`);

/** Parses a version reference as users type it on the command line. */
export function parseVersionRef(text: string): VersionRef {
  const match = REF.exec(text.trim());
  if (!match) {
    throw new PromptOpsError(
      'PO_ERR_REF_INVALID',
      `"${text}" is not a version reference; write NAME (latest), NAME@3 (version 3) or NAME:production (a label)`,
      { ref: text },
    );
  }
  const [, prompt, number, , label] = match;
  if (number !== undefined) return { prompt: prompt!, selector: { kind: 'number', number: Number(number) } };
  if (label !== undefined) return { prompt: prompt!, selector: { kind: 'label', label } };
  return { prompt: prompt!, selector: { kind: 'latest' } };
}

/** The reference written back the way `parseVersionRef` reads it. */
export function formatVersionRef(ref: VersionRef): string {
  switch (ref.selector.kind) {
    case 'latest':
      return ref.prompt;
    case 'number':
      return `${ref.prompt}@${ref.selector.number}`;
    case 'label':
      return `${ref.prompt}:${ref.selector.label}`;
  }
}
