import { Text } from '@mantine/core';
import { Page } from '../components/page.js';

export default function ChangeRequestsPage() {
  return (
    <Page title="Change requests">
      <Text>Not built yet.</Text>
    </Page>
  );
}
