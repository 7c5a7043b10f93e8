/* mail.c - outgoing mail. Every mail is recorded in the outbox table inside the caller's
 * transaction (so a rolled-back change sends nothing). mail_mode=outbox stops there (development:
 * the outbox page and the tests read it); smtp also sends it now through libcurl. */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/time.h"

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

static enum ky_err smtp_send(const struct ky_config *cfg, const char *to, const char *subject, const char *body)
{
	struct ky_buf msg;
	ky_buf_init(&msg, 1u << 20);
	ky_buf_printf(&msg,
		      "From: %s\r\nTo: <%s>\r\nSubject: =?UTF-8?B?", cfg->mail_from, to);
	/* RFC 2047 base64 subject. */
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = (const unsigned char *)subject;
	size_t n = strlen(subject);
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) | (i + 2 < n ? s[i + 2] : 0);
		char q[4] = {b64[(v >> 18) & 63], b64[(v >> 12) & 63], i + 1 < n ? b64[(v >> 6) & 63] : '=',
			     i + 2 < n ? b64[v & 63] : '='};
		ky_buf_append(&msg, q, 4);
	}
	ky_buf_printf(&msg, "?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
			    "Content-Transfer-Encoding: 8bit\r\n\r\n%s\r\n",
		      body);
	CURL *c = curl_easy_init();
	if (!c) {
		ky_buf_free(&msg);
		return KY_ERR_NOMEM;
	}
	struct curl_slist *rcpt = NULL;
	char rcpt_addr[300];
	snprintf(rcpt_addr, sizeof(rcpt_addr), "<%s>", to);
	rcpt = curl_slist_append(rcpt, rcpt_addr);
	struct upload u = {msg.data, msg.len};
	const char *from = strchr(cfg->mail_from, '<');
	char from_addr[300];
	snprintf(from_addr, sizeof(from_addr), "%s", from ? from : cfg->mail_from);
	curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from_addr);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	CURLcode cc = curl_easy_perform(c);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	ky_buf_free(&msg);
	if (cc != CURLE_OK) {
		ky_log_error("mail.smtp", "curl=%d", (int)cc);
		return KY_ERR_IO;
	}
	return KY_OK;
}

enum ky_err ky_mail_send(struct ky_req *req, const char *to, const char *subject, const char *body)
{
	const struct ky_config *cfg = &req->app->cfg;
	if (!strcmp(cfg->mail_mode, "off"))
		return KY_OK;
	int64_t now = ky_now_ms();
	bool sent = false;
	if (!strcmp(cfg->mail_mode, "smtp"))
		sent = smtp_send(cfg, to, subject, body) == KY_OK;
	return KY_EXEC(req->db, "INSERT INTO outbox (to_addr, subject, body, created_at, sent_at) VALUES (?, ?, ?, ?, ?)",
		       NULL, KY_VTEXT(to), KY_VTEXT(subject), KY_VTEXT(body), KY_VINT(now),
		       sent ? KY_VINT(now) : KY_VNULL);
}
