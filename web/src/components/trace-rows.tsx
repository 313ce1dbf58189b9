import { Anchor, Box, Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type CSSProperties, memo, useRef } from 'react';
import { Link } from 'react-router';
import { formatCost, formatLatency, type TraceRow, type TraceStatus } from '../trace-list.js';
import { StatusBadge } from './status-badge.js';

/** Every row is this tall: the virtualiser places rows without measuring them. */
export const ROW_HEIGHT = 40;

const COLUMNS = ['Time', 'Prompt', 'Environment', 'Arm', 'Status', 'Latency', 'Cost'] as const;
const GRID: CSSProperties = {
  display: 'grid',
  gridTemplateColumns: '190px minmax(180px, 2fr) minmax(110px, 1fr) 80px 180px 90px 90px',
  alignItems: 'center',
  columnGap: 12,
  padding: '0 12px',
  minWidth: 960,
};
const CELL: CSSProperties = {
  overflow: 'hidden',
  textOverflow: 'ellipsis',
  whiteSpace: 'nowrap',
  fontSize: 'var(--mantine-font-size-sm)',
  textAlign: 'left',
  padding: 0,
};
const ROW: CSSProperties = {
  ...GRID,
  position: 'absolute',
  top: 0,
  left: 0,
  right: 0,
  height: ROW_HEIGHT,
  borderBottom: '1px solid var(--mantine-color-default-border)',
};
const ERROR_CODE: CSSProperties = {
  marginLeft: 6,
  fontSize: 'var(--mantine-font-size-xs)',
  color: 'var(--mantine-color-gray-7)',
};

const STATUS_COLOR: Record<TraceStatus, string> = { ok: 'green', error: 'red', held: 'orange' };

/** A trace's status as a badge that says it in words (colour is not the only signal). */
export function TraceStatusBadge({ status }: { status: TraceStatus }) {
  return (
    <StatusBadge color={STATUS_COLOR[status]} radius="sm">
      {status}
    </StatusBadge>
  );
}

/** A moment to the second, local time, the exact ISO value on hover. */
export function TraceTime({ at }: { at: string }) {
  return (
    <time dateTime={at} title={at}>
      {SECONDS.format(new Date(at))}
    </time>
  );
}

// One formatter for every row: making one per call costs more than the rest of a row.
const SECONDS = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

/**
 * The traces as an ARIA table whose rows are virtual: only the rows in view (and a few beyond) are
 * in the document, each `ROW_HEIGHT` tall, so ten thousand scroll as lightly as ten. The table
 * scrolls in its own box, sideways too on a narrow screen; its header stays on top.
 */
export function TraceRows({ rows, height }: { rows: readonly TraceRow[]; height: string }) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  return (
    <Box
      ref={scroller}
      data-testid="trace-scroller"
      style={{
        height,
        overflow: 'auto',
        border: '1px solid var(--mantine-color-default-border)',
        borderRadius: 4,
      }}
    >
      {/* Table elements laid out as grids (rows are placed by the virtualiser), as TanStack Virtual's table example does. */}
      <table
        aria-label="Traces"
        aria-rowcount={rows.length + 1}
        style={{ display: 'grid', minWidth: 960, borderCollapse: 'collapse' }}
      >
        <thead
          style={{
            display: 'grid',
            position: 'sticky',
            top: 0,
            zIndex: 1,
            background: 'var(--mantine-color-body)',
          }}
        >
          <tr
            aria-rowindex={1}
            style={{
              ...GRID,
              height: ROW_HEIGHT,
              borderBottom: '1px solid var(--mantine-color-default-border)',
            }}
          >
            {COLUMNS.map((name) => (
              <Text component="th" key={name} fw={600} size="sm" ta="left" style={CELL}>
                {name}
              </Text>
            ))}
          </tr>
        </thead>
        <tbody style={{ display: 'grid', position: 'relative', height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            return row ? <Row key={row.id} row={row} index={item.index} top={item.start} /> : null;
          })}
        </tbody>
      </table>
    </Box>
  );
}

/** A row stays the same while it is in view (its place is its index's), so scrolling renders only the rows that enter. */
const Row = memo(function Row({ row, index, top }: { row: TraceRow; index: number; top: number }) {
  return (
    <tr aria-rowindex={index + 2} style={{ ...ROW, transform: `translateY(${top}px)` }}>
      <td style={CELL}>
        <Anchor component={Link} to={`/traces/${encodeURIComponent(row.id)}`} size="sm">
          <TraceTime at={row.startedAt} />
        </Anchor>
      </td>
      <td style={CELL} title={`${row.prompt}@${row.version}`}>
        {row.prompt}@{row.version}
      </td>
      <td style={CELL}>{row.environment ?? '—'}</td>
      <td style={CELL}>{row.arm ?? '—'}</td>
      <td style={CELL} title={row.errorCode ?? undefined}>
        <TraceStatusBadge status={row.status} />
        {row.errorCode && <span style={ERROR_CODE}>{row.errorCode.replace(/^PO_ERR_/, '')}</span>}
      </td>
      <td style={CELL}>{formatLatency(row.latencyMs)}</td>
      <td style={CELL}>{formatCost(row.costUsd)}</td>
    </tr>
  );
});
