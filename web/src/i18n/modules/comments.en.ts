// English strings of the deliberation part "comments"; must have exactly the keys of comments.ja.ts.
import type { commentsJa } from './comments.ja';

export const commentsEn: { readonly [K in keyof typeof commentsJa]: string } = {
};
