import { Alert, Box, Code, List, Stack, Table, Text, Title } from '@mantine/core';
import { diffSpecs, type SpecChange, withPartials } from '../../../src/catalog/diff.js';
import type { VersionRecord } from '../../../src/store/types.js';
import { READABLE, StatusBadge } from '../components/status-badge.js';
import { TableHead, TableScroll } from '../components/table-head.js';
import { countChanges, type SideBySideRow, sideBySide } from './side-by-side.js';

/**
 * Two versions compared, as the CLI's `promptops diff` compares them (src/catalog/diff.ts): the
 * breaking contract changes first, then the template side by side, then every other spec change.
 */
export function VersionDiff({ from, to }: { from: VersionRecord; to: VersionRecord }) {
  const diff = diffSpecs(from.spec, to.spec, { a: `v${from.number}`, b: `v${to.number}` });
  const rows = diff.isTemplateChanged ? sideBySide(withPartials(from.spec), withPartials(to.spec)) : [];
  return (
    <Stack gap="sm">
      {diff.breaking.length > 0 ? (
        <Alert color={READABLE.red} title={`Breaking changes: ${diff.breaking.length}`} role="status">
          <List size="sm">
            {diff.breaking.map((change) => (
              <List.Item key={`${change.path}: ${change.reason}`}>
                <StatusBadge color="red" size="sm" mr={6}>
                  Breaking
                </StatusBadge>
                <StatusBadge variant="outline" size="sm" mr={6}>
                  {change.area}
                </StatusBadge>
                <Code>{change.path}</Code> {change.reason}
              </List.Item>
            ))}
          </List>
        </Alert>
      ) : (
        <Alert color={READABLE.green} title="No breaking contract changes" role="status">
          Callers and consumers of v{from.number} keep working with v{to.number}.
        </Alert>
      )}
      <Title order={3} size="h5">
        Template
      </Title>
      {diff.isTemplateChanged ? (
        <TemplateSideBySide rows={rows} from={from.number} to={to.number} />
      ) : (
        <Text>Unchanged.</Text>
      )}
      <Title order={3} size="h5">
        Schemas and config
      </Title>
      <ChangeTable changes={diff.changes} />
    </Stack>
  );
}

const ROW_COLOURS: Record<SideBySideRow['kind'], { left?: string; right?: string }> = {
  same: {},
  changed: { left: 'var(--mantine-color-red-light)', right: 'var(--mantine-color-green-light)' },
  removed: { left: 'var(--mantine-color-red-light)' },
  added: { right: 'var(--mantine-color-green-light)' },
};

/** The sign beside a changed line, so the colour is not the only signal. */
const MARKS: Record<SideBySideRow['kind'], { left: string; right: string }> = {
  same: { left: ' ', right: ' ' },
  changed: { left: '−', right: '+' },
  removed: { left: '−', right: ' ' },
  added: { left: ' ', right: '+' },
};

function TemplateSideBySide({ rows, from, to }: { rows: SideBySideRow[]; from: number; to: number }) {
  const counts = countChanges(rows);
  return (
    <>
      <Text size="sm" c="gray.7">
        {counts.changed} changed, {counts.removed} removed, {counts.added} added lines
      </Text>
      <TableScroll minWidth={640}>
        <Table
          aria-label={`Template, v${from} against v${to}`}
          withColumnBorders
          layout="fixed"
          ff="monospace"
          fz="xs"
        >
          {/* The line-number columns narrow, the text columns sharing the rest. */}
          <colgroup>
            <col style={{ width: 64 }} />
            <col />
            <col style={{ width: 64 }} />
            <col />
          </colgroup>
          <TableHead columns={[`v${from} line`, `v${from}`, `v${to} line`, `v${to}`]} />
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={`${row.left?.number ?? '-'}:${row.right?.number ?? '-'}`} data-kind={row.kind}>
                <Table.Td c="gray.7">{row.left?.number ?? ''}</Table.Td>
                <Table.Td
                  bg={ROW_COLOURS[row.kind].left}
                  style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}
                >
                  {row.left ? `${MARKS[row.kind].left} ${row.left.text}` : ''}
                </Table.Td>
                <Table.Td c="gray.7">{row.right?.number ?? ''}</Table.Td>
                <Table.Td
                  bg={ROW_COLOURS[row.kind].right}
                  style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}
                >
                  {row.right ? `${MARKS[row.kind].right} ${row.right.text}` : ''}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableScroll>
    </>
  );
}

function ChangeTable({ changes }: { changes: SpecChange[] }) {
  if (changes.length === 0) return <Text>Unchanged.</Text>;
  return (
    <TableScroll minWidth={640}>
      <Table aria-label="Spec changes" withTableBorder>
        <TableHead columns={['Path', 'Change', 'Before', 'After']} />
        <Table.Tbody>
          {changes.map((change) => (
            <Table.Tr key={change.path}>
              <Table.Td>
                <Code>{change.path}</Code>
              </Table.Td>
              <Table.Td>{change.kind}</Table.Td>
              <Table.Td>
                <Value value={change.before} />
              </Table.Td>
              <Table.Td>
                <Value value={change.after} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableScroll>
  );
}

function Value({ value }: { value: unknown }) {
  if (value === undefined) return <Text c="gray.7">—</Text>;
  const text = JSON.stringify(value, null, 2);
  return (
    <Box component="pre" m={0} fz="xs" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
      {text}
    </Box>
  );
}
