import { Badge, Table, Textarea } from '@mantine/core';
import type { ChangeRequest } from '../../../src/store/types.js';
import { stateOf } from '../change-requests.js';

// Filled badges in dark shades (or dark text on yellow, by autoContrast): AA contrast on every one.
const COLOURS: Record<string, string> = {
  // change request states
  open: 'blue.9',
  approved: 'teal.9',
  released: 'grape.9',
  closed: 'gray.7',
  // check states
  pass: 'teal.9',
  fail: 'red.9',
  error: 'red.9',
  skipped: 'gray.7',
  missing: 'yellow.5',
  overridden: 'orange.9',
  // held requests
  pending: 'yellow.5',
  rejected: 'red.9',
};

/** A status in words (the colour only repeats them): a check's, a held request's. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge color={COLOURS[status] ?? 'gray.7'} autoContrast>
      {status}
    </Badge>
  );
}

/** A change request's state: its status, or "approved" when it is open and ready. */
export function ChangeRequestStateBadge({ cr }: { cr: Pick<ChangeRequest, 'status' | 'gate'> }) {
  return <StatusBadge status={stateOf(cr)} />;
}

const RISK_COLOURS: Record<string, string> = {
  low: 'gray',
  medium: 'yellow',
  high: 'orange',
  critical: 'red',
};

/** A risk level, in words. */
export function RiskBadge({ level }: { level: string }) {
  return (
    <Badge color={RISK_COLOURS[level] ?? 'gray.7'} autoContrast>
      {level} risk
    </Badge>
  );
}

/** A table's column headings. */
export function Heads({ columns }: { columns: readonly string[] }) {
  return (
    <Table.Thead>
      <Table.Tr>
        {columns.map((c) => (
          <Table.Th key={c} scope="col">
            {c}
          </Table.Th>
        ))}
      </Table.Tr>
    </Table.Thead>
  );
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
      descriptionProps={{ c: 'gray.7' }}
      autosize
      minRows={2}
      maxLength={10_000}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
}
