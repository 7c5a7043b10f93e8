/* diff.c - code-point Myers diff with a semantic cleanup; see diff.h. */
#include "modules/delib/diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

struct op {
	enum ky_diff_op op;
	size_t a0, alen, b0, blen; /* code-point ranges; EQUAL has alen == blen */
};

struct ops {
	struct op *v;
	size_t n, cap;
};

const char *ky_diff_op_name(enum ky_diff_op op)
{
	switch (op) {
	case KY_DIFF_EQUAL:
		return "equal";
	case KY_DIFF_INSERT:
		return "insert";
	case KY_DIFF_DELETE:
		return "delete";
	}
	return "?";
}

/* Decodes valid UTF-8 into code points; off[i] is the byte offset of code point i, off[n] = len. */
static enum ky_err decode(const char *s, size_t len, uint32_t **cp, size_t **off, size_t *n)
{
	*cp = NULL;
	*off = NULL;
	*n = 0;
	if (len && !ky_utf8_valid(s, len))
		return KY_ERR_INVALID;
	size_t cnt = len ? ky_utf8_len(s, len) : 0;
	*cp = malloc((cnt + 1) * sizeof(**cp));
	*off = malloc((cnt + 1) * sizeof(**off));
	if (!*cp || !*off) {
		free(*cp);
		free(*off);
		*cp = NULL;
		*off = NULL;
		return KY_ERR_NOMEM;
	}
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k = 0;
	while (i < len && k < cnt) {
		uint32_t c = u[i];
		size_t w = c < 0x80 ? 1 : c < 0xE0 ? 2
				  : c < 0xF0       ? 3
						   : 4;
		if (w == 2)
			c &= 0x1F;
		else if (w == 3)
			c &= 0x0F;
		else if (w == 4)
			c &= 0x07;
		for (size_t j = 1; j < w; j++)
			c = (c << 6) | (u[i + j] & 0x3F);
		(*off)[k] = i;
		(*cp)[k++] = c;
		i += w;
	}
	(*off)[k] = len;
	*n = k;
	return KY_OK;
}

/* Appends an op, coalescing with the last one when contiguous and of the same kind. */
static enum ky_err push(struct ops *o, enum ky_diff_op op, size_t a0, size_t alen, size_t b0, size_t blen)
{
	if (!alen && !blen)
		return KY_OK;
	if (o->n) {
		struct op *l = &o->v[o->n - 1];
		if (l->op == op && (op == KY_DIFF_INSERT || l->a0 + l->alen == a0) &&
		    (op == KY_DIFF_DELETE || l->b0 + l->blen == b0)) {
			l->alen += alen;
			l->blen += blen;
			return KY_OK;
		}
	}
	if (o->n == o->cap) {
		size_t nc = o->cap ? o->cap * 2 : 16;
		struct op *nv = realloc(o->v, nc * sizeof(*nv));
		if (!nv)
			return KY_ERR_NOMEM;
		o->v = nv;
		o->cap = nc;
	}
	o->v[o->n++] = (struct op){op, a0, alen, b0, blen};
	return KY_OK;
}

/* Myers' greedy shortest edit script of A[0..N) -> B[0..M) (absolute offsets ao, bo), appended to o
 * in order. Returns KY_ERR_TOO_LARGE when D would exceed max_d (o untouched). */
static enum ky_err myers(const uint32_t *A, size_t N, const uint32_t *B, size_t M, size_t ao, size_t bo, int max_d,
			 struct ops *o)
{
	long n = (long)N, m = (long)M;
	long dmax = n + m < max_d ? n + m : max_d;
	/* trace: after step d, v[-d..d] stored at base(d) = d*d. */
	size_t tsize = (size_t)(dmax + 1) * (size_t)(dmax + 1);
	int32_t *trace = malloc(tsize * sizeof(*trace));
	int32_t *v = malloc((size_t)(2 * dmax + 3) * sizeof(*v));
	struct op *rev = NULL;
	enum ky_err rc = KY_OK;
	if (!trace || !v) {
		rc = KY_ERR_NOMEM;
		goto out;
	}
	long off = dmax + 1; /* v[k] is v[off + k] */
	v[off + 1] = 0;
	long found = -1;
	for (long d = 0; d <= dmax && found < 0; d++) {
		for (long k = -d; k <= d; k += 2) {
			long x;
			if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
				x = v[off + k + 1];
			else
				x = v[off + k - 1] + 1;
			long y = x - k;
			while (x < n && y < m && A[x] == B[y]) {
				x++;
				y++;
			}
			v[off + k] = (int32_t)x;
			if (x >= n && y >= m)
				found = d;
		}
		memcpy(trace + d * d, v + off - d, (size_t)(2 * d + 1) * sizeof(*v));
	}
	if (found < 0) {
		rc = KY_ERR_TOO_LARGE;
		goto out;
	}
	/* Backtrack from (n, m), collecting unit ops in reverse. */
	size_t cap = (size_t)(n + m) + 1, nr = 0;
	rev = malloc(cap * sizeof(*rev));
	if (!rev) {
		rc = KY_ERR_NOMEM;
		goto out;
	}
	long x = n, y = m;
	for (long d = found; d > 0; d--) {
		const int32_t *pv = trace + (d - 1) * (d - 1) + (d - 1); /* pv[k] for k in [-(d-1), d-1] */
		long k = x - y;
		long pk = (k == -d || (k != d && pv[k - 1] < pv[k + 1])) ? k + 1 : k - 1;
		long px = pv[pk], py = px - pk;
		while (x > px && y > py) {
			rev[nr++] = (struct op){KY_DIFF_EQUAL, (size_t)(x - 1), 1, (size_t)(y - 1), 1};
			x--;
			y--;
		}
		if (x == px)
			rev[nr++] = (struct op){KY_DIFF_INSERT, (size_t)x, 0, (size_t)(y - 1), 1};
		else
			rev[nr++] = (struct op){KY_DIFF_DELETE, (size_t)(x - 1), 1, (size_t)y, 0};
		x = px;
		y = py;
	}
	while (x > 0 && y > 0) {
		rev[nr++] = (struct op){KY_DIFF_EQUAL, (size_t)(x - 1), 1, (size_t)(y - 1), 1};
		x--;
		y--;
	}
	for (size_t i = nr; i-- > 0 && !rc;) {
		struct op *p = &rev[i];
		rc = push(o, p->op, ao + p->a0, p->alen, bo + p->b0, p->blen);
	}
out:
	free(rev);
	free(trace);
	free(v);
	return rc;
}

/* Rewrites o so that between equalities there is one DELETE then one INSERT, and neighbouring
 * equalities are joined. Ranges of one kind between two equalities are contiguous. */
static enum ky_err merge(struct ops *o)
{
	struct ops r = {0};
	enum ky_err rc = KY_OK;
	size_t i = 0;
	while (i < o->n && !rc) {
		if (o->v[i].op == KY_DIFF_EQUAL) {
			rc = push(&r, KY_DIFF_EQUAL, o->v[i].a0, o->v[i].alen, o->v[i].b0, o->v[i].blen);
			i++;
			continue;
		}
		size_t a0 = 0, alen = 0, b0 = 0, blen = 0;
		bool da = false, db = false;
		for (; i < o->n && o->v[i].op != KY_DIFF_EQUAL; i++) {
			struct op *p = &o->v[i];
			if (p->op == KY_DIFF_DELETE) {
				if (!da)
					a0 = p->a0;
				da = true;
				alen += p->alen;
			} else {
				if (!db)
					b0 = p->b0;
				db = true;
				blen += p->blen;
			}
		}
		rc = push(&r, KY_DIFF_DELETE, a0, alen, 0, 0);
		if (!rc)
			rc = push(&r, KY_DIFF_INSERT, 0, 0, b0, blen);
	}
	if (rc) {
		free(r.v);
		return rc;
	}
	free(o->v);
	*o = r;
	return KY_OK;
}

/* Edit lengths (deleted, inserted) of the run of edits ending before i (dir -1) or starting
 * after i (dir +1). */
static void edits_around(const struct ops *o, size_t i, int dir, size_t *del, size_t *ins)
{
	*del = *ins = 0;
	long j = (long)i + dir;
	while (j >= 0 && (size_t)j < o->n && o->v[j].op != KY_DIFF_EQUAL) {
		if (o->v[j].op == KY_DIFF_DELETE)
			*del += o->v[j].alen;
		else
			*ins += o->v[j].blen;
		j += dir;
	}
}

#define MAX2(a, b) ((a) > (b) ? (a) : (b))

/* diff-match-patch's semantic cleanup: an equality with edits on both sides that is shorter than
 * the larger edit on each side becomes a deletion plus an insertion. Repeats to a fixpoint. */
static enum ky_err cleanup_semantic(struct ops *o)
{
	enum ky_err rc = merge(o);
	bool changed = true;
	while (!rc && changed) {
		changed = false;
		for (size_t i = 1; i + 1 < o->n; i++) {
			struct op e = o->v[i];
			if (e.op != KY_DIFF_EQUAL)
				continue;
			size_t db, ib, da, ia;
			edits_around(o, i, -1, &db, &ib);
			edits_around(o, i, +1, &da, &ia);
			/* Strictly shorter than both sides (a 1-character equality: no longer than them), so
			 * that 市は[+駅前の]公園を[+優先して] keeps its 3-character word between two insertions. */
			size_t lb = MAX2(db, ib), la = MAX2(da, ia);
			bool drop = e.alen == 1 ? (e.alen <= lb && e.alen <= la) : (e.alen < lb && e.alen < la);
			if ((db || ib) && (da || ia) && drop) {
				/* Replace the equality by DELETE (its a range) + INSERT (its b range). */
				struct op *nv = realloc(o->v, (o->n + 1) * sizeof(*nv));
				if (!nv)
					return KY_ERR_NOMEM;
				o->v = nv;
				if (o->cap < o->n + 1)
					o->cap = o->n + 1;
				memmove(&o->v[i + 2], &o->v[i + 1], (o->n - i - 1) * sizeof(*nv));
				o->v[i] = (struct op){KY_DIFF_DELETE, e.a0, e.alen, e.b0, 0};
				o->v[i + 1] = (struct op){KY_DIFF_INSERT, e.a0 + e.alen, 0, e.b0, e.blen};
				o->n++;
				changed = true;
				break;
			}
		}
		if (changed)
			rc = merge(o);
	}
	return rc;
}

enum ky_err ky_diff(const char *a, size_t an, const char *b, size_t bn, int max_d, struct ky_diff_seg **out,
		    size_t *nout, bool *coarse)
{
	*out = NULL;
	*nout = 0;
	if (coarse)
		*coarse = false;
	if (max_d <= 0)
		max_d = KY_DIFF_MAX_D;
	uint32_t *A = NULL, *B = NULL;
	size_t *ao = NULL, *bo = NULL, n = 0, m = 0;
	struct ops o = {0};
	struct ky_diff_seg *segs = NULL;
	enum ky_err rc = decode(a, an, &A, &ao, &n);
	if (!rc)
		rc = decode(b, bn, &B, &bo, &m);
	if (rc)
		goto out;
	size_t pre = 0;
	while (pre < n && pre < m && A[pre] == B[pre])
		pre++;
	size_t suf = 0;
	while (suf < n - pre && suf < m - pre && A[n - 1 - suf] == B[m - 1 - suf])
		suf++;
	rc = push(&o, KY_DIFF_EQUAL, 0, pre, 0, pre);
	size_t mn = n - pre - suf, mm = m - pre - suf;
	if (!rc && (mn || mm)) {
		if (!mn || !mm)
			rc = KY_ERR_TOO_LARGE; /* pure insertion or deletion: handled below */
		else
			rc = myers(A + pre, mn, B + pre, mm, pre, pre, max_d, &o);
		if (rc == KY_ERR_TOO_LARGE) {
			if (coarse && mn && mm)
				*coarse = true;
			rc = push(&o, KY_DIFF_DELETE, pre, mn, pre, 0);
			if (!rc)
				rc = push(&o, KY_DIFF_INSERT, pre + mn, 0, pre, mm);
		}
	}
	if (!rc)
		rc = push(&o, KY_DIFF_EQUAL, n - suf, suf, m - suf, suf);
	if (!rc)
		rc = cleanup_semantic(&o);
	if (rc || !o.n)
		goto out;
	segs = malloc(o.n * sizeof(*segs));
	if (!segs) {
		rc = KY_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < o.n; i++) {
		struct op *p = &o.v[i];
		if (p->op == KY_DIFF_INSERT)
			segs[i] = (struct ky_diff_seg){p->op, b + bo[p->b0], bo[p->b0 + p->blen] - bo[p->b0]};
		else
			segs[i] = (struct ky_diff_seg){p->op, a + ao[p->a0], ao[p->a0 + p->alen] - ao[p->a0]};
	}
	*out = segs;
	*nout = o.n;
	segs = NULL;
out:
	free(segs);
	free(o.v);
	free(A);
	free(B);
	free(ao);
	free(bo);
	return rc;
}
