/** /settings: the administrator's password. */
export { SettingsPage as Component } from '@/features/auth/SettingsPage';
