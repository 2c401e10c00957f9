/** Any other address inside the app. */
export { NotFound as Component } from '@/components/NotFound';
