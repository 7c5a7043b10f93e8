// English strings of the deliberation part "process"; must have exactly the keys of process.ja.ts.
import type { processJa } from './process.ja';

export const processEn: { readonly [K in keyof typeof processJa]: string } = {
};
