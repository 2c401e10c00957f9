/**
 * /usage: prepaid services as cards (`?service=N` opens that one), those that a
 * provider connection (enabled) syncs marked as such (the connections feature says which).
 */
import { useMemo } from 'react';
import { useConnections } from '@/features/connections/api/get-connections';
import { UsageManager } from '@/features/usage/UsageManager';

export function Component() {
  const connections = useConnections();
  const syncedServices = useMemo(() => {
    const synced = new Map<number, string[]>();
    // A disabled connection no longer writes: only enabled ones mark a service.
    (connections.data ?? []).filter((connection) => connection.enabled).forEach((connection) => {
      synced.set(connection.service_id, [...(synced.get(connection.service_id) ?? []), connection.name]);
    });
    return synced;
  }, [connections.data]);
  return <UsageManager syncedServices={syncedServices} />;
}
