import { Text } from '@mantine/core';
import { Page } from '../components/page.js';

export default function ChangeRequestPage() {
  return (
    <Page title="Change request">
      <Text>Not built yet.</Text>
    </Page>
  );
}
