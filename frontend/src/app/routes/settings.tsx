/** /settings: the admin's password, the exchange rates, the API tokens, the notification channels and backups. */
import { SettingsPage } from '@/features/auth/SettingsPage';
import { BackupSection } from '@/features/backup/BackupSection';
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
      <BackupSection />
    </>
  );
}
