// Japanese strings of the deliberation part "process" (keys prefixed "process."). Merged into ja.ts.
export const processJa = {
} as const;
