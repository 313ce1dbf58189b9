import { Table } from '@mantine/core';

/** A table's header row: one cell per column name (unique in the table), `widths` fixing some of them. */
export function TableHead({
  columns,
  widths = {},
}: {
  columns: readonly string[];
  widths?: Readonly<Record<string, number>>;
}) {
  return (
    <Table.Thead>
      <Table.Tr>
        {columns.map((column) => (
          <Table.Th key={column} w={widths[column]}>
            {column}
          </Table.Th>
        ))}
      </Table.Tr>
    </Table.Thead>
  );
}
