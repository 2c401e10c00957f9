import { Badge, Button } from '@mantine/core';
import { IconBell } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import { useOpenAlertCount } from './api/get-alerts';

function openAlerts(count: number): string {
  return count === 1 ? '1 open alert' : `${count.toLocaleString('en-US')} open alerts`;
}

/** The navbar's count of open alerts beside "Alerts"; nothing when there is none (or it cannot be known). */
export function OpenAlertsBadge() {
  const count = useOpenAlertCount();
  if (!count.data) return null;
  return (
    <Badge size="sm" color="red" variant="filled" circle={count.data < 10} aria-label={openAlerts(count.data)}>
      {count.data > 99 ? '99+' : count.data}
    </Badge>
  );
}

/** A button to the inbox saying how many alerts are open; nothing when none is. */
export function OpenAlertsButton() {
  const count = useOpenAlertCount();
  if (!count.data) return null;
  return (
    <Button component={Link} to="/alerts" variant="light" color="red" leftSection={<IconBell size={16} />}>
      {openAlerts(count.data)}
    </Button>
  );
}
