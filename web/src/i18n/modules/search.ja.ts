// Japanese strings of the deliberation part "search" (keys prefixed "search."). Merged into ja.ts.
export const searchJa = {
} as const;
