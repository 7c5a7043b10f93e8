// Japanese strings of the deliberation part "drafts" (keys prefixed "drafts."). Merged into ja.ts.
export const draftsJa = {
} as const;
