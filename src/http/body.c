/* body.c - strict JSON request bodies: one place decides what a valid body is, and every refusal
 * says what to fix, naming the field, in the user's language. */
#include <ctype.h>
#include <string.h>

#include "http/http.h"

static bool ctype_is_json(const char *ct)
{
	if (!ct)
		return false;
	size_t n = strlen("application/json");
	return strncasecmp(ct, "application/json", n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static bool email_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 3 || n > 254)
		return false;
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@') || (size_t)(at - s) > 64)
		return false;
	const char *dom = at + 1;
	if (!*dom || !strchr(dom, '.') || dom[0] == '.' || s[n - 1] == '.' || strstr(dom, ".."))
		return false;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= 0x20 || c >= 0x7f || strchr("()<>,;:\\\"[]", c))
			return false;
	}
	return true;
}

static void field_problem(struct ky_req *req, struct ky_resp *resp, const char *field, const char *ja,
			  const char *en)
{
	const char *dja = ky_arena_printf(req->arena, "%s: %s", field, ja);
	const char *den = ky_arena_printf(req->arena, "%s: %s", field, en);
	ky_problem(req, resp, 400, "validation", field, dja, den);
}

json_t *ky_body_json(struct ky_req *req, struct ky_resp *resp, const struct ky_field *fields, size_t n)
{
	json_t *obj = NULL;
	if (req->body_len == 0) {
		obj = json_object();
	} else {
		if (!ctype_is_json(ky_req_header(req, "Content-Type"))) {
			ky_problem(req, resp, 415, "unsupported_media_type", NULL, NULL, NULL);
			return NULL;
		}
		if (!ky_utf8_valid(req->body, req->body_len)) {
			ky_problem(req, resp, 400, "bad_json", NULL, "本文に UTF-8 として不正なバイト列が含まれています",
				   "The body contains bytes that are not valid UTF-8");
			return NULL;
		}
		json_error_t e;
		obj = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &e);
		if (!obj) {
			bool dup = strstr(e.text, "duplicate") != NULL;
			const char *ja = ky_arena_printf(req->arena, "%s（%d 行目 %d 文字目）",
							 dup ? "同じ名前の項目が重複しています" : "JSON の構文に誤りがあります",
							 e.line, e.column);
			const char *en = ky_arena_printf(req->arena, "%s at line %d, column %d",
							 dup ? "Duplicate key" : "JSON syntax error", e.line, e.column);
			ky_problem(req, resp, 400, "bad_json", NULL, ja, en);
			return NULL;
		}
		if (!json_is_object(obj)) {
			json_decref(obj);
			ky_problem(req, resp, 400, "bad_json", NULL, "本文は JSON オブジェクト {…} にしてください",
				   "The body must be a JSON object {...}");
			return NULL;
		}
	}
	if (!obj) {
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		return NULL;
	}
	const char *key;
	json_t *val;
	json_object_foreach(obj, key, val)
	{
		bool known = false;
		for (size_t i = 0; i < n; i++)
			if (strcmp(fields[i].name, key) == 0)
				known = true;
		if (!known) {
			const char *k = ky_arena_strdup(req->arena, key);
			field_problem(req, resp, k ? k : "?", "この項目は受け付けていません", "unknown field");
			json_decref(obj);
			return NULL;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct ky_field *f = &fields[i];
		json_t *v = json_object_get(obj, f->name);
		if (v && json_is_null(v)) {
			field_problem(req, resp, f->name, "null は指定できません（項目ごと省略してください）",
				      "must not be null (leave the field out instead)");
			goto bad;
		}
		if (!v) {
			if (f->required) {
				field_problem(req, resp, f->name, "必須項目です", "this field is required");
				json_decref(obj);
				return NULL;
			}
			continue;
		}
		switch (f->type) {
		case KY_FT_STRING:
		case KY_FT_EMAIL:
		case KY_FT_PASSWORD: {
			if (!json_is_string(v)) {
				field_problem(req, resp, f->name, "文字列で指定してください", "must be a string");
				goto bad;
			}
			const char *s = json_string_value(v);
			size_t bytes = json_string_length(v);
			size_t chars = ky_utf8_len(s, bytes);
			if (f->type == KY_FT_EMAIL && !email_ok(s)) {
				field_problem(req, resp, f->name, "メールアドレスの形式が正しくありません",
					      "is not a valid e-mail address");
				goto bad;
			}
			if ((int64_t)chars < f->min || (f->max && (int64_t)chars > f->max)) {
				const char *ja = ky_arena_printf(req->arena, "%lld〜%lld 文字で入力してください",
								 (long long)f->min, (long long)f->max);
				const char *en = ky_arena_printf(req->arena, "must be %lld to %lld characters long",
								 (long long)f->min, (long long)f->max);
				field_problem(req, resp, f->name, ja ? ja : "", en ? en : "");
				goto bad;
			}
			if (f->type == KY_FT_STRING) {
				for (size_t k = 0; k < bytes; k++) {
					unsigned char c = (unsigned char)s[k];
					if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f) {
						field_problem(req, resp, f->name, "使えない制御文字が含まれています",
							      "contains control characters");
						goto bad;
					}
				}
			}
			break;
		}
		case KY_FT_INT: {
			if (!json_is_integer(v)) {
				field_problem(req, resp, f->name, "整数で指定してください", "must be an integer");
				goto bad;
			}
			json_int_t iv = json_integer_value(v);
			if (iv < f->min || iv > f->max) {
				const char *ja = ky_arena_printf(req->arena, "%lld〜%lld の範囲で指定してください",
								 (long long)f->min, (long long)f->max);
				const char *en = ky_arena_printf(req->arena, "must be between %lld and %lld",
								 (long long)f->min, (long long)f->max);
				field_problem(req, resp, f->name, ja ? ja : "", en ? en : "");
				goto bad;
			}
			break;
		}
		case KY_FT_BOOL:
			if (!json_is_boolean(v)) {
				field_problem(req, resp, f->name, "true か false で指定してください", "must be true or false");
				goto bad;
			}
			break;
		}
	}
	return obj;
bad:
	json_decref(obj);
	return NULL;
}

const char *ky_json_str(json_t *obj, const char *name)
{
	json_t *v = json_object_get(obj, name);
	return json_is_string(v) ? json_string_value(v) : NULL;
}
