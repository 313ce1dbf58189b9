const DURATION_UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The pattern of a duration as `parseDuration` reads it (for schemas). */
export const DURATION_PATTERN = '^\\d+[smhd]$';

/** A duration written `90s`, `30m`, `12h` or `7d`, in milliseconds; null when `text` is not one. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+)([smhd])$/.exec(text.trim());
  return match ? Number(match[1]) * DURATION_UNITS[match[2]!]! : null;
}
