import {
  Anchor, Badge, Breadcrumbs, Group, Stack, Text, Title,
} from '@mantine/core';
import { Link } from 'react-router-dom';
import type { Service } from '@/api/types';
import { CATEGORY_BADGE } from '@/theme';

/** A service's name, provider, category and status, under a breadcrumb back to the list. */
export function ServiceHeader({ service }: { service: Service }) {
  return (
    <Stack gap="md">
      <Breadcrumbs>
        <Anchor component={Link} to="/services" size="sm">Services</Anchor>
        <Text size="sm">{service.name}</Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-start">
        <div style={{ minWidth: 0 }}>
          <Title order={1} fz={{ base: 24, sm: 28 }}>{service.name}</Title>
          <Group gap="xs" mt={4}>
            <Text c="dimmed" size="sm">{service.provider_name}</Text>
            <Badge variant="light" tt="none" color={CATEGORY_BADGE[service.category_code] ?? 'gray'}>
              {service.category_name}
            </Badge>
            <Badge variant="dot" color={service.active ? 'teal' : 'gray'}>{service.active ? 'Active' : 'Inactive'}</Badge>
          </Group>
          {service.description && <Text size="sm" mt="xs">{service.description}</Text>}
        </div>
      </Group>
    </Stack>
  );
}
