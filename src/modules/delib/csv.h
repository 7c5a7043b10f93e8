/* csv.h - RFC 4180 CSV writing and sending, shared by the deliberation exports.
 *
 * Output is UTF-8 with a byte order mark (so spreadsheet software in Japan opens it as UTF-8),
 * CRLF line ends, and fields quoted when they hold a comma, quote, CR or LF (quotes doubled).
 * Used by the survey downloads (surveys_results.c) and the open-data exports (stats_export.c). */
#ifndef KY_DELIB_CSV_H
#define KY_DELIB_CSV_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "core/buf.h"

/* Writes the byte order mark (call once, first). */
void ky_csv_bom(struct ky_buf *b);
/* Appends one field; first: no comma before it. NULL writes an empty field. formula_guard:
 * prefix ' to user text that a spreadsheet would run as a formula (=, +, -, @, tab, CR). */
void ky_csv_field(struct ky_buf *b, const char *s, bool first, bool formula_guard);
void ky_csv_int(struct ky_buf *b, int64_t v, bool first);
/* Ends a record (CRLF). */
void ky_csv_eol(struct ky_buf *b);
/* Percent-encodes s for filename*=UTF-8''... (RFC 8187 attr-chars kept). Arena. */
const char *ky_csv_pct_encode(struct ky_req *req, const char *s);
/* Sends b as a text/csv attachment with an ASCII filename and a UTF-8 filename*; the body is
 * streamed from an unlinked temporary file. On an I/O failure writes a 500 problem. */
void ky_csv_send(struct ky_req *req, struct ky_resp *resp, const struct ky_buf *b, const char *ascii_name,
		 const char *utf8_name);

#endif
