/**
 * /connections: provider billing APIs, handed the Usage service picker from the
 * services feature (a feature never imports another; the route composes them).
 */
import type { PickerProps } from '@/components/SearchSelect';
import { ConnectionsManager } from '@/features/connections/ConnectionsManager';
import { ServiceSelect } from '@/features/services/ServiceSelect';

function UsageServicePicker(props: PickerProps) {
  return <ServiceSelect categoryCode="usage" {...props} />;
}

export function Component() {
  return <ConnectionsManager ServicePicker={UsageServicePicker} />;
}
