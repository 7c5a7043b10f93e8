// Japanese strings of the deliberation part "comments" (keys prefixed "comments."). Merged into ja.ts.
export const commentsJa = {
} as const;
