import { Box, Group, Text } from '@mantine/core';
import type { Trace } from '../../../src/observe/trace.js';
import { formatLatency } from '../trace-list.js';
import { timelineBars } from '../trace-view.js';

const BAR_COLOR = {
  stage: 'var(--mantine-color-blue-6)',
  attempt: 'var(--mantine-color-teal-6)',
  wait: 'var(--mantine-color-gray-5)',
};

/**
 * A trace's stages as a horizontal bar chart of their durations, the model's attempts (and waits
 * before retries) beneath the model stage. Each bar's label and time are text; the bar itself is
 * decoration.
 */
export function TraceTimeline({ trace }: { trace: Pick<Trace, 'timings' | 'attempts'> }) {
  const bars = timelineBars(trace);
  return (
    <Box component="ol" aria-label="Stage durations" p={0} m={0} style={{ listStyle: 'none' }}>
      {bars.map((bar) => (
        <Box component="li" key={bar.key} py={4}>
          <Group gap="sm" wrap="nowrap" align="center">
            <Text
              size="sm"
              w={{ base: 120, sm: 260 }}
              pl={bar.kind === 'stage' ? 0 : 'md'}
              style={{ flexShrink: 0 }}
              truncate="end"
              title={bar.label}
            >
              {bar.label}
            </Text>
            <Box
              aria-hidden
              style={{
                position: 'relative',
                flex: 1,
                minWidth: 40,
                height: 14,
                background: 'var(--mantine-color-default-hover)',
              }}
            >
              <Box
                style={{
                  position: 'absolute',
                  left: `${bar.offset * 100}%`,
                  width: `max(2px, ${bar.width * 100}%)`,
                  top: 0,
                  bottom: 0,
                  background: bar.error ? 'var(--mantine-color-red-6)' : BAR_COLOR[bar.kind],
                  borderRadius: 2,
                }}
              />
            </Box>
            <Text size="sm" w={64} ta="right" style={{ flexShrink: 0 }}>
              {formatLatency(bar.durationMs)}
            </Text>
          </Group>
          {bar.error && (
            <Text size="xs" c="red.9" pl={{ base: 0, sm: 276 }} style={{ overflowWrap: 'anywhere' }}>
              failed: {bar.error}
            </Text>
          )}
        </Box>
      ))}
      <Box component="li" py={4}>
        <Text size="sm" fw={600}>
          Total: {formatLatency(trace.timings.total)}
        </Text>
      </Box>
    </Box>
  );
}
