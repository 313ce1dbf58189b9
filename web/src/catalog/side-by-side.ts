/**
 * Two texts side by side: the rows of a two-column diff, each with the old line (left), the new
 * line (right) and how they differ. Pure; built on the `diff` package's line diff.
 */
import { diffLines } from 'diff';

export interface Side {
  /** The 1-based line number in its own text. */
  number: number;
  text: string;
}

export interface SideBySideRow {
  /** `same`: unchanged; `changed`: the left line became the right one; `removed`/`added`: one side only. */
  kind: 'same' | 'changed' | 'removed' | 'added';
  left: Side | null;
  right: Side | null;
}

/** The rows of `before` against `after`; a removed block followed by an added one is paired line by line. */
export function sideBySide(before: string, after: string): SideBySideRow[] {
  const rows: SideBySideRow[] = [];
  let leftNumber = 0;
  let rightNumber = 0;
  let removed: string[] = [];
  const flushRemoved = (added: string[]) => {
    const paired = Math.max(removed.length, added.length);
    for (let i = 0; i < paired; i++) {
      const left = i < removed.length ? { number: ++leftNumber, text: removed[i] as string } : null;
      const right = i < added.length ? { number: ++rightNumber, text: added[i] as string } : null;
      rows.push({ kind: left && right ? 'changed' : left ? 'removed' : 'added', left, right });
    }
    removed = [];
  };
  for (const part of diffLines(before, after)) {
    const lines = splitLines(part.value);
    if (part.removed) {
      removed.push(...lines);
    } else if (part.added) {
      flushRemoved(lines);
    } else {
      flushRemoved([]);
      for (const text of lines) {
        rows.push({
          kind: 'same',
          left: { number: ++leftNumber, text },
          right: { number: ++rightNumber, text },
        });
      }
    }
  }
  flushRemoved([]);
  return rows;
}

function splitLines(value: string): string[] {
  const lines = value.split('\n');
  // A part ending in a newline ends its last line; it does not start an empty one.
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** How many rows of each kind: the summary above the diff (`3 changed, 1 added`). */
export function countChanges(rows: readonly SideBySideRow[]): Record<SideBySideRow['kind'], number> {
  const counts = { same: 0, changed: 0, removed: 0, added: 0 };
  for (const row of rows) counts[row.kind]++;
  return counts;
}
