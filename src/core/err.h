/* err.h - the one error enum every fallible kyoso function returns.
 *
 * Errors are mapped to HTTP status codes in exactly one place (src/http/problem.c).
 * Functions return enum ky_err; 0 is success so `if (rc) goto out;` reads naturally. */
#ifndef KY_ERR_H
#define KY_ERR_H

enum ky_err {
	KY_OK = 0,
	KY_ERR_NOMEM,        /* allocation failed or a bounded buffer hit its limit */
	KY_ERR_INVALID,      /* input does not meet the contract */
	KY_ERR_NOT_FOUND,    /* no such row / resource */
	KY_ERR_CONFLICT,     /* unique constraint, state conflict */
	KY_ERR_UNAUTHORIZED, /* not logged in / bad credentials */
	KY_ERR_FORBIDDEN,    /* logged in but not allowed */
	KY_ERR_TOO_LARGE,    /* input beyond a configured bound */
	KY_ERR_RATE_LIMITED, /* too many attempts */
	KY_ERR_BUSY,         /* database busy / serialization failure: retry */
	KY_ERR_DB,           /* any other database failure */
	KY_ERR_IO,           /* file or network I/O */
	KY_ERR_INTERNAL      /* a bug or an impossible state */
};

/* Returns a static, stable, lower-case name such as "not_found". Never NULL. */
const char *ky_err_name(enum ky_err e);

#endif
