// Japanese strings of the deliberation part "stats" (keys prefixed "stats."). Merged into ja.ts.
export const statsJa = {
} as const;
