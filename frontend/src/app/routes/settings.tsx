/** /settings: the administrator's password, the exchange rates and the API tokens. */
import { SettingsPage } from '@/features/auth/SettingsPage';
import { FxRatesSection } from '@/features/fx/FxRatesSection';
import { TokensSection } from '@/features/tokens/TokensSection';

export function Component() {
  return (
    <>
      <SettingsPage />
      <FxRatesSection />
      <TokensSection />
    </>
  );
}
