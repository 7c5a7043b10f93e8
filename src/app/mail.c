/* mail.c - outgoing mail through an outbox table.
 *
 * ky_mail_send() only inserts a row, inside the caller's transaction: a rolled-back change sends
 * nothing, and no request waits on a mail server. With mail_mode=smtp, a background sender
 * (ky_mailer_start) claims unsent rows, delivers them with libcurl and marks them sent; a failed
 * delivery is retried with backoff up to KY_MAIL_MAX_ATTEMPTS. Claims are atomic UPDATEs, so
 * several instances on one PostgreSQL database never send a mail twice. With mail_mode=outbox
 * (development) rows stay for the /dev/outbox page; with off nothing is stored. */
#include <curl/curl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/time.h"

#define KY_MAIL_MAX_ATTEMPTS 8
#define KY_MAIL_CLAIM_STALE_MS (5 * 60 * 1000)

struct upload {
	const char *p;
	size_t left;
};

static size_t read_cb(char *buf, size_t size, size_t nitems, void *ud)
{
	struct upload *u = ud;
	size_t n = size * nitems;
	if (n > u->left)
		n = u->left;
	memcpy(buf, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/* RFC 2047 encoded-word for a UTF-8 header value. */
static void b64_word(struct ky_buf *b, const char *text)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text);
	ky_buf_puts(b, "=?UTF-8?B?");
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) | (i + 2 < n ? s[i + 2] : 0);
		char q[4] = {tbl[(v >> 18) & 63], tbl[(v >> 12) & 63], i + 1 < n ? tbl[(v >> 6) & 63] : '=',
			     i + 2 < n ? tbl[v & 63] : '='};
		ky_buf_append(b, q, 4);
	}
	ky_buf_puts(b, "?=");
}

/* Delivers one mail; on failure writes curl's reason to err. */
static enum ky_err smtp_send(const struct ky_config *cfg, int64_t id, const char *to, const char *subject,
			     const char *body, char *err, size_t errlen)
{
	struct ky_buf msg;
	ky_buf_init(&msg, 4u << 20);
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char date[64];
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	const char *at = strchr(cfg->mail_from, '@');
	ky_buf_printf(&msg, "Date: %s\r\nFrom: %s\r\nTo: <%s>\r\nMessage-ID: <kyoso-%" PRId64 "-%ld@%s\r\nSubject: ", date,
		      cfg->mail_from, to, id, (long)now, at ? at + 1 : "kyoso.invalid>");
	b64_word(&msg, subject);
	ky_buf_puts(&msg, "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
			  "Content-Transfer-Encoding: 8bit\r\n\r\n");
	/* Bare LF to CRLF, and dot-stuffing is done by libcurl. */
	for (const char *p = body; *p; p++) {
		if (*p == '\n' && (p == body || p[-1] != '\r'))
			ky_buf_append(&msg, "\r", 1);
		ky_buf_append(&msg, p, 1);
	}
	ky_buf_puts(&msg, "\r\n");
	CURL *c = curl_easy_init();
	if (!c) {
		ky_buf_free(&msg);
		return KY_ERR_NOMEM;
	}
	char rcpt_addr[300], from_addr[300];
	snprintf(rcpt_addr, sizeof(rcpt_addr), "<%s>", to);
	struct curl_slist *rcpt = curl_slist_append(NULL, rcpt_addr);
	const char *lt = strchr(cfg->mail_from, '<');
	snprintf(from_addr, sizeof(from_addr), "%s", lt ? lt : cfg->mail_from);
	struct upload u = {msg.data, msg.len};
	curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from_addr);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	CURLcode cc = curl_easy_perform(c);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	ky_buf_free(&msg);
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "%s", curl_easy_strerror(cc));
		return KY_ERR_IO;
	}
	return KY_OK;
}

enum ky_err ky_mail_send(struct ky_req *req, const char *to, const char *subject, const char *body)
{
	if (!strcmp(req->app->cfg.mail_mode, "off"))
		return KY_OK;
	return KY_EXEC(req->db, "INSERT INTO outbox (to_addr, subject, body, created_at) VALUES (?, ?, ?, ?)", NULL,
		       KY_VTEXT(to), KY_VTEXT(subject), KY_VTEXT(body), KY_VINT(ky_now_ms()));
}

/* ---- the background sender ---- */

struct mailer {
	const struct ky_config *cfg;
	pthread_t thread;
	atomic_bool stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static struct mailer g_mailer;

/* Sends what is due; returns how many rows it handled. */
int ky_mailer_run_once(struct ky_db *db, const struct ky_config *cfg)
{
	int handled = 0;
	for (;;) {
		int64_t now = ky_now_ms();
		struct ky_rows *r = NULL;
		/* Due: unsent, not given up, unclaimed or stale claim, and past its backoff
		 * (2^attempts seconds after the last claim). */
		if (KY_QUERY(db,
			     "SELECT id, attempts FROM outbox WHERE sent_at IS NULL AND attempts < ?"
			     " AND (claimed_at IS NULL OR claimed_at < ?) ORDER BY id LIMIT 1",
			     &r, KY_VINT(KY_MAIL_MAX_ATTEMPTS), KY_VINT(now - KY_MAIL_CLAIM_STALE_MS)))
			return handled;
		int64_t id = 0, attempts = 0;
		if (ky_rows_next(r) == 1) {
			id = ky_rows_int(r, 0);
			attempts = ky_rows_int(r, 1);
		}
		ky_rows_free(r);
		if (!id)
			return handled;
		int64_t changed = 0;
		if (KY_EXEC(db,
			    "UPDATE outbox SET claimed_at = ?, attempts = attempts + 1 WHERE id = ? AND sent_at IS NULL"
			    " AND attempts = ? AND (claimed_at IS NULL OR claimed_at < ?)",
			    &changed, KY_VINT(now), KY_VINT(id), KY_VINT(attempts), KY_VINT(now - KY_MAIL_CLAIM_STALE_MS)) ||
		    changed != 1)
			continue; /* another instance took it */
		char *to = NULL, *subject = NULL, *body = NULL;
		if (KY_QUERY(db, "SELECT to_addr, subject, body FROM outbox WHERE id = ?", &r, KY_VINT(id)) == KY_OK) {
			if (ky_rows_next(r) == 1) {
				to = strdup(ky_rows_text(r, 0));
				subject = strdup(ky_rows_text(r, 1));
				body = strdup(ky_rows_text(r, 2));
			}
			ky_rows_free(r);
		}
		char err[256] = "";
		enum ky_err rc = to && subject && body ? smtp_send(cfg, id, to, subject, body, err, sizeof(err)) : KY_ERR_NOMEM;
		free(to);
		free(subject);
		free(body);
		if (rc == KY_OK) {
			KY_EXEC(db, "UPDATE outbox SET sent_at = ?, last_error = NULL WHERE id = ?", NULL, KY_VINT(ky_now_ms()),
				KY_VINT(id));
			ky_log_info("mail.sent", "outbox=%" PRId64 " attempt=%" PRId64, id, attempts + 1);
		} else {
			/* Release the claim so that the row becomes due again after a backoff: claimed_at is
			 * set into the past so that it turns stale 2^attempts seconds from now. */
			int64_t backoff = (int64_t)1000 << (attempts + 1 < 12 ? attempts + 1 : 12);
			KY_EXEC(db, "UPDATE outbox SET claimed_at = ?, last_error = ? WHERE id = ?", NULL,
				KY_VINT(ky_now_ms() - KY_MAIL_CLAIM_STALE_MS + backoff), KY_VTEXT(err), KY_VINT(id));
			ky_log_warn("mail.failed", "outbox=%" PRId64 " attempt=%" PRId64 " error=\"%s\"", id, attempts + 1, err);
		}
		handled++;
	}
}

static void *mailer_main(void *arg)
{
	struct mailer *m = arg;
	struct ky_db *db = NULL;
	char err[256];
	while (!atomic_load(&m->stop)) {
		if (!db && ky_db_open(m->cfg->db, &db, err, sizeof(err)) != KY_OK) {
			ky_log_error("mail.db", "msg=\"%s\"", err);
			db = NULL;
		}
		if (db)
			ky_mailer_run_once(db, m->cfg);
		pthread_mutex_lock(&m->mu);
		if (!atomic_load(&m->stop)) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&m->cv, &m->mu, &ts);
		}
		pthread_mutex_unlock(&m->mu);
	}
	ky_db_close(db);
	return NULL;
}

enum ky_err ky_mailer_start(const struct ky_config *cfg)
{
	if (strcmp(cfg->mail_mode, "smtp") != 0)
		return KY_OK;
	g_mailer.cfg = cfg;
	atomic_store(&g_mailer.stop, false);
	pthread_mutex_init(&g_mailer.mu, NULL);
	pthread_cond_init(&g_mailer.cv, NULL);
	if (pthread_create(&g_mailer.thread, NULL, mailer_main, &g_mailer) != 0)
		return KY_ERR_INTERNAL;
	ky_log_info("mail.start", "mode=smtp");
	return KY_OK;
}

void ky_mailer_stop(const struct ky_config *cfg)
{
	if (strcmp(cfg->mail_mode, "smtp") != 0)
		return;
	pthread_mutex_lock(&g_mailer.mu);
	atomic_store(&g_mailer.stop, true);
	pthread_cond_signal(&g_mailer.cv);
	pthread_mutex_unlock(&g_mailer.mu);
	pthread_join(g_mailer.thread, NULL);
}
