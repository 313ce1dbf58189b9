/** Candidate spans and how overlaps between them are resolved: one way for every detector family. */
import type { Span } from '../types.js';

/** A possible span, before overlaps are resolved. */
export interface Candidate {
  start: number;
  end: number;
  type: string;
  prio: number;
}

/**
 * A function that adds a candidate span, ranked by its type's priority in `priority` (lower wins an
 * overlap; unknown types rank last). Each family of detectors declares its own order.
 */
export function candidatePusher(
  priority: Readonly<Record<string, number>>,
): (out: Candidate[], start: number, end: number, type: string) => void {
  return (out, start, end, type) => {
    out.push({ start, end, type, prio: priority[type] ?? 9 });
  };
}

function better(a: Candidate, b: Candidate): number {
  return a.prio - b.prio || b.end - b.start - (a.end - a.start) || a.start - b.start;
}

/** Sorts candidates and drops the ones overlapping a better one (priority, then length). */
export function resolve(cands: Candidate[]): Span[] {
  const out: Span[] = [];
  if (cands.length === 0) return out;
  cands.sort((a, b) => a.start - b.start || better(a, b));
  let i = 0;
  while (i < cands.length) {
    const first = cands[i]!;
    let j = i + 1;
    let end = first.end;
    while (j < cands.length && cands[j]!.start < end) {
      end = Math.max(end, cands[j]!.end);
      j++;
    }
    if (j === i + 1) {
      out.push({ start: first.start, end: first.end, type: first.type });
    } else if (j - i <= 64) {
      const group = cands.slice(i, j).sort(better);
      const kept: Candidate[] = [];
      for (const g of group) if (kept.every((k) => g.end <= k.start || g.start >= k.end)) kept.push(g);
      kept.sort((a, b) => a.start - b.start);
      for (const k of kept) out.push({ start: k.start, end: k.end, type: k.type });
    } else {
      // Pathological chains of overlaps: keep it linear, first come first kept.
      let last = -1;
      for (let k = i; k < j; k++) {
        const c = cands[k]!;
        if (c.start >= last) {
          out.push({ start: c.start, end: c.end, type: c.type });
          last = c.end;
        }
      }
    }
    i = j;
  }
  return out;
}

/** The spans of the asked-for types (all of them when `types` is undefined or names every type). */
export function only(spans: Span[], types: readonly string[] | undefined, all: readonly string[]): Span[] {
  if (types === undefined || new Set(types).size === all.length) return spans;
  return spans.filter((s) => types.includes(s.type));
}

/**
 * The bit mask of the asked-for types (`all` when undefined); an unknown name throws a RangeError
 * naming the known ones.
 */
export function typeMask(
  names: readonly string[] | undefined,
  bits: Readonly<Record<string, number>>,
  known: readonly string[],
  noun: string,
): number {
  let mask = 0;
  for (const name of names ?? known) {
    if (!Object.hasOwn(bits, name))
      throw new RangeError(`unknown ${noun} "${name}" (known: ${known.join(', ')})`);
    mask |= bits[name]!;
  }
  return mask;
}
