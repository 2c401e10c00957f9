/** /usage: prepaid services as cards (`?service=N` opens that one). */
export { UsageManager as Component } from '@/features/usage/UsageManager';
