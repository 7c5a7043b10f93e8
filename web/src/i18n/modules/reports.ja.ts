// Japanese strings of the deliberation part "reports" (keys prefixed "reports."). Merged into ja.ts.
export const reportsJa = {
} as const;
