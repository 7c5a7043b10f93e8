// English strings of the deliberation part "surveys"; must have exactly the keys of surveys.ja.ts.
import type { surveysJa } from './surveys.ja';

export const surveysEn: { readonly [K in keyof typeof surveysJa]: string } = {
};
