import { Text } from '@mantine/core';
import { Page } from '../components/page.js';

export default function ReviewsPage() {
  return (
    <Page title="Review queue">
      <Text>Not built yet.</Text>
    </Page>
  );
}
