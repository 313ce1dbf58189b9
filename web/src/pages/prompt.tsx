import { Text } from '@mantine/core';
import { Page } from '../components/page.js';

export default function PromptPage() {
  return (
    <Page title="Prompt">
      <Text>Not built yet.</Text>
    </Page>
  );
}
