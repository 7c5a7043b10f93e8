/* problem.c - RFC 9457 problem details in the user's language, and the one mapping from
 * enum ky_err to HTTP status. */
#include <string.h>

#include "http/http.h"

struct problem_def {
	const char *code;
	int status;
	const char *ja, *en;
};

static const struct problem_def catalogue[] = {
	{"validation", 400, "入力内容に誤りがあります", "The input is not valid"},
	{"bad_json", 400, "JSON の形式が正しくありません", "The request body is not valid JSON"},
	{"bad_request", 400, "リクエストが正しくありません", "The request is not valid"},
	{"bad_token", 400, "リンクが無効か、有効期限が切れています", "The link is invalid or has expired"},
	{"unauthenticated", 401, "ログインが必要です", "You need to log in"},
	{"bad_credentials", 401, "メールアドレスまたはパスワードが違います", "Wrong e-mail address or password"},
	{"bad_password", 403, "現在のパスワードが違います", "The current password is wrong"},
	{"forbidden", 403, "権限がありません", "You do not have permission to do this"},
	{"csrf", 403, "画面を再読み込みしてからもう一度お試しください",
	 "Please reload the page and try again (missing or invalid CSRF token)"},
	{"email_unverified", 403, "メールアドレスの確認が必要です", "Please verify your e-mail address first"},
	{"not_found", 404, "見つかりません", "Not found"},
	{"user_not_found", 404, "そのメールアドレスの利用者は登録されていません", "No user with that e-mail address"},
	{"method_not_allowed", 405, "この操作はできません", "Method not allowed"},
	{"conflict", 409, "ほかの操作と競合しました", "The request conflicts with the current state"},
	{"email_taken", 409, "このメールアドレスは既に登録されています", "This e-mail address is already registered"},
	{"too_large", 413, "送信された内容が大きすぎます", "The request body is too large"},
	{"unsupported_media_type", 415, "Content-Type は application/json にしてください",
	 "Send Content-Type: application/json"},
	{"rate_limited", 429, "試行回数が多すぎます", "Too many attempts"},
	{"internal", 500, "サーバーで問題が起きました", "Something went wrong on the server"},
	{"unavailable", 503, "ただいま利用できません", "The service is temporarily unavailable"},
};

int ky_err_status(enum ky_err rc)
{
	switch (rc) {
	case KY_OK: return 200;
	case KY_ERR_INVALID: return 400;
	case KY_ERR_UNAUTHORIZED: return 401;
	case KY_ERR_FORBIDDEN: return 403;
	case KY_ERR_NOT_FOUND: return 404;
	case KY_ERR_CONFLICT: return 409;
	case KY_ERR_TOO_LARGE: return 413;
	case KY_ERR_RATE_LIMITED: return 429;
	case KY_ERR_BUSY: return 503;
	case KY_ERR_NOMEM:
	case KY_ERR_DB:
	case KY_ERR_IO:
	case KY_ERR_INTERNAL: return 500;
	}
	return 500;
}

static const char *err_code(enum ky_err rc)
{
	switch (rc) {
	case KY_ERR_INVALID: return "validation";
	case KY_ERR_UNAUTHORIZED: return "unauthenticated";
	case KY_ERR_FORBIDDEN: return "forbidden";
	case KY_ERR_NOT_FOUND: return "not_found";
	case KY_ERR_CONFLICT: return "conflict";
	case KY_ERR_TOO_LARGE: return "too_large";
	case KY_ERR_RATE_LIMITED: return "rate_limited";
	case KY_ERR_BUSY: return "unavailable";
	default: return "internal";
	}
}

void ky_problem(struct ky_req *req, struct ky_resp *resp, int status, const char *code, const char *field,
		const char *detail_ja, const char *detail_en)
{
	const struct problem_def *d = NULL;
	for (size_t i = 0; i < KY_COUNT(catalogue); i++)
		if (strcmp(catalogue[i].code, code) == 0)
			d = &catalogue[i];
	bool en = req->lang && strcmp(req->lang, "en") == 0;
	const char *title = d ? (en ? d->en : d->ja) : (en ? "Error" : "エラー");
	const char *detail = en ? detail_en : detail_ja;
	if (!detail)
		detail = title;
	json_t *j = json_object();
	if (j) {
		char type[96];
		snprintf(type, sizeof(type), "urn:kyoso:problem:%s", code);
		json_object_set_new(j, "type", json_string(type));
		json_object_set_new(j, "title", json_string(title));
		json_object_set_new(j, "status", json_integer(status));
		json_object_set_new(j, "detail", json_string(detail));
		json_object_set_new(j, "code", json_string(code));
		if (field)
			json_object_set_new(j, "field", json_string(field));
		if (req->path)
			json_object_set_new(j, "instance", json_string(req->path));
	}
	size_t n = j ? json_dumpb(j, NULL, 0, JSON_COMPACT) : 0;
	char *buf = n ? ky_arena_alloc(req->arena, n + 1) : NULL;
	if (buf && json_dumpb(j, buf, n, JSON_COMPACT) == n) {
		buf[n] = '\0';
		resp->body = buf;
		resp->body_len = n;
	} else {
		resp->body = "{\"type\":\"urn:kyoso:problem:internal\",\"title\":\"Error\",\"status\":500,"
			     "\"code\":\"internal\"}";
		resp->body_len = strlen(resp->body);
		status = 500;
	}
	json_decref(j);
	resp->status = status;
	resp->content_type = "application/problem+json; charset=utf-8";
}

void ky_problem_err(struct ky_req *req, struct ky_resp *resp, enum ky_err rc)
{
	const char *code = err_code(rc);
	ky_problem(req, resp, ky_err_status(rc), code, NULL, NULL, NULL);
}
