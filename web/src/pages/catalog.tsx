import { Anchor, Group, Pagination, Table, Text, TextInput } from '@mantine/core';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { shortHash } from '../../../src/catalog/canonical-json.js';
import type { PromptSummary, VersionRecord } from '../../../src/store/types.js';
import { api, seg } from '../api.js';
import { pageOf } from '../catalog/paging.js';
import { filterPrompts, labelColumns } from '../catalog/prompt-list.js';
import { Page, useProjectPath } from '../components/page.js';
import { RiskBadge } from '../components/risk-badge.js';
import { QueryState } from '../components/state.js';
import { StatusBadge } from '../components/status-badge.js';
import { TableHead, TableScroll } from '../components/table-head.js';

const PAGE_SIZE = 25;

/** The catalog: every prompt with its owner, risk tier, labels and latest version. */
export default function CatalogPage() {
  const path = useProjectPath();
  const prompts = useQuery({
    queryKey: ['prompts', path('')],
    queryFn: () => api<PromptSummary[]>('GET', path('/prompts')),
    refetchInterval: 15_000,
  });
  return (
    <Page title="Catalog">
      <QueryState query={prompts}>{(list) => <PromptTable prompts={list} />}</QueryState>
    </Page>
  );
}

function PromptTable({ prompts }: { prompts: PromptSummary[] }) {
  const [filter, setFilter] = useState('');
  const [page, setPage] = useState(1);
  const columns = labelColumns(prompts);
  const filtered = filterPrompts(prompts, filter);
  const shown = pageOf(filtered, page, PAGE_SIZE);
  return (
    <>
      <TextInput
        label="Filter by prompt or label"
        placeholder="support-reply, production…"
        value={filter}
        onChange={(e) => {
          setFilter(e.currentTarget.value);
          setPage(1);
        }}
        maw={420}
      />
      {prompts.length === 0 ? (
        <Text>
          No prompts yet: <code>promptops push</code> registers them.
        </Text>
      ) : (
        <>
          <TableScroll minWidth={640}>
            <Table striped highlightOnHover aria-label="Prompts">
              <TableHead columns={['Prompt', 'Owner', 'Risk', ...columns, 'Latest']} />
              <Table.Tbody>
                <PromptRows prompts={shown.items} columns={columns} />
              </Table.Tbody>
            </Table>
          </TableScroll>
          <Group justify="space-between">
            <Text size="sm" c="gray.7">
              {filtered.length} of {prompts.length} prompts
            </Text>
            {shown.pages > 1 && (
              <Pagination
                total={shown.pages}
                value={shown.page}
                onChange={setPage}
                aria-label="Catalog pages"
              />
            )}
          </Group>
        </>
      )}
    </>
  );
}

/**
 * The rows of one page. Owner and risk live in each prompt's spec, so the latest version of each
 * shown prompt is read (a page at a time, never the whole catalog).
 */
function PromptRows({ prompts, columns }: { prompts: PromptSummary[]; columns: string[] }) {
  const path = useProjectPath();
  const latest = useQueries({
    queries: prompts.map((prompt) => ({
      queryKey: ['version', path(''), prompt.name, prompt.latest?.number ?? 0],
      queryFn: () => api<VersionRecord>('GET', path(`/prompts/${seg(prompt.name)}/resolve`)),
      enabled: prompt.latest !== null,
      staleTime: Number.POSITIVE_INFINITY,
    })),
  });
  return prompts.map((prompt, index) => {
    const spec = latest[index]?.data?.spec;
    return (
      <Table.Tr key={prompt.name}>
        <Table.Td>
          <Anchor component={Link} to={`/catalog/${seg(prompt.name)}`}>
            {prompt.name}
          </Anchor>
        </Table.Td>
        <Table.Td>{spec ? (spec.promptops.owner ?? <Text c="gray.7">none</Text>) : '…'}</Table.Td>
        <Table.Td>{spec ? <RiskBadge level={spec.promptops.risk} /> : '…'}</Table.Td>
        {columns.map((label) => (
          <Table.Td key={label}>
            {prompt.labels[label] !== undefined ? (
              <StatusBadge variant="outline">{`v${prompt.labels[label]}`}</StatusBadge>
            ) : (
              <Text c="gray.7" span>
                —
              </Text>
            )}
          </Table.Td>
        ))}
        <Table.Td>
          {prompt.latest ? (
            <Group gap={6} wrap="nowrap">
              <Text span>v{prompt.latest.number}</Text>
              <Text span ff="monospace" size="xs" c="gray.7">
                {shortHash(prompt.latest.hash)}
              </Text>
            </Group>
          ) : (
            '—'
          )}
        </Table.Td>
      </Table.Tr>
    );
  });
}
