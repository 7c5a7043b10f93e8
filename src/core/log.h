/* log.h - one line per event on stderr, logfmt style:
 *   ts=2026-11-22T13:00:00.123Z level=info event=http.request method=GET route=/api/v1/me status=200 us=412
 * Callers pass only non-personal fields (ids, routes, statuses, durations): never e-mail addresses,
 * names, IP addresses, tokens or request bodies. Thread-safe: each line is one write(2). */
#ifndef KY_LOG_H
#define KY_LOG_H

enum ky_log_level {
	KY_LOG_DEBUG,
	KY_LOG_INFO,
	KY_LOG_WARN,
	KY_LOG_ERROR
};

void ky_log_set_level(enum ky_log_level lvl);
/* fmt is the rest of the line after event=..., usually "key=%s key2=%d". */
void ky_log(enum ky_log_level lvl, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define ky_log_info(ev, ...) ky_log(KY_LOG_INFO, ev, __VA_ARGS__)
#define ky_log_warn(ev, ...) ky_log(KY_LOG_WARN, ev, __VA_ARGS__)
#define ky_log_error(ev, ...) ky_log(KY_LOG_ERROR, ev, __VA_ARGS__)

#endif
