/** /services: every service, with the create and edit modals. */
export { ServiceManager as Component } from '@/features/services/ServiceManager';
