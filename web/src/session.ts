// Who is logged in, plus small pieces of app-wide UI state.
import { api, ApiError, resetCsrf, type User } from './api';
import { createStore } from './store';

/** undefined while the first GET /me is in flight, null when logged out. */
export const meStore = createStore<User | null | undefined>(undefined);

export async function loadMe(): Promise<User | null> {
  try {
    const me = await api<User>('GET', '/me');
    meStore.set(me);
    return me;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      meStore.set(null);
      return null;
    }
    // Network or server trouble: treat as logged out for rendering, but keep the error visible
    // to the pages that need a user (they show their own message when a request fails).
    meStore.set(null);
    return null;
  }
}

export async function logout(): Promise<void> {
  try {
    await api('POST', '/auth/logout', {});
  } finally {
    resetCsrf();
    meStore.set(null);
  }
}

export function isMunicipalityAdmin(me: User | null | undefined, slug: string): boolean {
  if (!me) return false;
  if (me.platform_admin) return true;
  return me.roles.some((r) => r.role === 'municipality_admin' && r.tenant_slug === slug);
}

export function adminSlugs(me: User | null | undefined): string[] {
  if (!me) return [];
  return me.roles
    .filter((r) => r.role === 'municipality_admin' && r.tenant_slug)
    .map((r) => r.tenant_slug as string);
}

/** A message shown once on the next page (e.g. "ログアウトしました"). */
export interface Flash {
  text: string;
  /** location.seq at which it was set; shown while seq <= shownUntil. */
  seq: number;
}
export const flashStore = createStore<Flash | null>(null);

/** The place shown in the header next to the site name (region or municipality name). */
export interface Place {
  name: string;
  name_en: string;
  href: string;
}
export const placeStore = createStore<Place | null>(null);

/** Whether GET /api/v1/dev/outbox exists on this server (mail_mode=outbox). */
export const outboxStore = createStore<boolean>(false);

export async function probeOutbox() {
  try {
    const res = await fetch('/api/v1/dev/outbox?to=probe%40example.invalid', {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    outboxStore.set(res.status !== 404);
  } catch {
    outboxStore.set(false);
  }
}

import { locationStore, navigate } from './router';

/** Navigates and shows `text` as a status message at the top of the next page. */
export function navigateWithFlash(to: string, text: string, opts: { replace?: boolean } = {}) {
  navigate(to, opts);
  flashStore.set({ text, seq: locationStore.get().seq });
}
