// English strings of the deliberation part "stats"; must have exactly the keys of stats.ja.ts.
import type { statsJa } from './stats.ja';

export const statsEn: { readonly [K in keyof typeof statsJa]: string } = {
};
