import { Button, Group, Modal, Stack } from '@mantine/core';
import type { FormEvent, ReactNode } from 'react';
import { ErrorNote } from './state.js';

/**
 * A modal form that confirms an action: its fields, the refusal if the server refused (never
 * swallowed), Cancel, and a submit button named for the action (unique inside the dialog).
 */
export function ConfirmModal({
  title,
  action,
  color,
  disabled = false,
  busy,
  error,
  onSubmit,
  onClose,
  children,
}: {
  title: string;
  /** The submit button's text: "Roll back", "Acknowledge". */
  action: string;
  color?: string;
  disabled?: boolean;
  busy: boolean;
  error: unknown;
  onSubmit: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!disabled) onSubmit();
  };
  return (
    <Modal opened onClose={onClose} title={title} closeButtonProps={{ 'aria-label': 'Close' }}>
      <form onSubmit={submit}>
        <Stack>
          {children}
          {error ? <ErrorNote error={error} title={`${action} refused`} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color={color} disabled={disabled} loading={busy}>
              {action}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
