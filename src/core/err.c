/* err.c - names for enum ky_err, used in logs and tests. */
#include "core/err.h"

const char *ky_err_name(enum ky_err e)
{
	switch (e) {
	case KY_OK: return "ok";
	case KY_ERR_NOMEM: return "nomem";
	case KY_ERR_INVALID: return "invalid";
	case KY_ERR_NOT_FOUND: return "not_found";
	case KY_ERR_CONFLICT: return "conflict";
	case KY_ERR_UNAUTHORIZED: return "unauthorized";
	case KY_ERR_FORBIDDEN: return "forbidden";
	case KY_ERR_TOO_LARGE: return "too_large";
	case KY_ERR_RATE_LIMITED: return "rate_limited";
	case KY_ERR_BUSY: return "busy";
	case KY_ERR_DB: return "db";
	case KY_ERR_IO: return "io";
	case KY_ERR_INTERNAL: return "internal";
	}
	return "unknown";
}
