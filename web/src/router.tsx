// A tiny history-API router: one location store, a global click handler that turns same-origin
// <a href> clicks into pushState navigations, and a table of path patterns. The server answers
// every non-API GET with index.html, so deep links and reloads work.
import { createStore, useStore } from './store';

export interface Loc {
  path: string;
  search: string;
  /** Increments on every in-app navigation; 0 on the first page load. */
  seq: number;
}

function current(seq: number): Loc {
  return { path: location.pathname, search: location.search, seq };
}

export const locationStore = createStore<Loc>(current(0));

export function navigate(to: string, opts: { replace?: boolean } = {}) {
  const url = new URL(to, location.href);
  if (url.origin !== location.origin) {
    location.assign(url.href);
    return;
  }
  const target = url.pathname + url.search + url.hash;
  if (opts.replace) history.replaceState(null, '', target);
  else history.pushState(null, '', target);
  locationStore.set(current(locationStore.get().seq + 1));
}

/** Replaces the query string without creating a history entry or moving focus. */
export function replaceQuery(search: string) {
  history.replaceState(null, '', location.pathname + search);
  const prev = locationStore.get();
  locationStore.set({ path: prev.path, search: location.search, seq: prev.seq });
}

export function useLocation(): Loc {
  return useStore(locationStore);
}

export function useQuery(): URLSearchParams {
  return new URLSearchParams(useLocation().search);
}

window.addEventListener('popstate', () => {
  const prev = locationStore.get();
  if (prev.path === location.pathname && prev.search === location.search) return;
  locationStore.set(current(prev.seq + 1));
});

document.addEventListener('click', (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = (ev.target as Element | null)?.closest?.('a');
  if (!a || !a.href) return;
  if (a.target && a.target !== '_self') return;
  if (a.hasAttribute('download') || a.getAttribute('rel')?.includes('external')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname === '/readyz' || url.pathname === '/healthz') return;
  // In-page anchors (#main) are left to the browser.
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
  ev.preventDefault();
  navigate(url.pathname + url.search + url.hash);
});

export type Params = Record<string, string>;

/** Matches `/m/:slug/admin`-style patterns; returns the params or null. */
export function match(pattern: string, path: string): Params | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.replace(/\/+$/, '').split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Params = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    if (seg.startsWith(':')) {
      try {
        params[seg.slice(1)] = decodeURIComponent(s[i]!);
      } catch {
        return null;
      }
    } else if (seg !== s[i]) {
      return null;
    }
  }
  return params;
}
