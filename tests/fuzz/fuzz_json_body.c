/* fuzz_json_body.c - libFuzzer target for ky_body_json (src/http/body.c) and the problem
 * documents it writes (src/http/problem.c).
 *
 * Input byte 0 picks the Content-Type and the language; the rest is the body. Either the body is
 * accepted, and then it is an object that satisfies the field table exactly, or a 4xx/5xx
 * problem+json is written whose JSON is well-formed and agrees with the response status. */
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "http/http.h"

static const struct ky_field fields[] = {
	{"email", KY_FT_EMAIL, true, 3, 254},
	{"password", KY_FT_PASSWORD, false, 10, 256},
	{"display_name", KY_FT_STRING, false, 1, 50},
	{"lang", KY_FT_STRING, false, 2, 2},
	{"days", KY_FT_INT, false, 1, 365},
	{"public", KY_FT_BOOL, false, 0, 0},
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static const char *ctypes[] = {"application/json", "application/json; charset=utf-8", NULL, "text/plain"};
static const char *g_ctype;

static const char *header(void *conn, const char *name)
{
	(void)conn;
	return strcasecmp(name, "Content-Type") == 0 ? g_ctype : NULL;
}

static void check_accepted(json_t *obj)
{
	FUZZ_CHECK(json_is_object(obj));
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		bool known = false;
		for (size_t i = 0; i < NFIELDS; i++)
			known |= strcmp(fields[i].name, key) == 0;
		FUZZ_CHECK(known);
	}
	for (size_t i = 0; i < NFIELDS; i++) {
		const struct ky_field *f = &fields[i];
		v = json_object_get(obj, f->name);
		if (!v || json_is_null(v)) {
			FUZZ_CHECK(!f->required);
			continue;
		}
		switch (f->type) {
		case KY_FT_STRING:
		case KY_FT_EMAIL:
		case KY_FT_PASSWORD: {
			FUZZ_CHECK(json_is_string(v));
			const char *s = json_string_value(v);
			size_t n = json_string_length(v);
			FUZZ_CHECK(strlen(s) == n); /* no NUL inside */
			FUZZ_CHECK(ky_utf8_valid(s, n));
			size_t chars = ky_utf8_len(s, n);
			FUZZ_CHECK((int64_t)chars >= f->min && (f->max == 0 || (int64_t)chars <= f->max));
			if (f->type == KY_FT_EMAIL)
				FUZZ_CHECK(strchr(s, '@') != NULL);
			break;
		}
		case KY_FT_INT:
			FUZZ_CHECK(json_is_integer(v));
			FUZZ_CHECK(json_integer_value(v) >= f->min && json_integer_value(v) <= f->max);
			break;
		case KY_FT_BOOL:
			FUZZ_CHECK(json_is_boolean(v));
			break;
		}
	}
}

static void check_problem(const struct ky_resp *resp)
{
	FUZZ_CHECK(resp->status == 400 || resp->status == 415 || resp->status == 500);
	FUZZ_CHECK(resp->content_type && strncmp(resp->content_type, "application/problem+json", 24) == 0);
	FUZZ_CHECK(resp->body != NULL && strlen(resp->body) == resp->body_len);
	json_t *p = json_loadb(resp->body, resp->body_len, JSON_REJECT_DUPLICATES, NULL);
	FUZZ_CHECK(p != NULL && json_is_object(p));
	FUZZ_CHECK(json_integer_value(json_object_get(p, "status")) == resp->status);
	FUZZ_CHECK(json_is_string(json_object_get(p, "code")));
	FUZZ_CHECK(json_is_string(json_object_get(p, "title")));
	json_t *field = json_object_get(p, "field");
	FUZZ_CHECK(field == NULL || json_is_string(field));
	json_decref(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	g_ctype = ctypes[data[0] & 3];
	char *body = malloc(size);
	FUZZ_CHECK(body != NULL);
	memcpy(body, data + 1, size - 1);
	body[size - 1] = '\0';

	struct ky_req req;
	struct ky_resp resp;
	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	resp.fd = -1;
	req.arena = ky_arena_new(1 << 20);
	FUZZ_CHECK(req.arena != NULL);
	req.method = "POST";
	req.path = "/api/v1/fuzz";
	req.lang = (data[0] & 4) ? "en" : "ja";
	req.header_fn = header;
	req.body = body;
	req.body_len = size - 1;

	json_t *obj = ky_body_json(&req, &resp, fields, NFIELDS);
	if (obj) {
		FUZZ_CHECK(resp.body == NULL && resp.status == 0);
		check_accepted(obj);
		json_decref(obj);
	} else {
		check_problem(&resp);
	}
	ky_arena_free(req.arena);
	free(body);
	return 0;
}
