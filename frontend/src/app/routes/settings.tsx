/** /settings: the administrator's password, the exchange rates, the API tokens and the notification channels. */
import { SettingsPage } from '@/features/auth/SettingsPage';
import { FxRatesSection } from '@/features/fx/FxRatesSection';
import { NotificationChannelsSection } from '@/features/notifications/NotificationChannelsSection';
import { TokensSection } from '@/features/tokens/TokensSection';

export function Component() {
  return (
    <>
      <SettingsPage />
      <FxRatesSection />
      <TokensSection />
      <NotificationChannelsSection />
    </>
  );
}
