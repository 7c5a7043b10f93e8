/* resp.c - building responses into the request arena. */
#include <stdio.h>
#include <string.h>

#include "http/http.h"

void ky_resp_header(struct ky_req *req, struct ky_resp *resp, const char *name, const char *value)
{
	struct ky_header *h = ky_arena_alloc(req->arena, sizeof(*h));
	if (!h)
		return;
	h->name = name;
	h->value = value;
	h->next = resp->headers;
	resp->headers = h;
}

void ky_resp_text(struct ky_req *req, struct ky_resp *resp, int status, const char *ctype, const char *body)
{
	(void)req;
	resp->status = status;
	resp->content_type = ctype;
	resp->body = body;
	resp->body_len = strlen(body);
}

void ky_resp_empty(struct ky_req *req, struct ky_resp *resp, int status)
{
	(void)req;
	resp->status = status;
	resp->content_type = NULL;
	resp->body = "";
	resp->body_len = 0;
}

void ky_resp_json(struct ky_req *req, struct ky_resp *resp, int status, json_t *j)
{
	if (!j) {
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		return;
	}
	size_t n = json_dumpb(j, NULL, 0, JSON_COMPACT);
	char *buf = n ? ky_arena_alloc(req->arena, n + 1) : NULL;
	if (!buf || json_dumpb(j, buf, n, JSON_COMPACT) != n) {
		json_decref(j);
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		return;
	}
	buf[n] = '\0';
	json_decref(j);
	resp->status = status;
	resp->content_type = "application/json; charset=utf-8";
	resp->body = buf;
	resp->body_len = n;
}

void ky_resp_cookie(struct ky_req *req, struct ky_resp *resp, const char *name, const char *value,
		    long max_age, bool http_only)
{
	char age[48] = "";
	if (max_age >= 0)
		snprintf(age, sizeof(age), "; Max-Age=%ld", max_age);
	const char *v = ky_arena_printf(req->arena, "%s=%s; Path=/; SameSite=Lax%s%s%s", name,
					max_age == 0 ? "" : value, age, http_only ? "; HttpOnly" : "",
					req->secure ? "; Secure" : "");
	if (v)
		ky_resp_header(req, resp, "Set-Cookie", v);
}
