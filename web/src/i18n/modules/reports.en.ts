// English strings of the deliberation part "reports"; must have exactly the keys of reports.ja.ts.
import type { reportsJa } from './reports.ja';

export const reportsEn: { readonly [K in keyof typeof reportsJa]: string } = {
};
