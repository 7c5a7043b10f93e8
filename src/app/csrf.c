/* csrf.c - CSRF protection for every state-changing request: a double-submit token (cookie
 * kyoso_csrf echoed in X-CSRF-Token) plus an Origin check. A cross-site page can neither read the
 * cookie nor set the header, and browsers send Origin on cross-site POSTs. */
#include <string.h>

#include "app/app.h"
#include "auth/crypto.h"

bool ky_csrf_ok(struct ky_req *req)
{
	const char *origin = ky_req_header(req, "Origin");
	if (origin) {
		const char *host = ky_req_header(req, "Host");
		if (!host)
			return false;
		const char *o = origin;
		if (!strncmp(o, "http://", 7))
			o += 7;
		else if (!strncmp(o, "https://", 8))
			o += 8;
		else
			return false; /* "null" and other schemes */
		if (strcmp(o, host) != 0)
			return false;
	}
	const char *cookie = ky_req_cookie(req, "kyoso_csrf");
	const char *hdr = ky_req_header(req, "X-CSRF-Token");
	if (!cookie || !hdr || strlen(cookie) != KY_TOKEN_CHARS)
		return false;
	return ky_secure_eq(cookie, hdr);
}
