import { Badge, Code, Group, Table, Text } from '@mantine/core';
import type { JsonSchema } from '../../../src/catalog/spec.js';
import { schemaRows } from './schema-rows.js';
import { TableHead } from './table-head.js';

/** A schema as a table of its fields (path, type, required, constraints), its raw JSON collapsed below. */
export function SchemaTable({ schema, name }: { schema: JsonSchema | null; name: string }) {
  if (!schema) return <Text c="dimmed">No schema: any {name.toLowerCase()} is accepted.</Text>;
  const rows = schemaRows(schema);
  return (
    <>
      {rows.length === 0 ? (
        <Text c="dimmed">The schema sets no fields.</Text>
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table aria-label={name} withTableBorder>
            <TableHead columns={['Field', 'Type', 'Required', 'Constraints']} />
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.path}>
                  <Table.Td>
                    <Code>{row.path}</Code>
                    {row.description && (
                      <Text size="xs" c="dimmed">
                        {row.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{row.type}</Table.Td>
                  <Table.Td>{row.isRequired ? 'required' : 'optional'}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {row.constraints.map((constraint) => (
                        <Badge key={constraint} variant="outline" color="gray" tt="none">
                          {constraint}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
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
      <Code block mt="xs">
        {JSON.stringify(value, null, 2)}
      </Code>
    </details>
  );
}
