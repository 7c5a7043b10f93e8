// Japanese strings of the deliberation part "workshops" (keys prefixed "workshops."). Merged into ja.ts.
export const workshopsJa = {
} as const;
