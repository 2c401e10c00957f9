/**
 * /licenses: the licenses feature, handed the pickers it needs from the
 * services feature (a feature never imports another; the route composes them).
 */
import type { PickerProps } from '@/components/SearchSelect';
import { LicenseManager } from '@/features/licenses/LicenseManager';
import { ProviderSelect } from '@/features/services/ProviderSelect';
import { ServiceSelect } from '@/features/services/ServiceSelect';

function LicenseServicePicker(props: PickerProps) {
  return <ServiceSelect categoryCode="license" {...props} />;
}

export function Component() {
  return <LicenseManager ServicePicker={LicenseServicePicker} ProviderPicker={ProviderSelect} />;
}
