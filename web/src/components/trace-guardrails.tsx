import { Box, Code, Stack, Table, Text } from '@mantine/core';
import { REDACTED, type Trace } from '../../../src/observe/trace.js';
import { checkedText, highlightSpans } from '../trace-view.js';
import { StatusBadge } from './status-badge.js';
import { TraceTable } from './trace-table.js';

type Verdict = Trace['guardrails'][number];

/**
 * Every guardrail verdict of a trace, then, for each violation that found spans, the text it
 * judged with those spans marked (each mark followed by what was found, so colour is not the only
 * signal).
 */
export function TraceGuardrails({ trace }: { trace: Pick<Trace, 'guardrails' | 'input' | 'output'> }) {
  if (trace.guardrails.length === 0) return <Text size="sm">No guardrail ran on this request.</Text>;
  const flagged = trace.guardrails.filter((v) => v.isViolation && v.spans.length > 0);
  return (
    <Stack gap="sm">
      <TraceTable
        label="Guardrail verdicts"
        columns={['Guardrail', 'Checked', 'Verdict', 'Action', 'Score', 'Reasons']}
      >
        {trace.guardrails.map((verdict, i) => (
          // Verdicts have no id; their order is the run's and never changes.
          // biome-ignore lint/suspicious/noArrayIndexKey: a trace's verdict list is fixed
          <Table.Tr key={i}>
            <Table.Td>{verdict.name}</Table.Td>
            <Table.Td>{checkedName(verdict)}</Table.Td>
            <Table.Td>
              <StatusBadge color={verdict.isViolation ? 'red' : 'green'}>
                {verdict.isViolation ? 'violation' : 'pass'}
              </StatusBadge>
            </Table.Td>
            <Table.Td>{verdict.isViolation ? verdict.action : '—'}</Table.Td>
            <Table.Td>{verdict.score.toFixed(2)}</Table.Td>
            <Table.Td>{verdict.reasons.join('; ') || '—'}</Table.Td>
          </Table.Tr>
        ))}
      </TraceTable>
      {flagged.map((verdict, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a trace's verdict list is fixed
        <FlaggedText key={i} verdict={verdict} trace={trace} />
      ))}
    </Stack>
  );
}

function checkedName(verdict: Verdict): string {
  return verdict.field === null ? 'the answer' : `input ${verdict.field}`;
}

function FlaggedText({ verdict, trace }: { verdict: Verdict; trace: Pick<Trace, 'input' | 'output'> }) {
  const text = checkedText(trace, verdict.field);
  const heading = `${verdict.name} flagged in ${checkedName(verdict)}`;
  if (text === null || text === REDACTED) {
    const why =
      text === REDACTED
        ? 'the trace keeps this text redacted'
        : 'the trace does not keep the text as the guardrail saw it (a structured answer)';
    return (
      <Box>
        <Text size="sm" fw={600}>
          {heading}
        </Text>
        <Text size="sm">
          Spans (characters): {verdict.spans.map((s) => `${s.start}–${s.end} ${s.type}`).join(', ')}; {why}.
        </Text>
      </Box>
    );
  }
  return (
    <Box>
      <Text size="sm" fw={600}>
        {heading}
      </Text>
      <Code block style={{ whiteSpace: 'pre-wrap' }}>
        {highlightSpans(text, verdict.spans).map((piece, i) =>
          piece.flags.length === 0 ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: pieces are the text's, in order
            <span key={i}>{piece.text}</span>
          ) : (
            // biome-ignore lint/suspicious/noArrayIndexKey: pieces are the text's, in order
            <span key={i}>
              <mark
                style={{
                  background: 'var(--mantine-color-yellow-3)',
                  color: 'black',
                  textDecoration: 'underline',
                }}
              >
                {piece.text}
              </mark>
              <Text span size="xs" fw={700}>
                {' '}
                [{piece.flags.join(', ')}]
              </Text>
            </span>
          ),
        )}
      </Code>
    </Box>
  );
}
