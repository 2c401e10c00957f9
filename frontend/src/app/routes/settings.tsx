/** /settings: the administrator's password, the API tokens and the notification channels. */
import { SettingsPage } from '@/features/auth/SettingsPage';
import { NotificationChannelsSection } from '@/features/notifications/NotificationChannelsSection';
import { TokensSection } from '@/features/tokens/TokensSection';

export function Component() {
  return (
    <>
      <SettingsPage />
      <TokensSection />
      <NotificationChannelsSection />
    </>
  );
}
