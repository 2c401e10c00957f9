/** /settings: the administrator's password and the API tokens. */
import { SettingsPage } from '@/features/auth/SettingsPage';
import { TokensSection } from '@/features/tokens/TokensSection';

export function Component() {
  return (
    <>
      <SettingsPage />
      <TokensSection />
    </>
  );
}
