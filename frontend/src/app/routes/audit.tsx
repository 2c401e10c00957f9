/** /audit: the audit log of every change. */
export { AuditPage as Component } from '@/features/audit/AuditPage';
