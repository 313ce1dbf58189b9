import { Table } from '@mantine/core';
import type { ReactNode } from 'react';
import { TableHead, TableScroll } from './table-head.js';

/** A striped table of the trace pages, named for screen readers, scrolling sideways on a narrow screen. */
export function TraceTable({
  label,
  columns,
  children,
}: {
  label: string;
  columns: readonly string[];
  children: ReactNode;
}) {
  return (
    <TableScroll minWidth={640}>
      <Table aria-label={label} striped>
        <TableHead columns={columns} />
        <Table.Tbody>{children}</Table.Tbody>
      </Table>
    </TableScroll>
  );
}
