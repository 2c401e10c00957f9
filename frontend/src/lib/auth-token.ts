/** The JWT lives in localStorage so that a reload keeps the admin signed in. */
const TOKEN_KEY = 'costwatch.token';

type Listener = (token: string | null) => void;
const listeners = new Set<Listener>();

export function getToken(): string | null {
  try {
    return window.localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function emit(token: string | null) {
  listeners.forEach((listener) => listener(token));
}

export type SignOutReason = 'signout' | 'expired';
let lastReason: SignOutReason = 'signout';

export function setToken(token: string): void {
  lastReason = 'signout';
  window.localStorage.setItem(TOKEN_KEY, token);
  emit(token);
}

/** Forget the token; `expired` when the API refused it (the login page says so). */
export function clearToken(reason: SignOutReason = 'signout'): void {
  lastReason = reason;
  window.localStorage.removeItem(TOKEN_KEY);
  emit(null);
}

/** Why the admin was last signed out. */
export function signOutReason(): SignOutReason {
  return lastReason;
}

/** Subscribe to sign-in and sign-out; returns the unsubscribe function. */
export function onTokenChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
