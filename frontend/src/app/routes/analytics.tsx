/** /analytics: cost by service and daily usage cost. */
export { AnalyticsPage as Component } from '@/features/analytics/AnalyticsPage';
