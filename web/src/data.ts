// Cached loaders for data many pages need (the region and its municipalities).
import { api, type Region, type RegionSummary } from './api';

let regionsPromise: Promise<Region[]> | null = null;

/** All regions with their municipalities. Cached; call invalidateRegions() after edits. */
export function loadRegions(): Promise<Region[]> {
  if (!regionsPromise) {
    regionsPromise = (async () => {
      const list = await api<{ items: RegionSummary[] }>('GET', '/regions');
      return Promise.all(list.items.map((r) => api<Region>('GET', `/regions/${encodeURIComponent(r.slug)}`)));
    })();
    regionsPromise.catch(() => {
      regionsPromise = null;
    });
  }
  return regionsPromise;
}

export function invalidateRegions() {
  regionsPromise = null;
}
