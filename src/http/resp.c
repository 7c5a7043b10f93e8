/* resp.c - building responses into the request arena. */
#include <stdio.h>
#include <string.h>

#include "core/jsonw.h"
#include "http/http.h"

static int dump_cb(const char *buf, size_t size, void *data)
{
	return ky_buf_append(data, buf, size) == KY_OK ? 0 : -1;
}

void ky_resp_jw(struct ky_req *req, struct ky_resp *resp, int status, struct ky_jw *w)
{
	char *body = w->err ? NULL : ky_arena_strndup(req->arena, w->b.data ? w->b.data : "", w->b.len);
	if (!body) {
		ky_problem_err(req, resp, w->err == KY_ERR_TOO_LARGE ? KY_ERR_TOO_LARGE : KY_ERR_NOMEM);
		return;
	}
	resp->status = status;
	resp->content_type = "application/json; charset=utf-8";
	resp->body = body;
	resp->body_len = w->b.len;
}

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
	/* One serialisation pass (json_dumpb would need two: size, then bytes). */
	struct ky_buf b;
	ky_buf_init(&b, 256u << 20);
	int drc = json_dump_callback(j, dump_cb, &b, JSON_COMPACT);
	json_decref(j);
	size_t n = b.len;
	char *buf = drc == 0 ? ky_arena_strndup(req->arena, b.data ? b.data : "", n) : NULL;
	ky_buf_free(&b);
	if (!buf) {
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		return;
	}
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

void ky_resp_defer(struct ky_resp *resp, void (*start)(struct ky_defer *d, void *arg), void *arg)
{
	resp->defer_start = start;
	resp->defer_arg = arg;
}
