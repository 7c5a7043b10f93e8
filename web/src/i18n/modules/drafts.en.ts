// English strings of the deliberation part "drafts"; must have exactly the keys of drafts.ja.ts.
import type { draftsJa } from './drafts.ja';

export const draftsEn: { readonly [K in keyof typeof draftsJa]: string } = {
};
