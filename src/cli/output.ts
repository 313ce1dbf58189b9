import { createColors } from 'picocolors';
import type { Diagnostic } from '../catalog/diagnostics.js';
import type { BreakingChange } from '../catalog/diff.js';

const isColor = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';

/** Colours for stdout: real escapes on a TTY, plain text otherwise (pipes, CI logs, NO_COLOR). */
export const color = createColors(isColor || Boolean(process.env.FORCE_COLOR));

/** Writes a value as pretty JSON to stdout (the `--json` form of every read command). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Renders rows as an aligned plain-text table with a header. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) =>
    Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) =>
        i === cells.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visibleLength(cell)),
      )
      .join('  ')
      .trimEnd();
  return [color.bold(line(headers)), ...rows.map(line)].join('\n');
}

function visibleLength(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour escapes
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

/** One breaking contract change as a line: `! input input.country: a new required field`. */
export function formatBreaking(b: BreakingChange): string {
  return `${color.red('  ! ')}${b.area} ${color.bold(b.path)}: ${b.reason}`;
}

/** `text` cut to `max` characters, with an ellipsis when it was longer. */
export function truncate(text: string, max = 100): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `file:line:col  error  message  rule`, coloured by severity. */
export function formatDiagnostic(d: Diagnostic): string {
  const severity = d.severity === 'error' ? color.red('error') : color.yellow('warning');
  return `${color.cyan(`${d.file}:${d.line}:${d.col}`)} ${severity} ${d.message} ${color.dim(`[${d.rule}]`)}`;
}

/** A short relative time for tables ("3m ago"), falling back to the date. */
export function formatWhen(iso: string, now = Date.now()): string {
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (seconds < 60) return `${Math.max(0, seconds)}s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)}h ago`;
  return iso.slice(0, 10);
}
