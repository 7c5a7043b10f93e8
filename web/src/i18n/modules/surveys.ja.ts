// Japanese strings of the deliberation part "surveys" (keys prefixed "surveys."). Merged into ja.ts.
export const surveysJa = {
} as const;
