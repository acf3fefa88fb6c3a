/**
 * The signed-in session: the API's access and refresh tokens and the user, kept in localStorage so
 * every tab shares them. Refresh rotation happens here and only here (`refreshSession`): one
 * refresh at a time across tabs (Web Locks), a token another tab already rotated is picked up
 * instead of being reused, and a refused refresh (expired, revoked, or a reused token that made
 * the server revoke the whole session) signs the user out everywhere.
 */
import createClient from 'openapi-fetch';
import { useSyncExternalStore } from 'react';
import type { Me, paths, TokenPair } from '../api/types';

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms when the access token expires. */
  accessExpiresAt: number;
  user: Me;
}

/** Why the last session ended (shown on the sign-in page). */
export type EndReason = 'signed_out' | 'expired' | 'reused';

const KEY = 'eiso.session';
const END_KEY = 'eiso.session.end';
/** Refresh this long before the access token expires. */
const EARLY_MS = 30_000;

/** Auth calls go through a client without the session middleware (no recursion). */
const authApi = createClient<paths>({ baseUrl: '', cache: 'no-store' });

function read(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

let current: Session | null = typeof localStorage === 'undefined' ? null : read();
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key === KEY) {
      current = read();
      emit();
    }
  });
}

export const sessionStore = {
  get: (): Session | null => current,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  set(session: Session): void {
    current = session;
    localStorage.setItem(KEY, JSON.stringify(session));
    localStorage.removeItem(END_KEY);
    emit();
  },
  /** Ends the session in every tab. */
  end(reason: EndReason): void {
    current = null;
    localStorage.removeItem(KEY);
    localStorage.setItem(END_KEY, reason);
    emit();
  },
  /** Why the previous session ended, once. */
  takeEndReason(): EndReason | null {
    const r = localStorage.getItem(END_KEY) as EndReason | null;
    localStorage.removeItem(END_KEY);
    return r;
  },
  updateUser(user: Me): void {
    if (current) sessionStore.set({ ...current, user });
  },
};

function fromPair(pair: TokenPair): Session {
  return { accessToken: pair.accessToken, refreshToken: pair.refreshToken, accessExpiresAt: Date.now() + pair.expiresIn * 1000, user: pair.user };
}

export function useSession(): Session | null {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.get, () => null);
}

export async function signIn(username: string, password: string) {
  const res = await authApi.POST('/api/v1/auth/login', { body: { username, password } });
  if (res.data) sessionStore.set(fromPair(res.data));
  return res;
}

export async function signOut(): Promise<void> {
  const s = current;
  sessionStore.end('signed_out');
  if (s) {
    await authApi
      .POST('/api/v1/auth/logout', { headers: { Authorization: `Bearer ${s.accessToken}` } })
      .catch(() => undefined);
  }
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  return locks ? (locks.request('eiso-refresh', fn) as Promise<T>) : fn();
}

let refreshing: Promise<boolean> | null = null;

/**
 * Rotates the tokens: true when a fresh access token is in the store. A 401 from the server
 * (expired, revoked, reused) ends the session; a network failure keeps it (the next call retries).
 */
export function refreshSession(): Promise<boolean> {
  const had = current?.refreshToken;
  refreshing ??= withLock(async () => {
    const latest = read();
    if (!latest) {
      if (current) sessionStore.end('expired');
      return false;
    }
    // Another tab rotated while we waited: use its tokens, never resend the dead one.
    if (latest.refreshToken !== had && latest.accessExpiresAt - EARLY_MS > Date.now()) {
      current = latest;
      emit();
      return true;
    }
    const res = await authApi.POST('/api/v1/auth/refresh', { body: { refreshToken: latest.refreshToken } }).catch(() => null);
    if (!res) return false;
    if (res.data) {
      sessionStore.set(fromPair(res.data));
      return true;
    }
    const code = (res.error as { code?: string } | undefined)?.code;
    sessionStore.end(code === 'refresh_token_reused' ? 'reused' : 'expired');
    return false;
  }).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** The access token to send now, refreshed first when it is about to expire. */
export async function accessToken(): Promise<string | null> {
  if (!current) return null;
  if (current.accessExpiresAt - EARLY_MS <= Date.now()) await refreshSession();
  return current?.accessToken ?? null;
}
