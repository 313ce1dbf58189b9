import { Text } from '@mantine/core';
import { Page } from '../components/page.js';

export default function ReleasesPage() {
  return (
    <Page title="Releases">
      <Text>Not built yet.</Text>
    </Page>
  );
}
