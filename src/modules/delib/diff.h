/* diff.h - character-level diff of two UTF-8 texts that reads well in Japanese.
 *
 * The texts are compared as Unicode code points (never bytes, so a multibyte character is never
 * split). The edit script is Myers' O(ND) shortest edit script after stripping the common prefix
 * and suffix; its edit distance D is bounded (max_d), and when the middle of the texts differs by
 * more than that, the middle is reported as one deletion plus one insertion (correct, only
 * coarser). A semantic cleanup pass then removes equal runs that are shorter than the edits on
 * both sides (as diff-match-patch's cleanupSemantic does), so a Japanese sentence shows changed
 * word-like chunks instead of scattered single characters, and adjacent edits are merged into
 * one deletion followed by one insertion.
 *
 * Guarantees: concatenating the text of the EQUAL and DELETE segments gives a; EQUAL and INSERT
 * give b; every segment is non-empty and valid UTF-8; no two neighbours have the same op; between
 * two EQUAL segments there is at most one DELETE followed by at most one INSERT. */
#ifndef KY_DIFF_H
#define KY_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

enum ky_diff_op {
	KY_DIFF_EQUAL,
	KY_DIFF_INSERT,
	KY_DIFF_DELETE
};

/* One segment: text points into a (EQUAL, DELETE) or b (INSERT); len is in bytes. */
struct ky_diff_seg {
	enum ky_diff_op op;
	const char *text;
	size_t len;
};

/* The default bound on the edit distance: the work is O((n+m)·D) time and O(D²) memory. */
#define KY_DIFF_MAX_D 2000

/* Diffs a[0..an) against b[0..bn). *out receives a malloc'd array of *nout segments (NULL when
 * both are empty) that the caller frees with free(); the segments point into a and b, which must
 * outlive them. max_d: bound on the edit distance (0: KY_DIFF_MAX_D). *coarse (may be NULL) is set
 * when the bound was hit. Errors: KY_ERR_INVALID when a or b is not valid UTF-8, KY_ERR_NOMEM. */
enum ky_err ky_diff(const char *a, size_t an, const char *b, size_t bn, int max_d, struct ky_diff_seg **out,
		    size_t *nout, bool *coarse);

const char *ky_diff_op_name(enum ky_diff_op op);

#endif
