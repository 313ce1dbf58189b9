import { Code, Group, Table, Text } from '@mantine/core';
import type { JsonSchema } from '../../../src/catalog/spec.js';
import { StatusBadge } from '../components/status-badge.js';
import { TableHead, TableScroll } from '../components/table-head.js';
import { schemaRows } from './schema-rows.js';

/** A schema as a table of its fields (path, type, required, constraints), its raw JSON collapsed below. */
export function SchemaTable({ schema, name }: { schema: JsonSchema | null; name: string }) {
  if (!schema) return <Text c="gray.7">No schema: any {name.toLowerCase()} is accepted.</Text>;
  const rows = schemaRows(schema);
  return (
    <>
      {rows.length === 0 ? (
        <Text c="gray.7">The schema sets no fields.</Text>
      ) : (
        <TableScroll minWidth={520}>
          <Table aria-label={name} withTableBorder>
            <TableHead columns={['Field', 'Type', 'Required', 'Constraints']} />
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.path}>
                  <Table.Td>
                    <Code>{row.path}</Code>
                    {row.description && (
                      <Text size="xs" c="gray.7">
                        {row.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{row.type}</Table.Td>
                  <Table.Td>{row.isRequired ? 'required' : 'optional'}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {row.constraints.map((constraint) => (
                        <StatusBadge key={constraint} variant="outline" tt="none">
                          {constraint}
                        </StatusBadge>
                      ))}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
      <RawJson value={schema} summary={`${name}: raw JSON`} />
    </>
  );
}

/** A value's JSON, collapsed behind a summary line (a native disclosure: keyboard and reader friendly). */
export function RawJson({ value, summary }: { value: unknown; summary: string }) {
  return (
    <details>
      <summary>
        <Text span size="sm">
          {summary}
        </Text>
      </summary>
      <Code block mt="xs" tabIndex={0}>
        {JSON.stringify(value, null, 2)}
      </Code>
    </details>
  );
}
