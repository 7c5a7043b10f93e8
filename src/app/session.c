/* session.c - database-backed sessions, so any instance can serve any request. The cookie holds
 * a random token; the database holds only its hash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/writer.h"
#include "auth/crypto.h"
#include "core/time.h"

#define SESSION_COOKIE "kyoso_session"

/* The sliding-expiry write, handed to the group-commit writer when there is one: it needs no
 * reply, and done inline it would wait for the write lock on a pool thread (SQLite's busy
 * handler sleeps), stalling every connection of that thread while supports stream in. */
struct touch_op {
	struct ky_write_op op;
	int64_t sid, now;
};

static enum ky_err touch_apply(struct ky_db *db, struct ky_write_op *o)
{
	struct touch_op *t = (struct touch_op *)o;
	return KY_EXEC(db, "UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?", NULL,
		       KY_VINT(t->now), KY_VINT(t->sid), KY_VINT(t->now));
}

static void touch_done(struct ky_write_op *o, enum ky_err rc)
{
	(void)rc; /* best effort: the next request touches again */
	free(o);
}

static void session_touch(struct ky_req *req, int64_t sid, int64_t now)
{
	struct touch_op *t = req->app->writer ? calloc(1, sizeof(*t)) : NULL;
	if (!t) {
		KY_EXEC(req->db, "UPDATE sessions SET last_seen_at = ? WHERE id = ?", NULL, KY_VINT(now), KY_VINT(sid));
		return;
	}
	t->op.apply = touch_apply;
	t->op.done = touch_done;
	t->sid = sid;
	t->now = now;
	ky_writer_submit(req->app->writer, &t->op);
}

enum ky_err ky_session_load(struct ky_req *req)
{
	const char *tok = ky_req_cookie(req, SESSION_COOKIE);
	if (!tok || strlen(tok) != KY_TOKEN_CHARS)
		return KY_OK;
	char h[KY_HASH_HEX + 1];
	ky_hash_hex("session", tok, strlen(tok), h);
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT s.id, s.user_id, s.last_seen_at, s.expires_at, u.email, u.display_name,"
				  " u.email_verified, u.lang, u.created_at"
				  " FROM sessions s JOIN users u ON u.id = s.user_id"
				  " WHERE s.token_hash = ? AND u.deleted_at IS NULL",
				  &r, KY_VTEXT(h));
	if (rc)
		return rc;
	if (ky_rows_next(r) != 1) {
		ky_rows_free(r);
		return KY_OK;
	}
	int64_t now = ky_now_ms();
	int64_t sid = ky_rows_int(r, 0), last = ky_rows_int(r, 2), exp = ky_rows_int(r, 3);
	const struct ky_config *cfg = &req->app->cfg;
	if (now - last > cfg->session_idle_seconds * 1000 || now >= exp) {
		ky_rows_free(r);
		KY_EXEC(req->db, "DELETE FROM sessions WHERE id = ?", NULL, KY_VINT(sid));
		return KY_OK;
	}
	struct ky_auth *a = ky_arena_calloc(req->arena, 1, sizeof(*a));
	if (!a) {
		ky_rows_free(r);
		return KY_ERR_NOMEM;
	}
	a->session_id = sid;
	a->user_id = ky_rows_int(r, 1);
	a->email = ky_arena_strdup(req->arena, ky_rows_text(r, 4));
	a->display_name = ky_arena_strdup(req->arena, ky_rows_text(r, 5));
	a->email_verified = ky_rows_int(r, 6) != 0;
	a->lang = ky_arena_strdup(req->arena, ky_rows_text(r, 7));
	a->created_at = ky_rows_int(r, 8);
	ky_rows_free(r);
	req->auth = a;
	/* Sliding idle expiry, writing at most once a minute (sooner for short idle limits). */
	int64_t touch = cfg->session_idle_seconds * 1000 / 4;
	if (touch > 60 * 1000)
		touch = 60 * 1000;
	if (now - last >= touch)
		session_touch(req, sid, now);
	return KY_OK;
}

enum ky_err ky_session_create(struct ky_req *req, struct ky_resp *resp, int64_t user_id)
{
	const struct ky_config *cfg = &req->app->cfg;
	/* Rotation: the session this client had before (if any) ends here. */
	const char *old = ky_req_cookie(req, SESSION_COOKIE);
	char h[KY_HASH_HEX + 1];
	if (old && strlen(old) == KY_TOKEN_CHARS) {
		ky_hash_hex("session", old, strlen(old), h);
		KY_EXEC(req->db, "DELETE FROM sessions WHERE token_hash = ?", NULL, KY_VTEXT(h));
	}
	char tok[KY_TOKEN_CHARS + 1];
	ky_token_new(tok);
	ky_hash_hex("session", tok, strlen(tok), h);
	const char *ua = ky_req_header(req, "User-Agent");
	char uab[201];
	snprintf(uab, sizeof(uab), "%s", ua ? ua : "");
	/* Do not cut a UTF-8 sequence in half. */
	size_t n = strlen(uab);
	while (n && ((unsigned char)uab[n - 1] & 0xC0) == 0x80)
		n--;
	if (n && (unsigned char)uab[n - 1] >= 0xC0)
		n--;
	if (strlen(uab) == 200)
		uab[n] = '\0';
	if (!ky_utf8_valid(uab, strlen(uab)))
		uab[0] = '\0';
	int64_t now = ky_now_ms();
	enum ky_err rc = KY_EXEC(req->db,
				 "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, user_agent)"
				 " VALUES (?, ?, ?, ?, ?, ?)",
				 NULL, KY_VTEXT(h), KY_VINT(user_id), KY_VINT(now), KY_VINT(now),
				 KY_VINT(now + cfg->session_absolute_seconds * 1000), KY_VTEXT(uab));
	if (rc)
		return rc;
	ky_resp_cookie(req, resp, SESSION_COOKIE, tok, (long)cfg->session_absolute_seconds, true);
	return KY_OK;
}

void ky_session_clear_cookie(struct ky_req *req, struct ky_resp *resp)
{
	ky_resp_cookie(req, resp, SESSION_COOKIE, "", 0, true);
}
