/**
 * Input field distributions for drift: each top-level field of a request's input falls in one bin,
 * labelled so that drift detection compares like with like across cells and gateways. Booleans are
 * `true`/`false`; short strings are their own value (categories); longer strings, arrays and numbers
 * are binned by length or magnitude; nested objects are left out.
 */

/** Strings up to this many characters are categories (their value is the label). */
export const CATEGORY_MAX_CHARS = 40;
/** Distinct categories a field keeps per cell; later ones count as OTHER. */
export const MAX_CATEGORIES = 20;
/** The label of the categories past MAX_CATEGORIES. */
export const OTHER = '(other)';

const STRING_LENGTH_BOUNDS = [80, 200, 500, 1000, 2000, 5000];
const ARRAY_LENGTH_BOUNDS = [0, 1, 2, 5, 10, 20, 50, 100];

/**
 * The bin label of one input field's value, or null for what is not binned (nested objects,
 * undefined). Booleans: `true`/`false`; strings up to 40 characters: the value itself (a category);
 * longer strings: `len≤80`, `len≤200`, … `len>5000`; arrays: `items≤0` … `items>100`; numbers: `0`,
 * or sign and power of ten (`+1e2` is 100 to 999.99…, `-1e-1` is -0.1 to -0.99…), `NaN`, `+inf`,
 * `-inf`; null: `null`.
 */
export function inputBin(value: unknown): string | null {
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return value.length <= CATEGORY_MAX_CHARS
        ? value
        : lengthBin('len', value.length, STRING_LENGTH_BOUNDS);
    case 'number':
      return magnitudeBin(value);
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) ? lengthBin('items', value.length, ARRAY_LENGTH_BOUNDS) : null;
    default:
      return null;
  }
}

/**
 * Counts `input`'s top-level fields into `into` (field → label → count), keeping at most
 * MAX_CATEGORIES distinct categories per field (the rest count as OTHER). An input that is not an
 * object (a redacted one, say) counts nothing.
 */
export function countInputs(into: Record<string, Record<string, number>>, input: unknown): void {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return;
  for (const field in input) {
    const value = (input as Record<string, unknown>)[field];
    let label = inputBin(value);
    if (label === null) continue;
    let bins = into[field];
    if (!bins) {
      bins = {};
      into[field] = bins;
    }
    const count = bins[label];
    if (count !== undefined) {
      bins[label] = count + 1;
      continue;
    }
    const isCategory = typeof value === 'string' && value.length <= CATEGORY_MAX_CHARS;
    if (isCategory && categoriesOf(bins) >= MAX_CATEGORIES) label = OTHER;
    bins[label] = (bins[label] ?? 0) + 1;
  }
}

function categoriesOf(bins: Record<string, number>): number {
  let n = 0;
  for (const label in bins) if (label !== OTHER && !isStructuralLabel(label)) n++;
  return n;
}

/** Labels the binning writes itself (length and magnitude bins), as opposed to a string's value. */
function isStructuralLabel(label: string): boolean {
  return /^(?:len[≤>]\d+|items[≤>]\d+|[+-]1e-?\d+|0|NaN|[+-]inf|null|true|false)$/.test(label);
}

function lengthBin(prefix: string, length: number, bounds: readonly number[]): string {
  for (const bound of bounds) if (length <= bound) return `${prefix}≤${bound}`;
  return `${prefix}>${bounds.at(-1)}`;
}

function magnitudeBin(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === 0) return '0';
  const sign = n > 0 ? '+' : '-';
  if (!Number.isFinite(n)) return `${sign}inf`;
  return `${sign}1e${Math.floor(Math.log10(Math.abs(n)))}`;
}
