/** /alerts: the inbox of what the alert rules found (`?state=`, `?kind=`). */
export { AlertsPage as Component } from '@/features/alerts/AlertsPage';
