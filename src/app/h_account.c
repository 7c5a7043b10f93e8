/* h_account.c - accounts: register, e-mail verification, login/logout, password reset, the
 * user's own profile, sessions, export and deletion. Every change and its audit entry commit in
 * one transaction; slow Argon2 hashing happens before the transaction starts. */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "auth/crypto.h"
#include "core/log.h"
#include "core/time.h"

#define PW_MIN 10
#define PW_MAX 256

static bool pw_hash(struct ky_req *req, struct ky_resp *resp, const char *pw, char out[KY_PWHASH_MAX])
{
	const struct ky_config *c = &req->app->cfg;
	if (ky_password_hash(pw, c->password_opslimit, c->password_memlimit_kib, out) != KY_OK) {
		ky_problem(req, resp, 503, "unavailable", NULL, "しばらくしてからもう一度お試しください",
			   "Please try again in a moment");
		return false;
	}
	return true;
}

static bool pw_not_email(struct ky_req *req, struct ky_resp *resp, const char *field, const char *pw, const char *email)
{
	if (email && strcasecmp(pw, email) == 0) {
		ky_problem(req, resp, 400, "validation", field, "パスワードにメールアドレスは使えません",
			   "The password must not be your e-mail address");
		return false;
	}
	return true;
}

/* Creates a single-use link token and mails it. kind: verify_email | password_reset. */
static enum ky_err send_link(struct ky_req *req, int64_t user_id, const char *email, const char *kind, const char *lang)
{
	char tok[KY_TOKEN_CHARS + 1], h[KY_HASH_HEX + 1];
	ky_token_new(tok);
	ky_hash_hex("link", tok, strlen(tok), h);
	int64_t now = ky_now_ms();
	enum ky_err rc = KY_EXEC(req->db,
				 "INSERT INTO tokens (token_hash, kind, user_id, email, created_at, expires_at)"
				 " VALUES (?, ?, ?, ?, ?, ?)",
				 NULL, KY_VTEXT(h), KY_VTEXT(kind), KY_VINT(user_id), KY_VTEXT(email), KY_VINT(now),
				 KY_VINT(now + req->app->cfg.token_ttl_seconds * 1000));
	if (rc)
		return rc;
	bool en = lang && !strcmp(lang, "en");
	int64_t hours = req->app->cfg.token_ttl_seconds / 3600;
	const char *base = req->app->base_url;
	const char *subject, *body;
	if (!strcmp(kind, "verify_email")) {
		subject = en ? "[kyoso] Please confirm your e-mail address" : "【kyoso】メールアドレスの確認のお願い";
		body = en ? ky_arena_printf(req->arena,
					    "Thank you for using kyoso.\n\nPlease open this link to confirm your e-mail "
					    "address:\n%s/verify-email?token=%s\n\nThe link is valid for %" PRId64
					    " hours. If you did not ask for this, you can ignore this mail.\n",
					    base, tok, hours)
			  : ky_arena_printf(req->arena,
					    "kyoso をご利用いただきありがとうございます。\n\n次のリンクを開いて、メールアドレスの確認を"
					    "完了してください。\n%s/verify-email?token=%s\n\nこのリンクの有効期限は %" PRId64
					    " 時間です。お心当たりのない場合は、このメールを破棄してください。\n",
					    base, tok, hours);
	} else {
		subject = en ? "[kyoso] Reset your password" : "【kyoso】パスワード再設定のご案内";
		body = en ? ky_arena_printf(req->arena,
					    "We received a request to reset your kyoso password.\n\nOpen this link to choose a "
					    "new password:\n%s/password-reset/confirm?token=%s\n\nThe link is valid for %" PRId64
					    " hours. If you did not ask for this, ignore this mail: your password stays as it is.\n",
					    base, tok, hours)
			  : ky_arena_printf(req->arena,
					    "kyoso のパスワード再設定のお申し込みを受け付けました。\n\n次のリンクを開いて、新しい"
					    "パスワードを設定してください。\n%s/password-reset/confirm?token=%s\n\nこのリンクの"
					    "有効期限は %" PRId64 " 時間です。お心当たりのない場合は、このメールを破棄してください"
					    "（パスワードは変更されません）。\n",
					    base, tok, hours);
	}
	if (!body)
		return KY_ERR_NOMEM;
	return ky_mail_send(req, email, subject, body);
}

static const char *target_user(struct ky_req *req, int64_t id)
{
	return ky_arena_printf(req->arena, "user#%" PRId64, id);
}

/* Finds an unused, unexpired link token; returns user id and the address it was sent to. */
static enum ky_err take_token(struct ky_req *req, const char *tok, const char *kind, int64_t *uid, const char **email)
{
	char h[KY_HASH_HEX + 1];
	ky_hash_hex("link", tok, strlen(tok), h);
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT t.id, t.user_id, t.email FROM tokens t JOIN users u ON u.id = t.user_id"
				  " WHERE t.token_hash = ? AND t.kind = ? AND t.used_at IS NULL AND t.expires_at > ?"
				  " AND u.deleted_at IS NULL AND u.email = t.email",
				  &r, KY_VTEXT(h), KY_VTEXT(kind), KY_VINT(ky_now_ms()));
	if (rc)
		return rc;
	if (ky_rows_next(r) != 1) {
		ky_rows_free(r);
		return KY_ERR_NOT_FOUND;
	}
	int64_t tid = ky_rows_int(r, 0);
	*uid = ky_rows_int(r, 1);
	*email = ky_arena_strdup(req->arena, ky_rows_text(r, 2));
	ky_rows_free(r);
	int64_t n = 0;
	rc = KY_EXEC(req->db, "UPDATE tokens SET used_at = ? WHERE id = ? AND used_at IS NULL", &n,
		     KY_VINT(ky_now_ms()), KY_VINT(tid));
	if (!rc && n != 1)
		rc = KY_ERR_NOT_FOUND; /* used concurrently */
	return rc;
}

static void fail(struct ky_req *req, struct ky_resp *resp, enum ky_err rc)
{
	ky_db_rollback(req->db);
	if (rc == KY_ERR_NOT_FOUND)
		ky_problem(req, resp, 400, "bad_token", "token", NULL, NULL);
	else
		ky_problem_err(req, resp, rc);
}

/* Ends the request's transaction: on error rolls back and writes the problem (a missing link
 * token reads as bad_token), otherwise commits. True when the change is committed. */
static bool tx_end(struct ky_req *req, struct ky_resp *resp, enum ky_err rc)
{
	if (rc) {
		fail(req, resp, rc);
		return false;
	}
	return ky_tx_commit(req, resp) == KY_OK;
}

void ky_h_csrf(struct ky_req *req, struct ky_resp *resp)
{
	const char *tok = ky_req_cookie(req, "kyoso_csrf");
	char fresh[KY_TOKEN_CHARS + 1];
	if (!tok || strlen(tok) != KY_TOKEN_CHARS) {
		ky_token_new(fresh);
		tok = ky_arena_strdup(req->arena, fresh);
		ky_resp_cookie(req, resp, "kyoso_csrf", tok, 60L * 60 * 24 * 365, false);
	}
	ky_resp_json(req, resp, 200, json_pack("{s:s}", "csrf_token", tok));
}

void ky_h_register(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {
		{"email", KY_FT_EMAIL, true, 3, 254},
		{"password", KY_FT_PASSWORD, true, PW_MIN, PW_MAX},
		{"display_name", KY_FT_STRING, true, 1, 50},
		{"lang", KY_FT_STRING, false, 2, 2},
	};
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	const char *email = ky_lower(req->arena, ky_json_str(b, "email"));
	const char *pw = ky_json_str(b, "password");
	const char *name = ky_json_str(b, "display_name");
	const char *lang = ky_json_str(b, "lang") ? ky_json_str(b, "lang") : req->lang;
	char hash[KY_PWHASH_MAX];
	int64_t retry = 0, uid = 0;
	enum ky_err rc;
	if (strcmp(lang, "ja") && strcmp(lang, "en")) {
		ky_problem(req, resp, 400, "validation", "lang", "lang は ja か en にしてください", "lang must be ja or en");
		goto out;
	}
	if (!pw_not_email(req, resp, "password", pw, email))
		goto out;
	char key[96];
	snprintf(key, sizeof(key), "register:ip:%s", req->client_ip);
	rc = ky_rate_limit(req, key, req->app->cfg.register_max_per_ip, false, &retry);
	if (rc == KY_ERR_RATE_LIMITED) {
		ky_rate_problem(req, resp, retry);
		goto out;
	}
	if (!pw_hash(req, resp, pw, hash))
		goto out;
	if (ky_tx_begin(req, resp))
		goto out;
	struct ky_rows *r = NULL;
	rc = KY_QUERY(req->db,
		      "INSERT INTO users (email, email_verified, password_hash, display_name, lang, created_at)"
		      " VALUES (?, 0, ?, ?, ?, ?) RETURNING id",
		      &r, KY_VTEXT(email), KY_VTEXT(hash), KY_VTEXT(name), KY_VTEXT(lang), KY_VINT(ky_now_ms()));
	if (!rc) {
		if (ky_rows_next(r) == 1)
			uid = ky_rows_int(r, 0);
		else
			rc = KY_ERR_DB;
		ky_rows_free(r);
	}
	if (rc == KY_ERR_CONFLICT) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 409, "email_taken", "email", NULL, NULL);
		goto out;
	}
	if (!rc)
		rc = send_link(req, uid, email, "verify_email", lang);
	if (!rc) {
		struct ky_audit_entry e = {.actor_id = uid, .action = "user.register", .target = target_user(req, uid)};
		rc = ky_audit_append(req->db, &e, NULL);
	}
	if (!rc)
		rc = ky_session_create(req, resp, uid);
	if (!tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 201, ky_user_json(req, uid));
out:
	json_decref(b);
}

void ky_h_verify_email(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {{"token", KY_FT_STRING, true, 1, 100}};
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	int64_t uid = 0;
	const char *email = NULL;
	if (ky_tx_begin(req, resp))
		goto out;
	enum ky_err rc = take_token(req, ky_json_str(b, "token"), "verify_email", &uid, &email);
	if (!rc)
		rc = KY_EXEC(req->db, "UPDATE users SET email_verified = 1 WHERE id = ?", NULL, KY_VINT(uid));
	if (!rc) {
		struct ky_audit_entry e = {.actor_id = uid, .action = "user.verify_email", .target = target_user(req, uid)};
		rc = ky_audit_append(req->db, &e, NULL);
	}
	if (!tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 200, ky_user_json(req, uid));
out:
	json_decref(b);
}

void ky_h_resend_verification(struct ky_req *req, struct ky_resp *resp)
{
	json_t *b = ky_body_json(req, resp, NULL, 0);
	if (!b)
		return;
	json_decref(b);
	struct ky_auth *a = req->auth;
	int64_t retry = 0;
	char key[64];
	snprintf(key, sizeof(key), "resend:%" PRId64, a->user_id);
	if (ky_rate_limit(req, key, 5, false, &retry) == KY_ERR_RATE_LIMITED) {
		ky_rate_problem(req, resp, retry);
		return;
	}
	if (a->email_verified) {
		ky_resp_empty(req, resp, 202);
		return;
	}
	if (ky_tx_begin(req, resp))
		return;
	enum ky_err rc = send_link(req, a->user_id, a->email, "verify_email", a->lang);
	if (!tx_end(req, resp, rc))
		return;
	ky_resp_empty(req, resp, 202);
}

void ky_h_login(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {
		{"email", KY_FT_STRING, true, 1, 254},
		{"password", KY_FT_PASSWORD, true, 1, PW_MAX},
	};
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	const struct ky_config *c = &req->app->cfg;
	const char *email = ky_lower(req->arena, ky_json_str(b, "email"));
	const char *pw = ky_json_str(b, "password");
	char kip[96], kacct[300];
	snprintf(kip, sizeof(kip), "login:ip:%s", req->client_ip);
	snprintf(kacct, sizeof(kacct), "login:acct:%s", email);
	int64_t retry = 0, uid = 0;
	if (ky_rate_limit(req, kip, c->login_max_per_ip, true, &retry) == KY_ERR_RATE_LIMITED ||
	    ky_rate_limit(req, kacct, c->login_max_per_account, true, &retry) == KY_ERR_RATE_LIMITED) {
		ky_rate_problem(req, resp, retry);
		goto out;
	}
	struct ky_rows *r = NULL;
	char *hash = NULL;
	if (KY_QUERY(req->db, "SELECT id, password_hash FROM users WHERE email = ? AND deleted_at IS NULL", &r,
		     KY_VTEXT(email)) != KY_OK) {
		ky_problem_err(req, resp, KY_ERR_DB);
		goto out;
	}
	if (ky_rows_next(r) == 1) {
		uid = ky_rows_int(r, 0);
		hash = ky_arena_strdup(req->arena, ky_rows_text(r, 1));
	}
	ky_rows_free(r);
	bool ok = false;
	if (hash)
		ok = ky_password_verify(hash, pw);
	else
		ky_password_dummy_verify(pw, c->password_opslimit, c->password_memlimit_kib);
	if (!ok) {
		ky_rate_limit(req, kip, c->login_max_per_ip, false, &retry);
		ky_rate_limit(req, kacct, c->login_max_per_account, false, &retry);
		if (uid && ky_db_begin(req->db) == KY_OK) {
			struct ky_audit_entry e = {.action = "user.login_failed", .target = target_user(req, uid)};
			if (ky_audit_append(req->db, &e, NULL) || ky_db_commit(req->db))
				ky_db_rollback(req->db);
		}
		ky_problem(req, resp, 401, "bad_credentials", NULL, NULL, NULL);
		goto out;
	}
	char newhash[KY_PWHASH_MAX] = "";
	if (ky_password_needs_rehash(hash, c->password_opslimit, c->password_memlimit_kib))
		if (ky_password_hash(pw, c->password_opslimit, c->password_memlimit_kib, newhash))
			newhash[0] = '\0';
	if (ky_tx_begin(req, resp))
		goto out;
	enum ky_err rc = KY_OK;
	if (newhash[0])
		rc = KY_EXEC(req->db, "UPDATE users SET password_hash = ? WHERE id = ?", NULL, KY_VTEXT(newhash), KY_VINT(uid));
	if (!rc)
		rc = ky_session_create(req, resp, uid);
	if (!rc) {
		struct ky_audit_entry e = {.actor_id = uid, .action = "user.login", .target = target_user(req, uid)};
		rc = ky_audit_append(req->db, &e, NULL);
	}
	if (!tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 200, ky_user_json(req, uid));
out:
	json_decref(b);
}

void ky_h_logout(struct ky_req *req, struct ky_resp *resp)
{
	json_t *b = ky_body_json(req, resp, NULL, 0);
	if (!b)
		return;
	json_decref(b);
	if (req->auth) {
		if (ky_tx_begin(req, resp))
			return;
		enum ky_err rc = KY_EXEC(req->db, "DELETE FROM sessions WHERE id = ?", NULL, KY_VINT(req->auth->session_id));
		if (!rc)
			rc = ky_audit(req, "user.logout", 0, target_user(req, req->auth->user_id), NULL, false);
		if (rc) {
			fail(req, resp, rc);
			return;
		}
		if (ky_tx_commit(req, resp))
			return;
	}
	ky_session_clear_cookie(req, resp);
	ky_resp_empty(req, resp, 204);
}

void ky_h_password_reset(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {{"email", KY_FT_EMAIL, true, 3, 254}};
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	const char *email = ky_lower(req->arena, ky_json_str(b, "email"));
	int64_t retry = 0, uid = 0;
	char key[96];
	snprintf(key, sizeof(key), "reset:ip:%s", req->client_ip);
	if (ky_rate_limit(req, key, req->app->cfg.register_max_per_ip, false, &retry) == KY_ERR_RATE_LIMITED) {
		ky_rate_problem(req, resp, retry);
		goto out;
	}
	struct ky_rows *r = NULL;
	const char *lang = "ja";
	if (KY_QUERY(req->db, "SELECT id, lang FROM users WHERE email = ? AND deleted_at IS NULL", &r, KY_VTEXT(email))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		goto out;
	}
	if (ky_rows_next(r) == 1) {
		uid = ky_rows_int(r, 0);
		lang = ky_arena_strdup(req->arena, ky_rows_text(r, 1));
	}
	ky_rows_free(r);
	if (uid) {
		if (ky_tx_begin(req, resp))
			goto out;
		enum ky_err rc = send_link(req, uid, email, "password_reset", lang);
		if (!rc) {
			struct ky_audit_entry e = {.action = "user.password_reset_request", .target = target_user(req, uid)};
			rc = ky_audit_append(req->db, &e, NULL);
		}
		if (rc) {
			fail(req, resp, rc);
			goto out;
		}
		if (ky_tx_commit(req, resp))
			goto out;
	}
	/* The same answer whether or not the address is registered. */
	ky_resp_empty(req, resp, 202);
out:
	json_decref(b);
}

void ky_h_password_reset_confirm(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {
		{"token", KY_FT_STRING, true, 1, 100},
		{"password", KY_FT_PASSWORD, true, PW_MIN, PW_MAX},
	};
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	char hash[KY_PWHASH_MAX];
	int64_t uid = 0;
	const char *email = NULL;
	if (!pw_hash(req, resp, ky_json_str(b, "password"), hash))
		goto out;
	if (ky_tx_begin(req, resp))
		goto out;
	enum ky_err rc = take_token(req, ky_json_str(b, "token"), "password_reset", &uid, &email);
	if (!rc && !pw_not_email(req, resp, "password", ky_json_str(b, "password"), email)) {
		ky_db_rollback(req->db);
		goto out;
	}
	/* Following the link proves control of the address, so it counts as verified. */
	if (!rc)
		rc = KY_EXEC(req->db, "UPDATE users SET password_hash = ?, email_verified = 1 WHERE id = ?", NULL,
			     KY_VTEXT(hash), KY_VINT(uid));
	if (!rc)
		rc = KY_EXEC(req->db, "DELETE FROM sessions WHERE user_id = ?", NULL, KY_VINT(uid));
	if (!rc) {
		struct ky_audit_entry e = {.actor_id = uid, .action = "user.password_reset", .target = target_user(req, uid)};
		rc = ky_audit_append(req->db, &e, NULL);
	}
	if (!tx_end(req, resp, rc))
		goto out;
	ky_session_clear_cookie(req, resp);
	ky_resp_empty(req, resp, 204);
out:
	json_decref(b);
}

void ky_h_me(struct ky_req *req, struct ky_resp *resp)
{
	ky_resp_json(req, resp, 200, ky_user_json(req, req->auth->user_id));
}

void ky_h_me_patch(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {
		{"display_name", KY_FT_STRING, false, 1, 50},
		{"lang", KY_FT_STRING, false, 2, 2},
	};
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	const char *name = ky_json_str(b, "display_name"), *lang = ky_json_str(b, "lang");
	if (lang && strcmp(lang, "ja") && strcmp(lang, "en")) {
		ky_problem(req, resp, 400, "validation", "lang", "lang は ja か en にしてください", "lang must be ja or en");
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE users SET display_name = COALESCE(?, display_name), lang = COALESCE(?, lang)"
				 " WHERE id = ?",
				 NULL, KY_VTEXT(name), KY_VTEXT(lang), KY_VINT(req->auth->user_id));
	if (!tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 200, ky_user_json(req, req->auth->user_id));
out:
	json_decref(b);
}

/* Re-authentication for sensitive changes, rate-limited like logins. */
static bool reauth(struct ky_req *req, struct ky_resp *resp, const char *pw)
{
	const struct ky_config *c = &req->app->cfg;
	char key[64];
	int64_t retry = 0;
	snprintf(key, sizeof(key), "reauth:%" PRId64, req->auth->user_id);
	if (ky_rate_limit(req, key, c->login_max_per_account, true, &retry) == KY_ERR_RATE_LIMITED) {
		ky_rate_problem(req, resp, retry);
		return false;
	}
	struct ky_rows *r = NULL;
	char *hash = NULL;
	if (KY_QUERY(req->db, "SELECT password_hash FROM users WHERE id = ?", &r, KY_VINT(req->auth->user_id)) == KY_OK) {
		if (ky_rows_next(r) == 1)
			hash = ky_arena_strdup(req->arena, ky_rows_text(r, 0));
		ky_rows_free(r);
	}
	if (!hash || !ky_password_verify(hash, pw)) {
		ky_rate_limit(req, key, c->login_max_per_account, false, &retry);
		ky_problem(req, resp, 403, "bad_password", "current_password", NULL, NULL);
		return false;
	}
	return true;
}

void ky_h_me_email(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {
		{"current_password", KY_FT_PASSWORD, true, 1, PW_MAX},
		{"new_email", KY_FT_EMAIL, true, 3, 254},
	};
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	struct ky_auth *a = req->auth;
	const char *email = ky_lower(req->arena, ky_json_str(b, "new_email"));
	if (!reauth(req, resp, ky_json_str(b, "current_password")))
		goto out;
	if (ky_tx_begin(req, resp))
		goto out;
	enum ky_err rc = KY_EXEC(req->db, "UPDATE users SET email = ?, email_verified = 0 WHERE id = ?", NULL,
				 KY_VTEXT(email), KY_VINT(a->user_id));
	if (rc == KY_ERR_CONFLICT) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 409, "email_taken", "new_email", NULL, NULL);
		goto out;
	}
	if (!rc)
		rc = send_link(req, a->user_id, email, "verify_email", a->lang);
	if (!rc && a->email) {
		bool en = a->lang && !strcmp(a->lang, "en");
		rc = ky_mail_send(req, a->email, en ? "[kyoso] Your e-mail address was changed" : "【kyoso】メールアドレスが変更されました",
				  en ? "The e-mail address of your kyoso account was changed. If you did not do this, "
				       "reset your password at once and contact the site's administrators.\n"
				     : "kyoso アカウントのメールアドレスが変更されました。お心当たりのない場合は、すぐにパスワードを"
				       "再設定し、運営者にご連絡ください。\n");
	}
	if (!rc)
		rc = ky_audit(req, "user.email_change", 0, target_user(req, a->user_id), NULL, false);
	if (!tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 200, ky_user_json(req, a->user_id));
out:
	json_decref(b);
}

void ky_h_me_password(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {
		{"current_password", KY_FT_PASSWORD, true, 1, PW_MAX},
		{"new_password", KY_FT_PASSWORD, true, PW_MIN, PW_MAX},
	};
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	struct ky_auth *a = req->auth;
	char hash[KY_PWHASH_MAX];
	if (!pw_not_email(req, resp, "new_password", ky_json_str(b, "new_password"), a->email))
		goto out;
	if (!reauth(req, resp, ky_json_str(b, "current_password")))
		goto out;
	if (!pw_hash(req, resp, ky_json_str(b, "new_password"), hash))
		goto out;
	if (ky_tx_begin(req, resp))
		goto out;
	enum ky_err rc = KY_EXEC(req->db, "UPDATE users SET password_hash = ? WHERE id = ?", NULL, KY_VTEXT(hash),
				 KY_VINT(a->user_id));
	if (!rc)
		rc = KY_EXEC(req->db, "DELETE FROM sessions WHERE user_id = ? AND id <> ?", NULL, KY_VINT(a->user_id),
			     KY_VINT(a->session_id));
	if (!rc)
		rc = ky_audit(req, "user.password_change", 0, target_user(req, a->user_id), NULL, false);
	if (!tx_end(req, resp, rc))
		goto out;
	ky_resp_empty(req, resp, 204);
out:
	json_decref(b);
}

void ky_h_sessions(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT id, created_at, last_seen_at, user_agent FROM sessions WHERE user_id = ? ORDER BY last_seen_at DESC",
		     &r, KY_VINT(req->auth->user_id))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_t *items = json_array();
	while (ky_rows_next(r) == 1) {
		int64_t id = ky_rows_int(r, 0);
		json_array_append_new(items, json_pack("{s:I, s:I, s:I, s:s, s:b}", "id", (json_int_t)id, "created_at",
						       (json_int_t)ky_rows_int(r, 1), "last_seen_at",
						       (json_int_t)ky_rows_int(r, 2), "user_agent",
						       ky_rows_text(r, 3) ? ky_rows_text(r, 3) : "", "current",
						       id == req->auth->session_id));
	}
	ky_rows_free(r);
	ky_resp_json(req, resp, 200, json_pack("{s:o}", "items", items));
}

void ky_h_session_delete(struct ky_req *req, struct ky_resp *resp)
{
	int64_t sid;
	if (ky_req_param_id(req, resp, 0, &sid))
		return;
	if (ky_tx_begin(req, resp))
		return;
	int64_t n = 0;
	enum ky_err rc = KY_EXEC(req->db, "DELETE FROM sessions WHERE id = ? AND user_id = ?", &n, KY_VINT(sid),
				 KY_VINT(req->auth->user_id));
	if (!rc && n == 0) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 404, "not_found", NULL, NULL, NULL);
		return;
	}
	if (!rc)
		rc = ky_audit(req, "session.revoke", 0, target_user(req, req->auth->user_id), NULL, false);
	if (!tx_end(req, resp, rc))
		return;
	if (sid == req->auth->session_id)
		ky_session_clear_cookie(req, resp);
	ky_resp_empty(req, resp, 204);
}

void ky_h_sessions_delete_all(struct ky_req *req, struct ky_resp *resp)
{
	if (ky_tx_begin(req, resp))
		return;
	enum ky_err rc = KY_EXEC(req->db, "DELETE FROM sessions WHERE user_id = ?", NULL, KY_VINT(req->auth->user_id));
	if (!rc)
		rc = ky_audit(req, "session.revoke_all", 0, target_user(req, req->auth->user_id), NULL, false);
	if (!tx_end(req, resp, rc))
		return;
	ky_session_clear_cookie(req, resp);
	ky_resp_empty(req, resp, 204);
}

void ky_h_export(struct ky_req *req, struct ky_resp *resp)
{
	int64_t uid = req->auth->user_id;
	json_t *out = json_object();
	json_object_set_new(out, "format", json_string("kyoso-personal-data-export/1"));
	json_object_set_new(out, "exported_at", json_integer(ky_now_ms()));
	json_object_set_new(out, "user", ky_user_json(req, uid));
	struct ky_rows *r = NULL;
	json_t *sess = json_array();
	if (KY_QUERY(req->db, "SELECT created_at, last_seen_at, expires_at, user_agent FROM sessions WHERE user_id = ?", &r,
		     KY_VINT(uid)) == KY_OK) {
		while (ky_rows_next(r) == 1)
			json_array_append_new(sess, json_pack("{s:I, s:I, s:I, s:s}", "created_at", (json_int_t)ky_rows_int(r, 0),
							      "last_seen_at", (json_int_t)ky_rows_int(r, 1), "expires_at",
							      (json_int_t)ky_rows_int(r, 2), "user_agent",
							      ky_rows_text(r, 3) ? ky_rows_text(r, 3) : ""));
		ky_rows_free(r);
	}
	json_object_set_new(out, "sessions", sess);
	json_t *orgs = json_array();
	if (KY_QUERY(req->db,
		     "SELECT o.id, o.name, g.role FROM role_grants g JOIN organizations o ON o.id = g.organization_id"
		     " WHERE g.user_id = ?",
		     &r, KY_VINT(uid)) == KY_OK) {
		while (ky_rows_next(r) == 1)
			json_array_append_new(orgs, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)ky_rows_int(r, 0), "name",
							      ky_rows_text(r, 1), "role", ky_rows_text(r, 2)));
		ky_rows_free(r);
	}
	json_object_set_new(out, "organizations", orgs);
	json_t *acts = json_array();
	if (KY_QUERY(req->db, "SELECT seq, at, action, target FROM audit_log WHERE actor_id = ? ORDER BY seq", &r,
		     KY_VINT(uid)) == KY_OK) {
		while (ky_rows_next(r) == 1)
			json_array_append_new(acts, json_pack("{s:I, s:I, s:s, s:s}", "seq", (json_int_t)ky_rows_int(r, 0), "at",
							      (json_int_t)ky_rows_int(r, 1), "action", ky_rows_text(r, 2),
							      "target", ky_rows_text(r, 3) ? ky_rows_text(r, 3) : ""));
		ky_rows_free(r);
	}
	json_object_set_new(out, "activity", acts);
	/* Everything else the person contributed or keeps in kyoso. Column kinds: 'i' integer,
	 * 's' text; names in `names`, space-separated, in SELECT order. */
	static const struct {
		const char *key, *names, *kinds, *sql;
	} own[] = {
		{"ideas", "id theme_id title body state created_at", "iissii",
		 "SELECT id, theme_id, title, body, state, created_at FROM delib_ideas WHERE author_id = ? ORDER BY id"},
		{"comments", "id target_kind target_id stance body created_at", "isissi",
		 "SELECT id, target_kind, target_id, stance, body, created_at FROM delib_comments"
		 " WHERE author_id = ? AND deleted_at IS NULL ORDER BY id"},
		{"supports", "idea_id created_at", "ii",
		 "SELECT idea_id, created_at FROM delib_supports WHERE user_id = ? ORDER BY created_at"},
		{"follows", "target_kind target_id created_at", "sii",
		 "SELECT target_kind, target_id, created_at FROM follows WHERE user_id = ? ORDER BY created_at"},
		{"notifications", "kind title url created_at read_at", "sssii",
		 "SELECT kind, title, url, created_at, read_at FROM notifications WHERE user_id = ? ORDER BY id"},
		{"reports", "content_kind content_id reason status created_at", "sissi",
		 "SELECT content_kind, content_id, reason, status, created_at FROM moderation_reports"
		 " WHERE reporter_id = ? ORDER BY id"},
	};
	for (size_t t = 0; t < KY_COUNT(own); t++) {
		json_t *arr = json_array();
		if (KY_QUERY(req->db, own[t].sql, &r, KY_VINT(uid)) == KY_OK) {
			while (ky_rows_next(r) == 1) {
				json_t *row = json_object();
				const char *c = own[t].names;
				for (int i = 0; own[t].kinds[i]; i++) {
					size_t n = strcspn(c, " ");
					char name[32];
					snprintf(name, sizeof(name), "%.*s", (int)n, c);
					c += n + (c[n] == ' ');
					json_t *v = ky_rows_isnull(r, i)     ? json_null()
						    : own[t].kinds[i] == 'i' ? json_integer(ky_rows_int(r, i))
									     : json_string(ky_rows_text(r, i));
					json_object_set_new(row, name, v);
				}
				json_array_append_new(arr, row);
			}
			ky_rows_free(r);
		}
		json_object_set_new(out, own[t].key, arr);
	}
	ky_resp_header(req, resp, "Content-Disposition",
		       ky_arena_printf(req->arena, "attachment; filename=\"kyoso-export-%" PRId64 ".json\"", uid));
	ky_resp_json(req, resp, 200, out);
}

void ky_h_me_delete(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {{"current_password", KY_FT_PASSWORD, true, 1, PW_MAX}};
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	struct ky_auth *a = req->auth;
	if (!reauth(req, resp, ky_json_str(b, "current_password")))
		goto out;
	if (ky_tx_begin(req, resp))
		goto out;
	/* Personal data goes; the row stays so public contributions keep an author ("退会したユーザー"). */
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE users SET email = NULL, password_hash = NULL, display_name = NULL,"
				 " email_verified = 0, deleted_at = ? WHERE id = ?",
				 NULL, KY_VINT(ky_now_ms()), KY_VINT(a->user_id));
	if (!rc)
		rc = KY_EXEC(req->db, "DELETE FROM sessions WHERE user_id = ?", NULL, KY_VINT(a->user_id));
	if (!rc)
		rc = KY_EXEC(req->db, "DELETE FROM tokens WHERE user_id = ?", NULL, KY_VINT(a->user_id));
	if (!rc)
		rc = KY_EXEC(req->db, "DELETE FROM role_grants WHERE user_id = ?", NULL, KY_VINT(a->user_id));
	if (!rc && a->email)
		rc = KY_EXEC(req->db, "DELETE FROM outbox WHERE to_addr = ?", NULL, KY_VTEXT(a->email));
	if (!rc)
		rc = ky_audit(req, "user.delete", 0, target_user(req, a->user_id), NULL, false);
	if (!tx_end(req, resp, rc))
		goto out;
	ky_session_clear_cookie(req, resp);
	ky_resp_empty(req, resp, 204);
out:
	json_decref(b);
}

void ky_h_dev_outbox(struct ky_req *req, struct ky_resp *resp)
{
	if (strcmp(req->app->cfg.mail_mode, "outbox") != 0) {
		ky_problem(req, resp, 404, "not_found", NULL, NULL, NULL);
		return;
	}
	const char *to = ky_req_query(req, "to");
	struct ky_rows *r = NULL;
	enum ky_err rc = to ? KY_QUERY(req->db,
				       "SELECT id, to_addr, subject, body, created_at FROM outbox WHERE to_addr = ?"
				       " ORDER BY id DESC LIMIT 50",
				       &r, KY_VTEXT(ky_lower(req->arena, to)))
			    : ky_db_query(req->db,
					  "SELECT id, to_addr, subject, body, created_at FROM outbox ORDER BY id DESC LIMIT 50",
					  NULL, 0, &r);
	if (rc) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_t *items = json_array();
	while (ky_rows_next(r) == 1)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)ky_rows_int(r, 0), "to",
						       ky_rows_text(r, 1), "subject", ky_rows_text(r, 2), "body",
						       ky_rows_text(r, 3), "created_at", (json_int_t)ky_rows_int(r, 4)));
	ky_rows_free(r);
	ky_resp_json(req, resp, 200, json_pack("{s:o}", "items", items));
}
