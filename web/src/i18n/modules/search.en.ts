// English strings of the deliberation part "search"; must have exactly the keys of search.ja.ts.
import type { searchJa } from './search.ja';

export const searchEn: { readonly [K in keyof typeof searchJa]: string } = {
};
