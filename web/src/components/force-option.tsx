import { Checkbox, Stack, Textarea } from '@mantine/core';
import { type ForceChoice, MIN_JUSTIFICATION } from '../release-requests.js';
import { READABLE_DESCRIPTION } from './status-badge.js';

/**
 * Forcing a release or a rollback past the policy: a checkbox that reveals the required
 * justification. Shown only where `offersForce` allows it (an admin, after a refusal a force
 * overrides), so nobody forces by accident.
 */
export function ForceOption({
  value,
  onChange,
}: {
  value: ForceChoice;
  onChange: (value: ForceChoice) => void;
}) {
  return (
    <Stack gap="xs">
      <Checkbox
        label="Force past the policy (recorded as a policy exception)"
        checked={value.force}
        onChange={(e) => onChange({ ...value, force: e.currentTarget.checked })}
      />
      {value.force && (
        <Textarea
          label="Justification"
          description={`Why the policy's refusal is overridden, kept with the policy exception (at least ${MIN_JUSTIFICATION} characters)`}
          required
          styles={READABLE_DESCRIPTION}
          autosize
          minRows={2}
          maxLength={10_000}
          value={value.justification}
          onChange={(e) => onChange({ ...value, justification: e.currentTarget.value })}
        />
      )}
    </Stack>
  );
}
