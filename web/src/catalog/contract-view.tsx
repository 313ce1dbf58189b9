import { Code, Group, List, Stack, Table, Text, Title } from '@mantine/core';
import type { GuardrailDecl, PromptSpec } from '../../../src/catalog/spec.js';
import { StatusBadge } from '../components/status-badge.js';
import { TableHead, TableScroll } from '../components/table-head.js';
import { RawJson, SchemaTable } from './schema-table.js';

/** A version's contract (input and output schemas, the rules beyond them) and its guardrails. */
export function ContractView({ spec }: { spec: PromptSpec }) {
  const { contract, guardrails } = spec.promptops;
  const fieldRules = Object.entries(contract.fields);
  return (
    <Stack gap="sm">
      <Title order={3} size="h5">
        Input schema
      </Title>
      <SchemaTable schema={spec.input.schema} name="Input schema" />
      <Title order={3} size="h5">
        Output schema ({spec.output.format})
      </Title>
      {spec.output.format === 'text' && !spec.output.schema ? (
        <Text c="gray.7">Free text.</Text>
      ) : (
        <SchemaTable schema={spec.output.schema} name="Output schema" />
      )}
      <Title order={3} size="h5">
        Contract rules
      </Title>
      <List size="sm">
        <List.Item>
          Input policy: <Code>{contract.policy}</Code>
          {contract.policy === 'coerce'
            ? ' (inputs are repaired where they can be)'
            : ' (bad inputs are refused)'}
        </List.Item>
        <List.Item>Longest input: {contract.maxInputChars ?? 'no limit'} characters</List.Item>
        <List.Item>
          Output: {contract.output.reasks} re-ask{contract.output.reasks === 1 ? '' : 's'}
          {contract.output.maxChars !== undefined && `, at most ${contract.output.maxChars} characters`}
          {contract.output.pattern !== undefined && (
            <>
              , matching <Code>{contract.output.pattern}</Code>
            </>
          )}
        </List.Item>
      </List>
      {fieldRules.length > 0 && (
        <TableScroll minWidth={400}>
          <Table aria-label="Field rules" withTableBorder>
            <TableHead columns={['Field', 'Rules']} />
            <Table.Tbody>
              {fieldRules.map(([field, rule]) => (
                <Table.Tr key={field}>
                  <Table.Td>
                    <Code>{field}</Code>
                  </Table.Td>
                  <Table.Td>
                    {Object.entries(rule)
                      .map(([key, value]) => (value === true ? key : `${key} ${JSON.stringify(value)}`))
                      .join(', ')}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
      <Title order={3} size="h5">
        Guardrails
      </Title>
      <GuardrailTable stage="Input" guardrails={guardrails.input} />
      <GuardrailTable stage="Output" guardrails={guardrails.output} />
    </Stack>
  );
}

function GuardrailTable({ stage, guardrails }: { stage: string; guardrails: GuardrailDecl[] }) {
  if (guardrails.length === 0) return <Text size="sm">{stage}: none.</Text>;
  return (
    <TableScroll minWidth={480}>
      <Table aria-label={`${stage} guardrails`} withTableBorder>
        <TableHead columns={[`${stage} guardrail`, 'Action', 'Options']} />
        <Table.Tbody>
          {guardrails.map((guardrail) => (
            // A guardrail may be declared twice, with other options: those tell them apart.
            <Table.Tr key={`${guardrail.name} ${guardrail.action} ${JSON.stringify(guardrail.options)}`}>
              <Table.Td>
                <Code>{guardrail.name}</Code>
              </Table.Td>
              <Table.Td>
                <StatusBadge variant="outline" color="blue">
                  {guardrail.action}
                </StatusBadge>
                {guardrail.fallback !== undefined && (
                  <Text size="xs" c="gray.7">
                    fallback: {guardrail.fallback}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <GuardrailOptions options={guardrail.options} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableScroll>
  );
}

function GuardrailOptions({ options }: { options: Record<string, unknown> }) {
  const entries = Object.entries(options);
  if (entries.length === 0) return <Text c="gray.7">defaults</Text>;
  const shown = entries.map(([key, value]) => [key, plainText(value)] as const);
  if (shown.some(([, text]) => text === null)) {
    return <RawJson value={options} summary={`${entries.length} option${entries.length === 1 ? '' : 's'}`} />;
  }
  return (
    <Group gap={4}>
      {shown.map(([key, text]) => (
        <StatusBadge key={key} variant="outline" tt="none">
          {`${key}: ${text}`}
        </StatusBadge>
      ))}
    </Group>
  );
}

/** A scalar or a list of scalars as one line (`email, phone`); null for anything nested. */
function plainText(value: unknown): string | null {
  const isScalar = (v: unknown) => v === null || typeof v !== 'object';
  if (isScalar(value)) return String(value);
  if (Array.isArray(value) && value.every(isScalar)) return value.map(String).join(', ');
  return null;
}
