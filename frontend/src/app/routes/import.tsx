/** /import: CSV files of invoices, license plans, top-ups or consumption. */
export { ImportPage as Component } from '@/features/imports/ImportPage';
