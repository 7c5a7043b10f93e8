/* compute.c - the opinion-map computation (see opinion.h and ../shared/anchors/polis/README.md).
 *
 * Data layout: the deduplicated votes are held once, as CSR (row pointers per participant, int32
 * statement ids, int8 votes: 5 bytes per vote). Centred values are never stored: a table xv of
 * 3 doubles per statement gives x - mu_j for each vote value, so a moderated-out statement is
 * simply a column of zeros.
 *
 * PCA: the reference runs power iteration (<= 101 products of Xc^T Xc per component, deflation).
 * Its result is the top two eigenvectors of Xc^T Xc whenever the iteration has converged (the
 * fixtures check this against an exact SVD). We find the same eigenvectors with Lanczos and full
 * reorthogonalisation, which converges in far fewer products, and stop on a residual test.
 *
 * k-means: Lloyd's algorithm with the reference's initialisation, empty-cluster dropping and
 * stop rule. The assignment step uses Hamerly's bounds (an upper bound on the distance to the
 * own centre, a lower bound on the second nearest, half the distance to the nearest other
 * centre) with a safety margin for rounding, so every point gets exactly the centre a full scan
 * would give it (lowest index on an exact tie), only faster.
 *
 * Repness and consensus reproduce reference.py's select-rep-comments and select-consensus rules
 * operation by operation, so the selected statements and their statistics are identical. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "modules/opinion/opinion.h"

#define Z90 1.2816
#define PCA_ITERS 100
#define BASE_K 100
#define BASE_ITERS 100
#define GROUP_ITERS 20
#define MIN_VOTES 7
#define GREEDY_N 15
#define KMEANS_TOL 0.01
#define REP_MAX 5

const char *const ky_opinion_stage_names[KY_OPINION_ST_COUNT] = {
	"build",
	"pca",
	"base_kmeans",
	"group_kmeans",
	"silhouette",
	"repness",
	"consensus",
};

/* The deduplicated vote matrix. */
struct mat {
	int32_t n, m;
	int64_t *rp;  /* n + 1 */
	int32_t *col; /* nnz, ascending within a row */
	int8_t *val;  /* nnz */
	int64_t nnz;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void seterr(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
}

/* ---- build -------------------------------------------------------------------------------- */

/* Sorts a row's (col, order) keys ascending; rows are short, so insertion sort unless long. */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Builds the CSR matrix from the vote list, keeping the last vote of each pair. */
static enum ky_err build_matrix(const struct ky_opinion_vote *votes, size_t nv, struct mat *X)
{
	enum ky_err rc = KY_ERR_NOMEM;
	int64_t *cnt = NULL;
	uint64_t *keys = NULL;
	size_t keycap = 0;
	int32_t n = X->n;
	X->rp = calloc((size_t)n + 1, sizeof(int64_t));
	X->col = malloc((nv ? nv : 1) * sizeof(int32_t));
	X->val = malloc(nv ? nv : 1);
	cnt = calloc((size_t)n + 1, sizeof(int64_t));
	if (!X->rp || !X->col || !X->val || !cnt)
		goto out;
	for (size_t i = 0; i < nv; i++)
		X->rp[votes[i].participant + 1]++;
	for (int32_t i = 0; i < n; i++)
		X->rp[i + 1] += X->rp[i];
	/* stable scatter: within a row, votes keep their order in the list */
	for (size_t i = 0; i < nv; i++) {
		int32_t p = votes[i].participant;
		int64_t at = X->rp[p] + cnt[p]++;
		X->col[at] = votes[i].statement;
		X->val[at] = votes[i].vote;
	}
	/* per row: sort by statement, stable, and keep the last vote of each statement */
	int64_t w = 0;
	for (int32_t i = 0; i < n; i++) {
		int64_t b = X->rp[i], e = X->rp[i + 1];
		int64_t len = e - b;
		X->rp[i] = w;
		if (len == 0)
			continue;
		bool sorted = true;
		for (int64_t j = b + 1; j < e; j++)
			if (X->col[j] <= X->col[j - 1]) {
				sorted = false;
				break;
			}
		if (!sorted) {
			if ((size_t)len > keycap) {
				free(keys);
				keycap = (size_t)len * 2;
				keys = malloc(keycap * sizeof(uint64_t));
				if (!keys)
					goto out;
			}
			/* key: statement in the high half, vote and position in the low half */
			for (int64_t j = 0; j < len; j++)
				keys[j] = ((uint64_t)(uint32_t)X->col[b + j] << 32) | ((uint64_t)j << 2) |
					  (uint64_t)(X->val[b + j] + 1);
			if (len <= 32) {
				for (int64_t j = 1; j < len; j++) {
					uint64_t k = keys[j];
					int64_t q = j - 1;
					while (q >= 0 && keys[q] > k) {
						keys[q + 1] = keys[q];
						q--;
					}
					keys[q + 1] = k;
				}
			} else {
				qsort(keys, (size_t)len, sizeof(uint64_t), cmp_u64);
			}
			for (int64_t j = 0; j < len; j++) {
				int32_t c = (int32_t)(keys[j] >> 32);
				if (j + 1 < len && (int32_t)(keys[j + 1] >> 32) == c)
					continue; /* a later vote on the same statement wins */
				X->col[w] = c;
				X->val[w] = (int8_t)((int)(keys[j] & 3) - 1);
				w++;
			}
		} else {
			memmove(X->col + w, X->col + b, (size_t)len * sizeof(int32_t));
			memmove(X->val + w, X->val + b, (size_t)len);
			w += len;
		}
	}
	X->rp[n] = w;
	X->nnz = w;
	rc = KY_OK;
out:
	free(cnt);
	free(keys);
	return rc;
}

/* ---- PCA: Lanczos on A = Xc^T Xc ---------------------------------------------------------- */

/* u = Xc^T (Xc w) over rows [r0, r1). xv[3j + v + 1] = centred value of vote v on statement j.
 * The row sum uses four partial sums: one running sum would make every vote wait for the
 * previous addition (floating-point latency, not memory, bounds this loop). */
static void gram_rows(const struct mat *X, const double *xv, const double *w, double *u, int32_t r0, int32_t r1)
{
	memset(u, 0, (size_t)X->m * sizeof(double));
	const int32_t *col = X->col;
	const int8_t *val = X->val;
	for (int32_t i = r0; i < r1; i++) {
		int64_t b = X->rp[i], e = X->rp[i + 1];
		double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
		int64_t q = b;
		for (; q + 4 <= e; q += 4) {
			s0 += xv[3 * (int64_t)col[q] + val[q] + 1] * w[col[q]];
			s1 += xv[3 * (int64_t)col[q + 1] + val[q + 1] + 1] * w[col[q + 1]];
			s2 += xv[3 * (int64_t)col[q + 2] + val[q + 2] + 1] * w[col[q + 2]];
			s3 += xv[3 * (int64_t)col[q + 3] + val[q + 3] + 1] * w[col[q + 3]];
		}
		for (; q < e; q++)
			s0 += xv[3 * (int64_t)col[q] + val[q] + 1] * w[col[q]];
		double s = (s0 + s1) + (s2 + s3);
		if (s == 0.0)
			continue;
		for (q = b; q < e; q++) {
			int32_t c = col[q];
			u[c] += xv[3 * (int64_t)c + val[q] + 1] * s;
		}
	}
}

struct gram_job {
	const struct mat *X;
	const double *xv, *w;
	double *u;
	int32_t r0, r1;
};

static void *gram_thread(void *arg)
{
	struct gram_job *j = arg;
	gram_rows(j->X, j->xv, j->w, j->u, j->r0, j->r1);
	return NULL;
}

/* u = Xc^T (Xc w). Large matrices are split by votes between this thread and one helper thread
 * (u2: m scratch doubles, NULL for one thread); falls back to one thread if it cannot start. */
static void apply_gram(const struct mat *X, const double *xv, const double *w, double *u, double *u2)
{
	if (!u2 || X->nnz < 200000) {
		gram_rows(X, xv, w, u, 0, X->n);
		return;
	}
	int32_t lo = 0, hi = X->n; /* first row whose start is past half the votes */
	while (lo < hi) {
		int32_t mid = lo + (hi - lo) / 2;
		if (X->rp[mid] < X->nnz / 2)
			lo = mid + 1;
		else
			hi = mid;
	}
	struct gram_job job = {X, xv, w, u2, lo, X->n};
	pthread_t th;
	if (pthread_create(&th, NULL, gram_thread, &job)) {
		gram_rows(X, xv, w, u, 0, X->n);
		return;
	}
	gram_rows(X, xv, w, u, 0, lo);
	pthread_join(th, NULL);
	for (int32_t j = 0; j < X->m; j++)
		u[j] += u2[j];
}

static double dot(const double *a, const double *b, int32_t m)
{
	double s = 0.0;
	for (int32_t j = 0; j < m; j++)
		s += a[j] * b[j];
	return s;
}

/* Eigen-decomposition of a small dense symmetric matrix a (k x k, row-major, destroyed) by cyclic
 * Jacobi rotations: eigenvalues in ev, eigenvectors in the columns of v. */
static void jacobi_eig(double *a, int k, double *ev, double *v)
{
	for (int i = 0; i < k; i++)
		for (int j = 0; j < k; j++)
			v[i * k + j] = i == j ? 1.0 : 0.0;
	for (int sweep = 0; sweep < 100; sweep++) {
		double off = 0.0, tot = 0.0;
		for (int i = 0; i < k; i++)
			for (int j = 0; j < k; j++) {
				tot += a[i * k + j] * a[i * k + j];
				if (i != j)
					off += a[i * k + j] * a[i * k + j];
			}
		if (off <= 1e-30 * tot || off == 0.0)
			break;
		for (int p = 0; p < k; p++)
			for (int q = p + 1; q < k; q++) {
				double apq = a[p * k + q];
				if (apq == 0.0)
					continue;
				double theta = (a[q * k + q] - a[p * k + p]) / (2.0 * apq);
				double t = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1.0));
				double c = 1.0 / sqrt(t * t + 1.0), s = t * c;
				for (int r = 0; r < k; r++) { /* columns p, q */
					double arp = a[r * k + p], arq = a[r * k + q];
					a[r * k + p] = c * arp - s * arq;
					a[r * k + q] = s * arp + c * arq;
				}
				for (int r = 0; r < k; r++) { /* rows p, q */
					double apr = a[p * k + r], aqr = a[q * k + r];
					a[p * k + r] = c * apr - s * aqr;
					a[q * k + r] = s * apr + c * aqr;
				}
				for (int r = 0; r < k; r++) {
					double vrp = v[r * k + p], vrq = v[r * k + q];
					v[r * k + p] = c * vrp - s * vrq;
					v[r * k + q] = s * vrp + c * vrq;
				}
			}
	}
	for (int i = 0; i < k; i++)
		ev[i] = a[i * k + i];
}

/* Top two eigenvectors of Xc^T Xc into comps (2 x m, unit length; a zero row where the
 * eigenvalue is zero). *top is the largest eigenvalue (0 when Xc is zero). */
static enum ky_err pca2(const struct mat *X, const double *xv, uint64_t seed, double *comps, double *top,
			int *products)
{
	enum ky_err rc = KY_ERR_NOMEM;
	int32_t m = X->m;
	int maxk = m < 2 * (PCA_ITERS + 1) ? m : 2 * (PCA_ITERS + 1);
	double *Q = malloc((size_t)(maxk + 1) * (size_t)m * sizeof(double));
	double *u = malloc((size_t)m * sizeof(double));
	double *u2 = malloc((size_t)m * sizeof(double));
	double *alpha = calloc((size_t)maxk + 1, sizeof(double));
	double *beta = calloc((size_t)maxk + 1, sizeof(double));
	double *T = malloc((size_t)(maxk + 1) * (size_t)(maxk + 1) * sizeof(double));
	double *S = malloc((size_t)(maxk + 1) * (size_t)(maxk + 1) * sizeof(double));
	double *ev = malloc((size_t)(maxk + 1) * sizeof(double));
	if (!Q || !u || !u2 || !alpha || !beta || !T || !S || !ev)
		goto out;
	memset(comps, 0, 2 * (size_t)m * sizeof(double));
	*top = 0.0;
	/* start vector: U[0,1) from a splitmix64 stream */
	uint64_t st = seed;
	double nrm = 0.0;
	for (int32_t j = 0; j < m; j++) {
		uint64_t z = (st += 0x9e3779b97f4a7c15ULL);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		z ^= z >> 31;
		Q[j] = (double)(z >> 11) * (1.0 / 9007199254740992.0);
		nrm += Q[j] * Q[j];
	}
	nrm = sqrt(nrm);
	for (int32_t j = 0; j < m; j++)
		Q[j] /= nrm;
	int k = 0; /* Lanczos vectors built */
	int nprod = 0;
	int best[2] = {-1, -1};
	int kk = 0;
	for (;;) {
		double *q = Q + (size_t)k * (size_t)m;
		apply_gram(X, xv, q, u, u2);
		nprod++;
		alpha[k] = dot(q, u, m);
		/* full reorthogonalisation, twice */
		for (int pass = 0; pass < 2; pass++)
			for (int i = 0; i <= k; i++) {
				double *qi = Q + (size_t)i * (size_t)m;
				double c = dot(qi, u, m);
				for (int32_t j = 0; j < m; j++)
					u[j] -= c * qi[j];
			}
		double b = sqrt(dot(u, u, m));
		k++;
		beta[k - 1] = b;
		/* Ritz values of the k x k tridiagonal matrix */
		bool check = k >= maxk || k <= 4 || k % 4 == 0;
		double scale = 0.0;
		for (int i = 0; i < k; i++)
			scale = fmax(scale, fabs(alpha[i]) + (i ? beta[i - 1] : 0.0) + beta[i]);
		bool breakdown = b <= 1e-13 * scale || scale == 0.0;
		if (check || breakdown) {
			memset(T, 0, (size_t)k * (size_t)k * sizeof(double));
			for (int i = 0; i < k; i++) {
				T[i * k + i] = alpha[i];
				if (i + 1 < k) {
					T[i * k + i + 1] = beta[i];
					T[(i + 1) * k + i] = beta[i];
				}
			}
			jacobi_eig(T, k, ev, S);
			best[0] = best[1] = -1;
			for (int i = 0; i < k; i++) {
				if (best[0] < 0 || ev[i] > ev[best[0]]) {
					best[1] = best[0];
					best[0] = i;
				} else if (best[1] < 0 || ev[i] > ev[best[1]]) {
					best[1] = i;
				}
			}
			kk = k;
			bool conv = true;
			double lam = ev[best[0]];
			for (int c = 0; c < 2; c++) {
				if (best[c] < 0) {
					conv = k >= m;
					continue;
				}
				double res = b * fabs(S[(k - 1) * k + best[c]]);
				if (!(res <= 1e-11 * fmax(lam, 1e-300)))
					conv = false;
			}
			if (conv || breakdown || k >= maxk)
				break;
		}
		double *qn = Q + (size_t)k * (size_t)m;
		for (int32_t j = 0; j < m; j++)
			qn[j] = u[j] / b;
	}
	*top = best[0] >= 0 ? fmax(ev[best[0]], 0.0) : 0.0;
	for (int c = 0; c < 2; c++) {
		int bi = best[c];
		if (bi < 0 || !(ev[bi] > 1e-12 * *top) || *top == 0.0)
			continue;
		double *out = comps + (size_t)c * (size_t)m;
		for (int i = 0; i < kk; i++) {
			double s = S[i * kk + bi];
			const double *qi = Q + (size_t)i * (size_t)m;
			for (int32_t j = 0; j < m; j++)
				out[j] += s * qi[j];
		}
		double nn = sqrt(dot(out, out, m)), sum = 0.0;
		for (int32_t j = 0; j < m; j++)
			sum += out[j];
		double sg = sum < 0 ? -1.0 : 1.0;
		for (int32_t j = 0; j < m; j++)
			out[j] = nn > 0 ? sg * out[j] / nn : 0.0;
	}
	products[0] = nprod;
	products[1] = 0;
	rc = KY_OK;
out:
	free(Q);
	free(u);
	free(u2);
	free(alpha);
	free(beta);
	free(T);
	free(S);
	free(ev);
	return rc;
}

/* ---- k-means ------------------------------------------------------------------------------ */

static int cmp_pt(const void *a, const void *b)
{
	const double *x = a, *y = b;
	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	if (x[1] != y[1])
		return x[1] < y[1] ? -1 : 1;
	return 0;
}

/* reference _same_clustering: both centre lists sorted, the first min(ka, kb) pairs moved < tol.
 * tmp holds (ka + kb) x 2 doubles. */
static bool same_clustering(const double *A, int ka, const double *B, int kb, double tol, double *tmp)
{
	double *a = tmp, *b = tmp + 2 * ka;
	memcpy(a, A, (size_t)ka * 2 * sizeof(double));
	memcpy(b, B, (size_t)kb * 2 * sizeof(double));
	qsort(a, (size_t)ka, 2 * sizeof(double), cmp_pt);
	qsort(b, (size_t)kb, 2 * sizeof(double), cmp_pt);
	int L = ka < kb ? ka : kb;
	for (int i = 0; i < L; i++) {
		double dx = a[2 * i] - b[2 * i], dy = a[2 * i + 1] - b[2 * i + 1];
		if (!(sqrt(dx * dx + dy * dy) < tol))
			return false;
	}
	return true;
}

/* Centres sorted by x, for the strip search below. */
struct sorted_centres {
	double *x;    /* K sorted x coordinates */
	int32_t *idx; /* original index of each sorted entry */
	int32_t *pos; /* sorted position of each original centre */
};

/* Sorts centre indices by x (ties by index). */
static void sort_centres(const double *C, int K, struct sorted_centres *sc)
{
	for (int c = 0; c < K; c++)
		sc->idx[c] = c;
	/* insertion sort: K <= 100 and the order barely changes between steps */
	for (int i = 1; i < K; i++) {
		int32_t v = sc->idx[i];
		double xv = C[2 * v];
		int j = i - 1;
		while (j >= 0 && (C[2 * sc->idx[j]] > xv || (C[2 * sc->idx[j]] == xv && sc->idx[j] > v))) {
			sc->idx[j + 1] = sc->idx[j];
			j--;
		}
		sc->idx[j + 1] = v;
	}
	for (int i = 0; i < K; i++) {
		sc->x[i] = C[2 * sc->idx[i]];
		sc->pos[sc->idx[i]] = i;
	}
}

/* Nearest centre of x (lowest index on an exact tie, as a full scan in index order gives) and the
 * distance to the second nearest. Searches outwards from sorted position p0 and stops in each
 * direction once the x gap alone exceeds the second-best distance. */
static inline void scan_point(const double *x, const double *C, int K, const struct sorted_centres *sc, int p0,
			      int32_t *a, double *d1, double *d2)
{
	double b1 = INFINITY, b2 = INFINITY;
	int32_t bi = -1;
	int l = p0 - 1, r = p0;
	for (;;) {
		bool can_l = l >= 0, can_r = r < K;
		if (!can_l && !can_r)
			break;
		bool left = can_l && (!can_r || x[0] - sc->x[l] <= sc->x[r] - x[0]);
		int p = left ? l : r;
		double gap = left ? x[0] - sc->x[p] : sc->x[p] - x[0];
		if (gap >= 0 && gap * gap > b2) {
			/* every centre further this way is even further away in x alone */
			if (left)
				l = -1;
			else
				r = K;
			continue;
		}
		if (left)
			l--;
		else
			r++;
		int32_t c = sc->idx[p];
		double dx = x[0] - C[2 * c], dy = x[1] - C[2 * c + 1];
		double d = dx * dx + dy * dy;
		if (d < b1 || (d == b1 && c < bi)) {
			b2 = b1;
			b1 = d;
			bi = c;
		} else if (d < b2) {
			b2 = d;
		}
	}
	*a = bi;
	*d1 = sqrt(b1);
	*d2 = sqrt(b2);
}

/* Nearest centre and second-nearest distance of x, which is currently assigned to centre a at
 * squared distance da2 (distance dA). nb/nd list a's other centres by distance from a; a centre
 * c at distance R from a is at least R - dA from x, so the search stops once that exceeds the
 * second-best distance found (with a margin for rounding). Same answer as a full scan. */
static inline void scan_near(const double *x, const double *C, int K, int32_t a, double da2, double dA,
			     const int32_t *nb, const double *nd, int32_t *lab, double *d1, double *d2)
{
	double b1 = da2, b2 = INFINITY, r2 = INFINITY;
	int32_t bi = a;
	for (int t = 0; t < K - 1; t++) {
		double lo = nd[t] - dA;
		if (lo > r2 + 1e-9 * (1.0 + r2))
			break;
		int32_t c = nb[t];
		double dx = x[0] - C[2 * c], dy = x[1] - C[2 * c + 1];
		double d = dx * dx + dy * dy;
		if (d < b1 || (d == b1 && c < bi)) {
			b2 = b1;
			b1 = d;
			bi = c;
			r2 = sqrt(b2);
		} else if (d < b2) {
			b2 = d;
			r2 = sqrt(b2);
		}
	}
	*lab = bi;
	*d1 = sqrt(b1);
	*d2 = sqrt(b2);
}

/* Sorted position where x would go (start of the strip search). */
static int sorted_start(const struct sorted_centres *sc, int K, double x)
{
	int lo = 0, hi = K - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (sc->x[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* One assignment pass of k-means over points [i0, i1): applies the previous step's centre moves
 * to the bounds, finds each point's centre and adds it to acc (weight, x, y per centre) and cnt. */
struct km_pass {
	const double *X, *w, *C;
	int K;
	bool first;
	const struct sorted_centres *sc;
	const int32_t *nbr, *remap;
	const double *nbd, *half, *delta;
	double maxd, maxd2;
	int32_t argmax;
	int32_t *lab;
	double *ub, *lb;
	int32_t i0, i1;
	double *acc;
	int64_t *cnt;
};

static void *km_pass_run(void *arg)
{
	struct km_pass *p = arg;
	const double *X = p->X, *C = p->C;
	int K = p->K;
	memset(p->acc, 0, (size_t)K * 3 * sizeof(double));
	memset(p->cnt, 0, (size_t)K * sizeof(int64_t));
	for (int32_t i = p->i0; i < p->i1; i++) {
		int32_t a;
		if (p->first) {
			scan_point(X + 2 * i, C, K, p->sc, sorted_start(p->sc, K, X[2 * i]), &p->lab[i], &p->ub[i],
				   &p->lb[i]);
			a = p->lab[i];
		} else {
			int32_t a0 = p->lab[i];
			a = p->remap[a0];
			double u = p->ub[i] + p->delta[a0];
			double l = p->lb[i] - (a0 == p->argmax ? p->maxd2 : p->maxd);
			double bound = fmax(p->half[a], l);
			/* margin: bounds carry rounding from their updates */
			double margin = 1e-9 * (1.0 + bound);
			if (u + margin >= bound) {
				double dx = X[2 * i] - C[2 * a], dy = X[2 * i + 1] - C[2 * a + 1];
				double da2 = dx * dx + dy * dy;
				u = sqrt(da2);
				if (u + margin >= bound)
					scan_near(X + 2 * i, C, K, a, da2, u, p->nbr + (size_t)a * (size_t)K,
						  p->nbd + (size_t)a * (size_t)K, &a, &u, &l);
			}
			p->lab[i] = a;
			p->ub[i] = u;
			p->lb[i] = l;
		}
		double wi = p->w ? p->w[i] : 1.0;
		p->cnt[a]++;
		p->acc[3 * a] += wi;
		p->acc[3 * a + 1] += wi * X[2 * i];
		p->acc[3 * a + 2] += wi * X[2 * i + 1];
	}
	return NULL;
}

/* Pol.is k-means of n 2-D points X (weights w or NULL): initial centres are the first k distinct
 * points in order; at most max_iters + 1 Lloyd steps; clusters that get no member are dropped;
 * stop when the sorted centres all moved < tol. On return *C (malloc'ed, *K x 2) are the centres
 * and lab[i] (caller's n entries) the index of point i's centre in the last assignment. */
static enum ky_err kmeans(const double *X, int32_t n, int k, int max_iters, const double *w, double tol,
			  double **Cout, int *Kout, int32_t *lab, int *steps_out)
{
	enum ky_err rc = KY_ERR_NOMEM;
	double *C = malloc((size_t)(k > 0 ? k : 1) * 2 * sizeof(double));
	double *nc = malloc((size_t)(k > 0 ? k : 1) * 2 * sizeof(double));
	double *tmp = malloc((size_t)(k > 0 ? k : 1) * 4 * sizeof(double));
	double *acc = malloc((size_t)(k > 0 ? k : 1) * 3 * sizeof(double));
	int64_t *cnt = malloc((size_t)(k > 0 ? k : 1) * sizeof(int64_t));
	double *acc2 = malloc((size_t)(k > 0 ? k : 1) * 3 * sizeof(double));
	int64_t *cnt2 = malloc((size_t)(k > 0 ? k : 1) * sizeof(int64_t));
	int32_t *remap = malloc((size_t)(k > 0 ? k : 1) * sizeof(int32_t));
	double *half = malloc((size_t)(k > 0 ? k : 1) * sizeof(double));
	double *delta = malloc((size_t)(k > 0 ? k : 1) * sizeof(double));
	double *ub = malloc((size_t)(n > 0 ? n : 1) * sizeof(double));
	int32_t *nbr = malloc((size_t)(k > 0 ? k : 1) * (size_t)(k > 0 ? k : 1) * sizeof(int32_t));
	double *nbd = malloc((size_t)(k > 0 ? k : 1) * (size_t)(k > 0 ? k : 1) * sizeof(double));
	struct sorted_centres sc = {
		.x = malloc((size_t)(k > 0 ? k : 1) * sizeof(double)),
		.idx = malloc((size_t)(k > 0 ? k : 1) * sizeof(int32_t)),
		.pos = malloc((size_t)(k > 0 ? k : 1) * sizeof(int32_t)),
	};
	double *lb = malloc((size_t)(n > 0 ? n : 1) * sizeof(double));
	*Cout = NULL;
	*Kout = 0;
	*steps_out = 0;
	if (!C || !nc || !tmp || !acc || !cnt || !acc2 || !cnt2 || !remap || !half || !delta || !ub || !lb || !nbr || !nbd || !sc.x || !sc.idx ||
	    !sc.pos)
		goto out;
	if (n == 0) {
		rc = KY_OK;
		goto out;
	}
	int K = 0;
	for (int32_t i = 0; i < n && K < k; i++) {
		bool dup = false;
		for (int c = 0; c < K && !dup; c++)
			dup = C[2 * c] == X[2 * i] && C[2 * c + 1] == X[2 * i + 1];
		if (!dup) {
			C[2 * K] = X[2 * i];
			C[2 * K + 1] = X[2 * i + 1];
			K++;
		}
	}
	int steps = 0;
	/* Moves of the last step, applied lazily in the next assignment pass (one pass per step):
	 * centre c moved delta[c] and is now remap[c]; argmax moved most (maxd), maxd2 second. */
	double maxd = 0.0, maxd2 = 0.0;
	int32_t argmax = -1;
	for (int it = max_iters; it >= 0; it--) {
		steps++;
		if (steps == 1) {
			sort_centres(C, K, &sc);
		} else {
			/* every centre's neighbours by distance: a point only needs the centres
			 * within (distance to its own centre + second-best distance) of its own */
			for (int c = 0; c < K; c++) {
				int32_t *nb = nbr + (size_t)c * (size_t)K;
				double *nd = nbd + (size_t)c * (size_t)K;
				int t = 0;
				for (int d = 0; d < K; d++) {
					if (d == c)
						continue;
					double dx = C[2 * c] - C[2 * d], dy = C[2 * c + 1] - C[2 * d + 1];
					double dd = sqrt(dx * dx + dy * dy);
					int q = t++;
					while (q > 0 && nd[q - 1] > dd) {
						nd[q] = nd[q - 1];
						nb[q] = nb[q - 1];
						q--;
					}
					nd[q] = dd;
					nb[q] = d;
				}
				half[c] = K > 1 ? 0.5 * nd[0] : INFINITY;
			}
		}
		struct km_pass pass = {X, w, C, K, steps == 1, &sc, nbr, remap, nbd, half, delta, maxd, maxd2,
				       argmax, lab, ub, lb, 0, n, acc, cnt};
		/* large inputs: the second half of the points on a helper thread, sums added after */
		pthread_t th;
		struct km_pass pass2 = pass;
		bool two = n >= 20000;
		if (two) {
			pass.i1 = pass2.i0 = n / 2;
			pass2.acc = acc2;
			pass2.cnt = cnt2;
			two = pthread_create(&th, NULL, km_pass_run, &pass2) == 0;
			if (!two)
				pass.i1 = n;
		}
		km_pass_run(&pass);
		if (two) {
			pthread_join(th, NULL);
			for (int c = 0; c < K; c++) {
				cnt[c] += cnt2[c];
				for (int d = 0; d < 3; d++)
					acc[3 * c + d] += acc2[3 * c + d];
			}
		}
		/* new centres: (weighted) means of the members, summed in point order like bincount */
		int K2 = 0;
		maxd = maxd2 = 0.0;
		argmax = -1;
		for (int c = 0; c < K; c++) {
			if (cnt[c] == 0) {
				remap[c] = -1;
				delta[c] = 0.0;
				continue;
			}
			double sw = acc[3 * c] > 0 ? acc[3 * c] : 1.0;
			nc[2 * K2] = acc[3 * c + 1] / sw;
			nc[2 * K2 + 1] = acc[3 * c + 2] / sw;
			double dx = nc[2 * K2] - C[2 * c], dy = nc[2 * K2 + 1] - C[2 * c + 1];
			delta[c] = sqrt(dx * dx + dy * dy);
			if (delta[c] > maxd) {
				maxd2 = maxd;
				maxd = delta[c];
				argmax = c;
			} else if (delta[c] > maxd2) {
				maxd2 = delta[c];
			}
			remap[c] = K2++;
		}
		bool done = same_clustering(C, K, nc, K2, tol, tmp);
		memcpy(C, nc, (size_t)K2 * 2 * sizeof(double));
		K = K2;
		if (it == 0 || done) {
			for (int32_t i = 0; i < n; i++)
				lab[i] = remap[lab[i]];
			break;
		}
	}
	*Cout = C;
	C = NULL;
	*Kout = K;
	*steps_out = steps;
	rc = KY_OK;
out:
	free(C);
	free(nc);
	free(tmp);
	free(acc);
	free(cnt);
	free(acc2);
	free(cnt2);
	free(remap);
	free(half);
	free(delta);
	free(ub);
	free(lb);
	free(nbr);
	free(nbd);
	free(sc.x);
	free(sc.idx);
	free(sc.pos);
	return rc;
}

/* reference silhouette_from_dist; *ok = false where it would be NaN (fewer than 2 clusters). */
static double silhouette(const double *D, int nb, const int32_t *lab, bool *ok)
{
	int K = 0;
	for (int i = 0; i < nb; i++)
		if (lab[i] + 1 > K)
			K = lab[i] + 1;
	*ok = K >= 2;
	if (!*ok)
		return 0.0;
	int cnt[BASE_K + 1] = {0};
	double sums[BASE_K + 1];
	for (int i = 0; i < nb; i++)
		cnt[lab[i]]++;
	double total = 0.0;
	for (int i = 0; i < nb; i++) {
		for (int c = 0; c < K; c++)
			sums[c] = 0.0;
		for (int j = 0; j < nb; j++)
			sums[lab[j]] += D[(size_t)i * (size_t)nb + (size_t)j];
		int own = lab[i];
		double a = sums[own] / (double)(cnt[own] - 1 > 1 ? cnt[own] - 1 : 1);
		double b = INFINITY;
		for (int c = 0; c < K; c++) {
			if (c == own)
				continue;
			double mt = sums[c] / (double)(cnt[c] > 1 ? cnt[c] : 1);
			if (mt < b)
				b = mt;
		}
		double den = fmax(a, b);
		double s = den > 0 ? (b - a) / den : 0.0;
		if (cnt[own] == 1)
			s = 0.0;
		total += s;
	}
	return total / nb;
}

/* ---- repness and consensus ---------------------------------------------------------------- */

static double prop_test(double succ, double n)
{
	succ += 1;
	n += 1;
	return 2.0 * sqrt(n) * (succ / n - 0.5);
}

static double two_prop_test(double s1, double s2, double n1, double n2)
{
	s1 += 1;
	s2 += 1;
	n1 += 1;
	n2 += 1;
	double pi1 = s1 / n1, pi2 = s2 / n2;
	double ph = (s1 + s2) / (n1 + n2);
	if (ph == 1)
		return 0.0;
	double den = sqrt(ph * (1 - ph) * (1 / n1 + 1 / n2));
	return (pi1 - pi2) / den;
}

/* Per-statement statistics of one group against the rest. */
struct gstat {
	double na, nd, ns, pa, pd, pat, pdt, ra, rd, rat, rdt;
};

static void fill_stat(struct gstat *s, double na, double nd, double ns, double na_r, double nd_r, double ns_r)
{
	s->na = na;
	s->nd = nd;
	s->ns = ns;
	s->pa = (na + 1.0) / (ns + 2.0);
	s->pd = (nd + 1.0) / (ns + 2.0);
	s->pat = prop_test(na, ns);
	s->pdt = prop_test(nd, ns);
	s->ra = s->pa / ((1.0 + na_r) / (2.0 + ns_r));
	s->rd = s->pd / ((1.0 + nd_r) / (2.0 + ns_r));
	s->rat = two_prop_test(na, na_r, ns, ns_r);
	s->rdt = two_prop_test(nd, nd_r, ns, ns_r);
}

static struct ky_opinion_rep finalize(const struct gstat *s, int32_t tid)
{
	struct ky_opinion_rep r = {0};
	r.tid = tid;
	r.agree = s->rat > s->rdt;
	r.n_success = (int32_t)(r.agree ? s->na : s->nd);
	r.n_trials = (int32_t)s->ns;
	r.p_success = r.agree ? s->pa : s->pd;
	r.p_test = r.agree ? s->pat : s->pdt;
	r.repness = r.agree ? s->ra : s->rd;
	r.repness_test = r.agree ? s->rat : s->rdt;
	return r;
}

static double rep_key(const struct ky_opinion_rep *r)
{
	return -(r->repness * r->repness_test * r->p_success * r->p_test);
}

/* reference select_rep_comments for one group; st has m entries. Writes at most REP_MAX entries
 * to sel; suff is scratch for m entries. Returns the count. */
static int select_rep(const struct gstat *st, int32_t m, const bool *is_mod, struct ky_opinion_rep *suff,
		      struct ky_opinion_rep *sel)
{
	int nsuff = 0;
	bool have_best = false;
	struct ky_opinion_rep best = {0};
	int32_t ba = -1;
	for (int32_t t = 0; t < m; t++) {
		if (is_mod[t])
			continue;
		const struct gstat *s = &st[t];
		if ((s->rat > Z90 && s->pat > Z90) || (s->rdt > Z90 && s->pdt > Z90))
			suff[nsuff++] = finalize(s, t);
		if (nsuff == 0 && (!have_best || fmax(s->rat, s->rdt) > best.repness_test)) {
			best = finalize(s, t);
			have_best = true;
		}
		bool beats;
		if (s->na == 0 && s->nd == 0) {
			beats = false;
		} else if (ba >= 0 && st[ba].ra > 1.0) {
			const struct gstat *b = &st[ba];
			beats = s->ra * s->rat * s->pa * s->pat > b->ra * b->rat * b->pa * b->pat;
		} else if (ba >= 0) {
			const struct gstat *b = &st[ba];
			beats = s->pa * s->pat > b->pa * b->pat;
		} else {
			beats = s->pat > Z90 || (s->ra > 1.0 && s->pa > 0.5);
		}
		if (beats)
			ba = t;
	}
	struct ky_opinion_rep bar = {0};
	if (ba >= 0) {
		bar = finalize(&st[ba], ba);
		bar.n_agree = (int32_t)st[ba].na;
		bar.best_agree = true;
	}
	if (nsuff == 0) {
		if (ba >= 0) {
			sel[0] = bar;
			return 1;
		}
		if (have_best) {
			sel[0] = best;
			return 1;
		}
		return 0;
	}
	/* rest = sufficient without the best-agree statement, stable sort by key */
	int nr = 0;
	for (int i = 0; i < nsuff; i++)
		if (ba < 0 || suff[i].tid != ba)
			suff[nr++] = suff[i];
	for (int i = 1; i < nr; i++) { /* stable insertion sort; nr is small in practice */
		struct ky_opinion_rep x = suff[i];
		double kx = rep_key(&x);
		int j = i - 1;
		while (j >= 0 && rep_key(&suff[j]) > kx) {
			suff[j + 1] = suff[j];
			j--;
		}
		suff[j + 1] = x;
	}
	struct ky_opinion_rep tmp[REP_MAX];
	int nt = 0;
	if (ba >= 0)
		tmp[nt++] = bar;
	for (int i = 0; i < nr && nt < REP_MAX; i++)
		tmp[nt++] = suff[i];
	int ns = 0;
	for (int i = 0; i < nt; i++)
		if (tmp[i].agree)
			sel[ns++] = tmp[i];
	for (int i = 0; i < nt; i++)
		if (!tmp[i].agree)
			sel[ns++] = tmp[i];
	return ns;
}

/* reference select_consensus for one direction: candidates with p > 0.5 and z > Z90, top 5 by
 * p * z (stable). */
static int select_cons(const int64_t *succ, const int64_t *ns, int32_t m, const bool *is_mod,
		       struct ky_opinion_cons *out)
{
	int n = 0;
	for (int32_t j = 0; j < m; j++) {
		if (is_mod[j])
			continue;
		double p = ((double)succ[j] + 1.0) / ((double)ns[j] + 2.0);
		double t = prop_test((double)succ[j], (double)ns[j]);
		if (!(p > 0.5 && t > Z90))
			continue;
		struct ky_opinion_cons c = {j, (int32_t)succ[j], (int32_t)ns[j], p, t};
		double key = -(p * t);
		/* insert into the sorted top list (stable: later equal keys go after) */
		int pos = n;
		while (pos > 0 && -(out[pos - 1].p_success * out[pos - 1].p_test) > key)
			pos--;
		if (pos >= KY_OPINION_CONS_MAX)
			continue;
		int last = n < KY_OPINION_CONS_MAX ? n : KY_OPINION_CONS_MAX - 1;
		for (int q = last; q > pos; q--)
			out[q] = out[q - 1];
		out[pos] = c;
		if (n < KY_OPINION_CONS_MAX)
			n++;
	}
	return n;
}

/* ---- the pipeline ------------------------------------------------------------------------- */

void ky_opinion_result_free(struct ky_opinion_result *r)
{
	if (!r)
		return;
	free(r->group_assignment);
	free(r->in_conv);
	free(r->group_sizes);
	free(r->rep);
	free(r->rep_off);
	free(r->gac_agree);
	free(r->gac_disagree);
	free(r->center);
	free(r->comps);
	free(r->proj);
	free(r->comment_extremity);
	free(r->comment_priority);
	free(r->base_centers);
	free(r->base_counts);
	free(r);
}

static int cmp_i64_desc_idx(const void *a, const void *b)
{
	const int64_t *x = a, *y = b; /* (count, index) pairs: count descending, index ascending */
	if (x[0] != y[0])
		return x[0] > y[0] ? -1 : 1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

enum ky_err ky_opinion_compute(const struct ky_opinion_vote *votes, size_t n_votes,
			       const struct ky_opinion_opts *opts, struct ky_opinion_result **out, char *err,
			       size_t errlen)
{
	static const struct ky_opinion_opts no_opts;
	enum ky_err rc = KY_ERR_NOMEM;
	struct mat X = {0};
	struct ky_opinion_result *r = NULL;
	bool *is_mod = NULL;
	int64_t *user_cnt = NULL, *proj_cnt = NULL, *col_cnt = NULL, *c_na = NULL, *c_nd = NULL, *c_ns = NULL;
	double *xv = NULL, *inX = NULL, *D = NULL, *gw = NULL, *base_w = NULL;
	int32_t *in_idx = NULL, *base_lab = NULL, *base_group = NULL, *plabel = NULL;
	int64_t *gcount = NULL, *order = NULL;
	struct gstat *st = NULL;
	struct ky_opinion_rep *suff = NULL;
	double *clC[KY_OPINION_MAX_K + 1] = {0};
	int32_t *clLab[KY_OPINION_MAX_K + 1] = {0};
	int clK[KY_OPINION_MAX_K + 1] = {0};
	*out = NULL;
	if (!opts)
		opts = &no_opts;
	if (err && errlen)
		err[0] = '\0';
	if (n_votes > (size_t)INT32_MAX) {
		seterr(err, errlen, "too many votes");
		return KY_ERR_TOO_LARGE;
	}
	double t0 = now_s();

	/* ---- validate and size ---- */
	int64_t n = opts->n_participants > 0 ? opts->n_participants : 0;
	int64_t m = opts->n_statements > 0 ? opts->n_statements : 0;
	for (size_t i = 0; i < n_votes; i++) {
		const struct ky_opinion_vote *v = &votes[i];
		if (v->participant < 0 || v->statement < 0 || v->vote < -1 || v->vote > 1) {
			if (err && errlen)
				snprintf(err, errlen, "vote %zu: %s", i,
					 v->vote < -1 || v->vote > 1 ? "vote must be -1, 0 or 1"
								     : "ids must not be negative");
			return KY_ERR_INVALID;
		}
		if (v->participant >= n)
			n = (int64_t)v->participant + 1;
		if (v->statement >= m)
			m = (int64_t)v->statement + 1;
	}
	if (opts->given_groups) {
		if (opts->n_given > n)
			n = opts->n_given;
		for (int32_t i = 0; i < opts->n_given; i++)
			if (opts->given_groups[i] < -1 || opts->given_groups[i] >= INT32_MAX / 4) {
				if (err && errlen)
					snprintf(err, errlen, "given group of participant %d is out of range", i);
				return KY_ERR_INVALID;
			}
	}
	for (int32_t i = 0; i < opts->n_mod_out; i++)
		if (opts->mod_out[i] < 0 || opts->mod_out[i] >= m) {
			if (err && errlen)
				snprintf(err, errlen, "moderated statement %d is out of range", opts->mod_out ? opts->mod_out[i] : -1);
			return KY_ERR_INVALID;
		}
	if (n >= INT32_MAX / 2 || m >= INT32_MAX / 4) {
		seterr(err, errlen, "too many participants or statements");
		return KY_ERR_TOO_LARGE;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		goto out;
	r->n = (int32_t)n;
	r->m = (int32_t)m;
	r->n_votes = (int64_t)n_votes;
	r->status = KY_OPINION_NOT_ENOUGH_VOTES;
	size_t N = (size_t)n, M = (size_t)m;

	/* ---- build ---- */
	X.n = (int32_t)n;
	X.m = (int32_t)m;
	if ((rc = build_matrix(votes, n_votes, &X)))
		goto out;
	rc = KY_ERR_NOMEM;
	r->n_unique = X.nnz;
	is_mod = calloc(M + 1, sizeof(bool));
	user_cnt = calloc(N + 1, sizeof(int64_t));
	proj_cnt = calloc(N + 1, sizeof(int64_t));
	col_cnt = calloc(M + 1, sizeof(int64_t));
	c_na = calloc(M + 1, sizeof(int64_t));
	c_nd = calloc(M + 1, sizeof(int64_t));
	c_ns = calloc(M + 1, sizeof(int64_t));
	r->center = calloc(M + 1, sizeof(double));
	xv = calloc(3 * M + 1, sizeof(double));
	r->group_assignment = malloc((N + 1) * sizeof(int32_t));
	if (!is_mod || !user_cnt || !proj_cnt || !col_cnt || !c_na || !c_nd || !c_ns || !r->center || !xv ||
	    !r->group_assignment)
		goto out;
	int32_t n_mod = 0;
	for (int32_t i = 0; i < opts->n_mod_out; i++)
		if (!is_mod[opts->mod_out[i]]) {
			is_mod[opts->mod_out[i]] = true;
			n_mod++;
		}
	for (size_t i = 0; i < N; i++)
		r->group_assignment[i] = -1;
	double *colsum = r->center; /* sums first, means after */
	for (int32_t i = 0; i < X.n; i++) {
		user_cnt[i] = X.rp[i + 1] - X.rp[i];
		int64_t pc = 0;
		for (int64_t q = X.rp[i]; q < X.rp[i + 1]; q++) {
			int32_t c = X.col[q];
			if (is_mod[c])
				continue;
			pc++;
			col_cnt[c]++;
			colsum[c] += X.val[q];
			c_ns[c]++;
			if (X.val[q] > 0)
				c_na[c]++;
			else if (X.val[q] < 0)
				c_nd[c]++;
		}
		proj_cnt[i] = pc + n_mod;
	}
	for (size_t j = 0; j < M; j++) {
		double mu = col_cnt[j] > 0 && !is_mod[j] ? colsum[j] / (double)col_cnt[j] : 0.0;
		r->center[j] = mu;
		for (int v = -1; v <= 1; v++)
			xv[3 * j + (size_t)(v + 1)] = is_mod[j] ? 0.0 : (double)v - mu;
	}
	double t1 = now_s();
	r->stage_seconds[KY_OPINION_ST_BUILD] = t1 - t0;

	/* ---- consensus over everyone: needs no groups ---- */
	if (n_mod) {
		for (size_t j = 0; j < M; j++)
			if (is_mod[j]) {
				c_na[j] = c_nd[j] = 0;
				c_ns[j] = n;
			}
	}
	r->n_cons_agree = select_cons(c_na, c_ns, X.m, is_mod, r->cons_agree);
	r->n_cons_disagree = select_cons(c_nd, c_ns, X.m, is_mod, r->cons_disagree);

	if (n_votes == 0 || n < 2 || m < 2) {
		rc = KY_OK;
		goto done;
	}

	/* ---- PCA and projection ---- */
	r->comps = calloc(2 * M, sizeof(double));
	r->proj = calloc(2 * N, sizeof(double));
	r->comment_extremity = calloc(M, sizeof(double));
	r->comment_priority = calloc(M, sizeof(double));
	if (!r->comps || !r->proj || !r->comment_extremity || !r->comment_priority)
		goto out;
	double top = 0.0;
	if ((rc = pca2(&X, xv, opts->seed ? opts->seed : 1, r->comps, &top, r->pca_products)))
		goto out;
	rc = KY_ERR_NOMEM;
	for (int32_t i = 0; i < X.n; i++) {
		double s0 = 0.0, s1 = 0.0;
		for (int64_t q = X.rp[i]; q < X.rp[i + 1]; q++) {
			int32_t c = X.col[q];
			double x = xv[3 * (int64_t)c + X.val[q] + 1];
			s0 += x * r->comps[c];
			s1 += x * r->comps[M + (size_t)c];
		}
		double sc = sqrt((double)m / (double)(proj_cnt[i] > 1 ? proj_cnt[i] : 1));
		r->proj[2 * (size_t)i] = s0 * sc;
		r->proj[2 * (size_t)i + 1] = s1 * sc;
	}
	for (size_t j = 0; j < M; j++) {
		double e = 0.0;
		for (int c = 0; c < 2; c++) {
			double cp = (1.0 - r->center[j]) * r->comps[(size_t)c * M + j] * sqrt((double)m);
			e += cp * cp;
		}
		r->comment_extremity[j] = sqrt(e);
	}
	double t2 = now_s();
	r->stage_seconds[KY_OPINION_ST_PCA] = t2 - t1;

	/* ---- participants in the conversation, base clusters ---- */
	in_idx = malloc((N + 1) * sizeof(int32_t));
	plabel = r->group_assignment;
	if (!in_idx)
		goto out;
	int32_t nin = 0;
	int G = 0;
	if (opts->given_groups) {
		for (int32_t i = 0; i < opts->n_given; i++)
			if (opts->given_groups[i] >= 0) {
				in_idx[nin++] = i;
				plabel[i] = opts->given_groups[i];
				if (plabel[i] + 1 > G)
					G = plabel[i] + 1;
			}
	} else {
		int64_t need = MIN_VOTES < m ? MIN_VOTES : m;
		bool *inc = calloc(N + 1, sizeof(bool));
		if (!inc)
			goto out;
		int32_t cnt_in = 0;
		for (size_t i = 0; i < N; i++)
			if (user_cnt[i] >= need) {
				inc[i] = true;
				cnt_in++;
			}
		if (cnt_in < GREEDY_N) {
			order = malloc(2 * (N - (size_t)cnt_in + 1) * sizeof(int64_t));
			if (!order) {
				free(inc);
				goto out;
			}
			size_t no = 0;
			for (size_t i = 0; i < N; i++)
				if (!inc[i]) {
					order[2 * no] = user_cnt[i];
					order[2 * no + 1] = (int64_t)i;
					no++;
				}
			qsort(order, no, 2 * sizeof(int64_t), cmp_i64_desc_idx);
			for (size_t q = 0; q < no && cnt_in < GREEDY_N; q++) {
				inc[order[2 * q + 1]] = true;
				cnt_in++;
			}
		}
		for (size_t i = 0; i < N; i++)
			if (inc[i])
				in_idx[nin++] = (int32_t)i;
		free(inc);
	}
	r->in_conv = in_idx;
	r->n_in_conv = nin;
	in_idx = NULL;
	if (top <= 0.0 && !opts->given_groups) {
		rc = KY_OK; /* nobody disagrees with anybody: no structure to find */
		goto done;
	}
	if (!opts->given_groups) {
		inX = malloc(2 * ((size_t)nin + 1) * sizeof(double));
		base_lab = malloc(((size_t)nin + 1) * sizeof(int32_t));
		if (!inX || !base_lab)
			goto out;
		for (int32_t i = 0; i < nin; i++) {
			inX[2 * i] = r->proj[2 * (size_t)r->in_conv[i]];
			inX[2 * i + 1] = r->proj[2 * (size_t)r->in_conv[i] + 1];
		}
		int nb = 0;
		if ((rc = kmeans(inX, nin, BASE_K, BASE_ITERS, NULL, KMEANS_TOL, &r->base_centers, &nb, base_lab,
				 &r->base_kmeans_steps)))
			goto out;
		rc = KY_ERR_NOMEM;
		r->n_base = nb;
		r->base_counts = calloc((size_t)nb + 1, sizeof(int32_t));
		base_w = calloc((size_t)nb + 1, sizeof(double));
		if (!r->base_counts || !base_w)
			goto out;
		for (int32_t i = 0; i < nin; i++)
			r->base_counts[base_lab[i]]++;
		for (int b = 0; b < nb; b++)
			base_w[b] = r->base_counts[b];
		double t3 = now_s();
		r->stage_seconds[KY_OPINION_ST_BASE_KMEANS] = t3 - t2;

		/* ---- group k-means for each candidate k ---- */
		int max_k = 2 + nb / 12;
		if (max_k > KY_OPINION_MAX_K)
			max_k = KY_OPINION_MAX_K;
		for (int k = 2; k <= max_k; k++) {
			int steps;
			clLab[k] = malloc(((size_t)nb + 1) * sizeof(int32_t));
			if (!clLab[k])
				goto out;
			if ((rc = kmeans(r->base_centers, nb, k, GROUP_ITERS, base_w, KMEANS_TOL, &clC[k], &clK[k],
					 clLab[k], &steps)))
				goto out;
			rc = KY_ERR_NOMEM;
		}
		double t4 = now_s();
		r->stage_seconds[KY_OPINION_ST_GROUP_KMEANS] = t4 - t3;

		/* ---- silhouette on the base centres, pick k (ties -> larger k) ---- */
		D = malloc(((size_t)nb * (size_t)nb + 1) * sizeof(double));
		if (!D)
			goto out;
		for (int i = 0; i < nb; i++)
			for (int j = 0; j < nb; j++) {
				double dx = r->base_centers[2 * i] - r->base_centers[2 * j];
				double dy = r->base_centers[2 * i + 1] - r->base_centers[2 * j + 1];
				D[(size_t)i * (size_t)nb + (size_t)j] = sqrt(dx * dx + dy * dy);
			}
		int best_k = 0;
		bool best_nan = false;
		double best_s = -INFINITY;
		for (int k = 2; k <= max_k; k++) {
			bool ok;
			double s = silhouette(D, nb, clLab[k], &ok);
			r->has_silhouette[k] = ok;
			r->silhouette[k] = ok ? s : 0.0;
			/* NaN compares false: once the best is NaN it stays (as in the reference) */
			if (best_k == 0 || (!best_nan && ok && s >= best_s)) {
				best_k = k;
				best_s = s;
				best_nan = !ok;
			}
		}
		if (best_k == 0) {
			rc = KY_OK;
			goto done;
		}
		r->k = best_k;
		G = clK[best_k];
		for (int32_t i = 0; i < nin; i++)
			plabel[r->in_conv[i]] = clLab[best_k][base_lab[i]];
		r->stage_seconds[KY_OPINION_ST_SILHOUETTE] = now_s() - t4;
	} else {
		r->k = G;
	}
	double t5 = now_s();
	r->n_groups = G;
	if (G < 1) {
		rc = KY_OK;
		goto done;
	}

	/* ---- repness ---- */
	size_t GM = (size_t)G * M;
	gcount = calloc(3 * GM + 1, sizeof(int64_t));      /* moderated-out columns excluded */
	int64_t *gA = calloc(3 * GM + 1, sizeof(int64_t)); /* raw: every column */
	st = malloc((M + 1) * sizeof(struct gstat));
	suff = malloc((M + 1) * sizeof(struct ky_opinion_rep));
	r->group_sizes = calloc((size_t)G + 1, sizeof(int32_t));
	r->rep = calloc((size_t)G * REP_MAX + 1, sizeof(struct ky_opinion_rep));
	r->rep_off = calloc((size_t)G + 1, sizeof(int32_t));
	r->gac_agree = malloc((M + 1) * sizeof(double));
	r->gac_disagree = malloc((M + 1) * sizeof(double));
	if (!gcount || !gA || !st || !suff || !r->group_sizes || !r->rep || !r->rep_off || !r->gac_agree ||
	    !r->gac_disagree) {
		free(gA);
		goto out;
	}
	int64_t *na = gcount, *nd = gcount + GM, *ns = gcount + 2 * GM;
	int64_t *rA = gA, *rD = gA + GM, *rS = gA + 2 * GM;
	for (int32_t i = 0; i < X.n; i++) {
		int32_t g = plabel[i];
		if (g < 0)
			continue;
		r->group_sizes[g]++;
		size_t base = (size_t)g * M;
		for (int64_t q = X.rp[i]; q < X.rp[i + 1]; q++) {
			size_t c = (size_t)X.col[q];
			int8_t v = X.val[q];
			rS[base + c]++;
			if (v > 0)
				rA[base + c]++;
			else if (v < 0)
				rD[base + c]++;
			if (is_mod[c])
				continue;
			ns[base + c]++;
			if (v > 0)
				na[base + c]++;
			else if (v < 0)
				nd[base + c]++;
		}
	}
	if (n_mod)
		for (int g = 0; g < G; g++)
			for (size_t j = 0; j < M; j++)
				if (is_mod[j]) {
					na[(size_t)g * M + j] = nd[(size_t)g * M + j] = 0;
					ns[(size_t)g * M + j] = r->group_sizes[g];
				}
	int32_t nrep = 0;
	for (int g = 0; g < G; g++) {
		for (size_t j = 0; j < M; j++) {
			int64_t ta = 0, td = 0, ts = 0;
			for (int h = 0; h < G; h++) {
				ta += na[(size_t)h * M + j];
				td += nd[(size_t)h * M + j];
				ts += ns[(size_t)h * M + j];
			}
			size_t o = (size_t)g * M + j;
			fill_stat(&st[j], (double)na[o], (double)nd[o], (double)ns[o], (double)(ta - na[o]),
				  (double)(td - nd[o]), (double)(ts - ns[o]));
		}
		r->rep_off[g] = nrep;
		nrep += select_rep(st, X.m, is_mod, suff, r->rep + nrep);
	}
	r->rep_off[G] = nrep;
	double t6 = now_s();
	r->stage_seconds[KY_OPINION_ST_REPNESS] = t6 - t5;

	/* ---- group-aware consensus and comment priorities ---- */
	for (size_t j = 0; j < M; j++) {
		double pa = 1.0, pd = 1.0;
		int64_t A = 0, Dn = 0, S = 0;
		for (int g = 0; g < G; g++) {
			size_t o = (size_t)g * M + j;
			pa *= ((double)rA[o] + 1.0) / ((double)rS[o] + 2.0);
			pd *= ((double)rD[o] + 1.0) / ((double)rS[o] + 2.0);
			A += rA[o];
			Dn += rD[o];
			S += rS[o];
		}
		r->gac_agree[j] = pa;
		r->gac_disagree[j] = pd;
		double Pn = (double)(S - A - Dn);
		double imp = (1 - (Pn + 1.0) / ((double)S + 2.0)) * (r->comment_extremity[j] + 1.0) *
			     (((double)A + 1.0) / ((double)S + 2.0));
		double pr = imp * (1 + 8 * pow(2.0, -(double)S / 5.0));
		r->comment_priority[j] = pr * pr;
	}
	free(gA);
	r->stage_seconds[KY_OPINION_ST_CONSENSUS] = now_s() - t6;
	if (G >= 2)
		r->status = KY_OPINION_OK;
	rc = KY_OK;
done:
	if (r->status != KY_OPINION_OK && !opts->given_groups) {
		/* not enough structure: no groups at all rather than one meaningless group */
		for (size_t i = 0; i < N; i++)
			r->group_assignment[i] = -1;
		r->k = 0;
		r->n_groups = 0;
		free(r->group_sizes);
		free(r->rep);
		free(r->rep_off);
		free(r->gac_agree);
		free(r->gac_disagree);
		r->group_sizes = NULL;
		r->rep = NULL;
		r->rep_off = NULL;
		r->gac_agree = r->gac_disagree = NULL;
	}
out:
	if (rc) {
		ky_opinion_result_free(r);
		r = NULL;
		if (err && errlen && !err[0])
			snprintf(err, errlen, "%s", rc == KY_ERR_NOMEM ? "out of memory" : "computation failed");
	}
	*out = r;
	free(X.rp);
	free(X.col);
	free(X.val);
	free(is_mod);
	free(user_cnt);
	free(proj_cnt);
	free(col_cnt);
	free(c_na);
	free(c_nd);
	free(c_ns);
	free(xv);
	free(inX);
	free(D);
	free(gw);
	free(base_w);
	free(in_idx);
	free(base_lab);
	free(base_group);
	free(gcount);
	free(order);
	free(st);
	free(suff);
	for (int k = 0; k <= KY_OPINION_MAX_K; k++) {
		free(clC[k]);
		free(clLab[k]);
	}
	return rc;
}
