// English strings of the deliberation part "workshops"; must have exactly the keys of workshops.ja.ts.
import type { workshopsJa } from './workshops.ja';

export const workshopsEn: { readonly [K in keyof typeof workshopsJa]: string } = {
};
