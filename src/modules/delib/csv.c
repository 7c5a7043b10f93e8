/* csv.c - RFC 4180 CSV writing and sending; see csv.h. */
#include "modules/delib/csv.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void ky_csv_bom(struct ky_buf *b)
{
	ky_buf_puts(b, "\xEF\xBB\xBF");
}

void ky_csv_field(struct ky_buf *b, const char *s, bool first, bool formula_guard)
{
	if (!first)
		ky_buf_puts(b, ",");
	if (!s)
		s = "";
	bool guard = formula_guard && s[0] && strchr("=+-@\t\r", s[0]);
	bool q = guard || strpbrk(s, ",\"\r\n") != NULL;
	if (!q) {
		ky_buf_puts(b, s);
		return;
	}
	ky_buf_puts(b, "\"");
	if (guard)
		ky_buf_puts(b, "'");
	const char *run = s;
	for (const char *p = s; *p; p++) {
		if (*p == '"') {
			ky_buf_append(b, run, (size_t)(p - run) + 1);
			ky_buf_puts(b, "\"");
			run = p + 1;
		}
	}
	ky_buf_puts(b, run);
	ky_buf_puts(b, "\"");
}

void ky_csv_int(struct ky_buf *b, int64_t v, bool first)
{
	char t[32];
	snprintf(t, sizeof(t), "%" PRId64, v);
	ky_csv_field(b, t, first, false);
}

void ky_csv_eol(struct ky_buf *b)
{
	ky_buf_puts(b, "\r\n");
}

const char *ky_csv_pct_encode(struct ky_req *req, const char *s)
{
	size_t n = strlen(s);
	char *o = ky_arena_alloc(req->arena, n * 3 + 1), *p = o;
	if (!o)
		return "";
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
		    strchr("!#$&+-.^_`|~", *c))
			*p++ = (char)*c;
		else
			p += snprintf(p, 4, "%%%02X", *c);
	}
	*p = '\0';
	return o;
}

void ky_csv_send(struct ky_req *req, struct ky_resp *resp, const struct ky_buf *b, const char *ascii_name,
		 const char *utf8_name)
{
	FILE *f = tmpfile();
	int fd = -1;
	if (f && (b->len == 0 || fwrite(b->data, 1, b->len, f) == b->len) && fflush(f) == 0) {
		fd = dup(fileno(f));
		if (fd >= 0 && lseek(fd, 0, SEEK_SET) != 0) {
			close(fd);
			fd = -1;
		}
	}
	if (f)
		fclose(f);
	if (fd < 0) {
		ky_problem_err(req, resp, KY_ERR_IO);
		return;
	}
	ky_resp_header(req, resp, "Content-Disposition",
		       ky_arena_printf(req->arena, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii_name,
				       ky_csv_pct_encode(req, utf8_name)));
	ky_resp_header(req, resp, "Cache-Control", "no-store");
	resp->status = 200;
	resp->content_type = "text/csv; charset=utf-8";
	resp->fd = fd;
	resp->fd_size = b->len;
}
