/* Test environment: jsdom stubs Mantine and Chart.js need, and the fetch mock. */
import '@testing-library/jest-dom/vitest';
import 'vitest-canvas-mock';
import { cleanup, configure } from '@testing-library/react';
import { notifications } from '@mantine/notifications';
import { afterEach, beforeEach, vi } from 'vitest';
import { apiMock } from './api-mock';

// Pages are lazy chunks: the first render of a page in a file also imports it (slow on 2 cores,
// and slower still when the machine is busy: 3 s was once not enough).
configure({ asyncUtilTimeout: 8000 });

Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: (query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => {},
    removeListener: () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
    dispatchEvent: () => false,
  }),
});

window.ResizeObserver = function ResizeObserverStub() {
  return { observe() {}, unobserve() {}, disconnect() {} };
} as unknown as typeof ResizeObserver;
window.HTMLElement.prototype.scrollIntoView = () => {};
window.HTMLElement.prototype.hasPointerCapture = () => false;
window.HTMLElement.prototype.releasePointerCapture = () => {};

beforeEach(() => {
  window.localStorage.clear();
  apiMock.reset();
  // The navbar counts the open alerts on every page: none unless a test says otherwise.
  apiMock.on('GET', '/alerts', () => ({ body: [], headers: { 'X-Total-Count': '0' } }));
  vi.stubGlobal('fetch', apiMock.fetch);
});

afterEach(() => {
  cleanup();
  // Toasts live in a module-level store: start every test with none queued.
  notifications.clean();
  const unhandled = apiMock.takeUnhandled();
  if (unhandled.length > 0) {
    throw new Error(`Requests without a mock: ${unhandled.join(', ')}`);
  }
});
