import { Textarea } from '@mantine/core';
import type { ChangeRequest } from '../../../src/store/types.js';
import { stateOf } from '../change-requests.js';
import { READABLE_DESCRIPTION, StatusBadge } from './status-badge.js';

/** The colour of each state a change request, a check or a held request is in (status-badge.tsx's readable ones). */
const COLOURS: Record<string, string> = {
  // change request states
  open: 'blue',
  approved: 'green',
  released: 'violet',
  closed: 'gray',
  // check states
  pass: 'green',
  fail: 'red',
  error: 'red',
  skipped: 'gray',
  missing: 'yellow',
  overridden: 'orange',
  // held requests
  pending: 'yellow',
  rejected: 'red',
};

/** A check's or a held request's status, in words. */
export function StateBadge({ status }: { status: string }) {
  return <StatusBadge color={COLOURS[status] ?? 'gray'}>{status}</StatusBadge>;
}

/** A change request's state: its status, or "approved" when it is open and ready. */
export function ChangeRequestStateBadge({ cr }: { cr: Pick<ChangeRequest, 'status' | 'gate'> }) {
  return <StateBadge status={stateOf(cr)} />;
}

const RISK_COLOURS: Record<string, string> = {
  low: 'gray',
  medium: 'yellow',
  high: 'orange',
  critical: 'red',
};

/** A risk level, in words. */
export function RiskBadge({ level }: { level: string }) {
  return <StatusBadge color={RISK_COLOURS[level] ?? 'gray'}>{`${level} risk`}</StatusBadge>;
}

/** A free-text field (a comment, a note, a justification), bounded as the API bounds it. */
export function LongText({
  label,
  description,
  value,
  onChange,
}: {
  label: string;
  description?: string | undefined;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Textarea
      label={label}
      description={description}
      styles={READABLE_DESCRIPTION}
      autosize
      minRows={2}
      maxLength={10_000}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
}
