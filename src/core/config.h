/* config.h - kyoso's settings, driven by one declarative table (Redis standardConfig).
 *
 * The table in config.c lists every setting once: name, type, default, bounds, description.
 * From it come: defaults, the config file (`name = value` lines, '#' comments), the environment
 * (KYOSO_<NAME> upper-cased), command-line overrides, `--help` text and validation. A bad value
 * is refused with a message that names the setting, the source and what is allowed. */
#ifndef KY_CONFIG_H
#define KY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"

struct ky_config {
	char db[1024];
	char listen[256];
	char web_root[1024];
	char public_url[512];
	char mail_mode[16]; /* outbox | smtp | off */
	char smtp_url[512];
	char mail_from[256];
	char cookie_secure[8]; /* auto | on | off */
	char log_level[8];
	int64_t threads;
	int64_t max_body_bytes;
	int64_t max_header_bytes;
	int64_t max_connections;
	int64_t max_connections_per_ip;
	int64_t connection_timeout_seconds;
	int64_t shutdown_grace_seconds;
	int64_t session_idle_seconds;
	int64_t session_absolute_seconds;
	int64_t password_opslimit;
	int64_t password_memlimit_kib;
	int64_t login_max_per_ip;
	int64_t login_max_per_account;
	int64_t register_max_per_ip;
	int64_t rate_window_seconds;
	int64_t token_ttl_seconds;
	char upload_dir[1024];
	int64_t max_upload_bytes;
	bool trust_proxy;
	bool group_commit;
};

enum ky_config_type {
	KY_CFG_STRING,
	KY_CFG_INT,
	KY_CFG_BOOL,
	KY_CFG_ENUM
};

struct ky_config_def {
	const char *name; /* snake_case; env is KYOSO_ + upper-case */
	enum ky_config_type type;
	size_t offset;       /* into struct ky_config */
	size_t size;         /* for strings: buffer size */
	const char *def;     /* default, as text */
	int64_t min, max;    /* for ints */
	const char *choices; /* for enums: "a|b|c" */
	const char *help;
};

extern const struct ky_config_def ky_config_defs[];
extern const size_t ky_config_ndefs;

/* Fills cfg with every default. Cannot fail (defaults are valid; a unit test proves it). */
void ky_config_defaults(struct ky_config *cfg);
/* Sets one setting from text. source names where it came from ("KYOSO_THREADS", "kyoso.conf:3",
 * "--listen"). On error returns KY_ERR_INVALID and writes a message naming the setting to err. */
enum ky_err ky_config_set(struct ky_config *cfg, const char *name, const char *value,
			  const char *source, char *err, size_t errlen);
/* Reads a config file of `name = value` lines. Unknown names are errors. */
enum ky_err ky_config_load_file(struct ky_config *cfg, const char *path, char *err, size_t errlen);
/* Applies every KYOSO_* environment variable that names a setting; an unknown KYOSO_* variable
 * is an error (typos must not be ignored). KYOSO_CONFIG is the config file path, not a setting. */
enum ky_err ky_config_load_env(struct ky_config *cfg, char *const *envp, char *err, size_t errlen);
/* Prints the settings table for --help. */
void ky_config_print_help(FILE *out);

#endif
