import {
  Button, Stack, Text, Title,
} from '@mantine/core';
import { Link } from 'react-router-dom';

export function NotFound() {
  return (
    <Stack align="center" gap="sm" py="xl" ta="center">
      <Title order={2}>Page not found</Title>
      <Text c="dimmed">There is no page at this address.</Text>
      <Button component={Link} to="/" variant="light">Back to the dashboard</Button>
    </Stack>
  );
}
