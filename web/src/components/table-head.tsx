import { Table } from '@mantine/core';
import { type ReactNode, useLayoutEffect, useRef, useState } from 'react';

/** A table's header row: one column heading per name. */
export function TableHead({ columns }: { columns: readonly string[] }) {
  return (
    <Table.Thead>
      <Table.Tr>
        {columns.map((name) => (
          <Table.Th key={name} scope="col">
            {name}
          </Table.Th>
        ))}
      </Table.Tr>
    </Table.Thead>
  );
}

/** A table's accessible name: its aria-label, else its caption's text. */
function tableName(table: HTMLTableElement | null | undefined): string | undefined {
  return (table?.getAttribute('aria-label') ?? table?.caption?.textContent?.trim()) || undefined;
}

/**
 * Table.ScrollContainer whose scrolling viewport takes keyboard focus, so a table wider than a
 * narrow screen can be scrolled without a mouse (axe: scrollable-region-focusable). A focusable box
 * needs a name too: the viewport is a region named as its table is, read from the table rendered
 * inside (callers name each table once, on the table).
 */
export function TableScroll({ minWidth, children }: { minWidth: number; children: ReactNode }) {
  const viewport = useRef<HTMLDivElement>(null);
  const [name, setName] = useState<string>();
  // After every render: the table's name may change with what it shows (setState bails out when equal).
  useLayoutEffect(() => {
    setName(tableName(viewport.current?.querySelector('table')));
  });
  return (
    <Table.ScrollContainer
      minWidth={minWidth}
      scrollAreaProps={{
        viewportRef: viewport,
        viewportProps: { tabIndex: 0, ...(name ? { role: 'region', 'aria-label': name } : {}) },
      }}
    >
      {children}
    </Table.ScrollContainer>
  );
}
