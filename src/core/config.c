/* config.c - the settings table and its loaders. */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define S(f) offsetof(struct ky_config, f), sizeof(((struct ky_config *)0)->f)
#define I(f) offsetof(struct ky_config, f), sizeof(int64_t)
#define B(f) offsetof(struct ky_config, f), sizeof(bool)

const struct ky_config_def ky_config_defs[] = {
	{"db", KY_CFG_STRING, S(db), "sqlite:var/kyoso.db", 0, 0, NULL,
	 "database: sqlite:PATH or postgresql://user@host:port/dbname"},
	{"listen", KY_CFG_STRING, S(listen), "127.0.0.1:8080", 0, 0, NULL, "HOST:PORT to serve HTTP on"},
	{"web_root", KY_CFG_STRING, S(web_root), "web/dist", 0, 0, NULL,
	 "directory of the built web UI (index.html, assets/)"},
	{"public_url", KY_CFG_STRING, S(public_url), "", 0, 0, NULL,
	 "external base URL used in mails (default: http://LISTEN)"},
	{"mail_mode", KY_CFG_ENUM, S(mail_mode), "outbox", 0, 0, "outbox|smtp|off",
	 "outbox: mails are stored for the dev outbox page; smtp: sent via smtp_url"},
	{"smtp_url", KY_CFG_STRING, S(smtp_url), "", 0, 0, NULL, "smtp://host:port or smtps://... for mail_mode=smtp"},
	{"mail_from", KY_CFG_STRING, S(mail_from), "kyoso <no-reply@kyoso.invalid>", 0, 0, NULL,
	 "From: address of outgoing mail"},
	{"cookie_secure", KY_CFG_ENUM, S(cookie_secure), "auto", 0, 0, "auto|on|off",
	 "Secure flag on cookies: auto sets it when the request came over TLS"},
	{"log_level", KY_CFG_ENUM, S(log_level), "info", 0, 0, "debug|info|warn|error", "lowest level logged"},
	{"threads", KY_CFG_INT, I(threads), "4", 1, 256, NULL, "HTTP worker threads (each has one DB connection)"},
	{"max_body_bytes", KY_CFG_INT, I(max_body_bytes), "1048576", 1024, 268435456, NULL,
	 "largest request body accepted"},
	{"max_header_bytes", KY_CFG_INT, I(max_header_bytes), "16384", 4096, 1048576, NULL,
	 "memory per connection for request line and headers (libmicrohttpd clears it per request)"},
	{"max_connections", KY_CFG_INT, I(max_connections), "1024", 1, 100000, NULL, "open connections in total"},
	{"max_connections_per_ip", KY_CFG_INT, I(max_connections_per_ip), "128", 1, 100000, NULL,
	 "open connections from one IP address"},
	{"connection_timeout_seconds", KY_CFG_INT, I(connection_timeout_seconds), "30", 1, 3600, NULL,
	 "idle connection timeout"},
	{"shutdown_grace_seconds", KY_CFG_INT, I(shutdown_grace_seconds), "10", 0, 600, NULL,
	 "on SIGTERM, how long in-flight requests may take to finish"},
	{"session_idle_seconds", KY_CFG_INT, I(session_idle_seconds), "86400", 1, 31536000, NULL,
	 "a session ends after this long without use"},
	{"session_absolute_seconds", KY_CFG_INT, I(session_absolute_seconds), "1209600", 1, 31536000, NULL,
	 "a session ends this long after login, used or not"},
	{"password_opslimit", KY_CFG_INT, I(password_opslimit), "2", 1, 10, NULL, "Argon2id passes"},
	{"password_memlimit_kib", KY_CFG_INT, I(password_memlimit_kib), "65536", 8, 1048576, NULL,
	 "Argon2id memory in KiB"},
	{"login_max_per_ip", KY_CFG_INT, I(login_max_per_ip), "30", 1, 1000000, NULL,
	 "failed logins from one IP per rate window"},
	{"login_max_per_account", KY_CFG_INT, I(login_max_per_account), "5", 1, 1000000, NULL,
	 "failed logins for one account per rate window"},
	{"register_max_per_ip", KY_CFG_INT, I(register_max_per_ip), "10", 1, 1000000, NULL,
	 "registrations from one IP per rate window"},
	{"rate_window_seconds", KY_CFG_INT, I(rate_window_seconds), "900", 1, 86400, NULL,
	 "length of the rate-limit window"},
	{"token_ttl_seconds", KY_CFG_INT, I(token_ttl_seconds), "86400", 60, 2592000, NULL,
	 "lifetime of e-mail verification and password reset links"},
	{"trust_proxy", KY_CFG_BOOL, B(trust_proxy), "false", 0, 0, NULL,
	 "trust X-Forwarded-For/-Proto from a reverse proxy"},
	{"upload_dir", KY_CFG_STRING, S(upload_dir), "var/uploads", 0, 0, NULL,
	 "where uploaded attachments are stored (never inside web_root)"},
	{"max_upload_bytes", KY_CFG_INT, I(max_upload_bytes), "10485760", 1024, 268435456, NULL,
	 "largest attachment accepted (uploads of attachments may exceed max_body_bytes up to this)"},
	{"group_commit", KY_CFG_BOOL, B(group_commit), "true", 0, 0, NULL,
	 "commit small writes (supports) together: one durable commit for many requests"},
};
const size_t ky_config_ndefs = sizeof(ky_config_defs) / sizeof(ky_config_defs[0]);

static const struct ky_config_def *find_def(const char *name)
{
	for (size_t i = 0; i < ky_config_ndefs; i++)
		if (strcmp(ky_config_defs[i].name, name) == 0)
			return &ky_config_defs[i];
	return NULL;
}

static bool choice_ok(const char *choices, const char *v)
{
	size_t n = strlen(v);
	const char *p = choices;
	while (*p) {
		const char *e = strchr(p, '|');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && strncmp(p, v, n) == 0)
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

static enum ky_err set_def(struct ky_config *cfg, const struct ky_config_def *d, const char *value,
			   const char *source, char *err, size_t errlen)
{
	char *base = (char *)cfg + d->offset;
	switch (d->type) {
	case KY_CFG_STRING:
	case KY_CFG_ENUM: {
		size_t n = strlen(value);
		if (n >= d->size) {
			snprintf(err, errlen, "setting '%s' (from %s): value is too long (at most %zu bytes)",
				 d->name, source, d->size - 1);
			return KY_ERR_INVALID;
		}
		if (d->type == KY_CFG_ENUM && !choice_ok(d->choices, value)) {
			snprintf(err, errlen, "setting '%s' (from %s): '%s' is not one of %s", d->name,
				 source, value, d->choices);
			return KY_ERR_INVALID;
		}
		memcpy(base, value, n + 1);
		return KY_OK;
	}
	case KY_CFG_INT: {
		errno = 0;
		char *end = NULL;
		long long v = strtoll(value, &end, 10);
		if (errno || end == value || *end != '\0') {
			snprintf(err, errlen, "setting '%s' (from %s): '%s' is not a whole number", d->name,
				 source, value);
			return KY_ERR_INVALID;
		}
		if (v < d->min || v > d->max) {
			snprintf(err, errlen,
				 "setting '%s' (from %s): %lld is out of range (%" PRId64 "..%" PRId64 ")",
				 d->name, source, v, d->min, d->max);
			return KY_ERR_INVALID;
		}
		int64_t iv = v;
		memcpy(base, &iv, sizeof(iv));
		return KY_OK;
	}
	case KY_CFG_BOOL: {
		bool b;
		if (!strcmp(value, "true") || !strcmp(value, "yes") || !strcmp(value, "on") || !strcmp(value, "1"))
			b = true;
		else if (!strcmp(value, "false") || !strcmp(value, "no") || !strcmp(value, "off") ||
			 !strcmp(value, "0"))
			b = false;
		else {
			snprintf(err, errlen, "setting '%s' (from %s): '%s' is not true or false", d->name,
				 source, value);
			return KY_ERR_INVALID;
		}
		memcpy(base, &b, sizeof(b));
		return KY_OK;
	}
	}
	return KY_ERR_INTERNAL;
}

void ky_config_defaults(struct ky_config *cfg)
{
	char err[256];
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < ky_config_ndefs; i++)
		(void)set_def(cfg, &ky_config_defs[i], ky_config_defs[i].def, "default", err, sizeof(err));
}

enum ky_err ky_config_set(struct ky_config *cfg, const char *name, const char *value,
			  const char *source, char *err, size_t errlen)
{
	const struct ky_config_def *d = find_def(name);
	if (!d) {
		snprintf(err, errlen, "unknown setting '%s' (from %s); see kyoso --help", name, source);
		return KY_ERR_INVALID;
	}
	return set_def(cfg, d, value, source, err, errlen);
}

static char *trim(char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

enum ky_err ky_config_load_file(struct ky_config *cfg, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "config file %s: %s", path, strerror(errno));
		return KY_ERR_IO;
	}
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0;
	enum ky_err rc = KY_OK;
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		char *s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		char source[1200];
		snprintf(source, sizeof(source), "%s:%d", path, lineno);
		if (!eq) {
			snprintf(err, errlen, "%s: expected 'name = value'", source);
			rc = KY_ERR_INVALID;
			break;
		}
		*eq = '\0';
		char *name = trim(s), *value = trim(eq + 1);
		size_t vl = strlen(value);
		if (vl >= 2 && value[0] == '"' && value[vl - 1] == '"') {
			value[vl - 1] = '\0';
			value++;
		}
		rc = ky_config_set(cfg, name, value, source, err, errlen);
		if (rc)
			break;
	}
	free(line);
	fclose(f);
	return rc;
}

enum ky_err ky_config_load_env(struct ky_config *cfg, char *const *envp, char *err, size_t errlen)
{
	for (; envp && *envp; envp++) {
		const char *e = *envp;
		if (strncmp(e, "KYOSO_", 6) != 0)
			continue;
		const char *eq = strchr(e, '=');
		if (!eq)
			continue;
		char name[128], var[128];
		size_t n = (size_t)(eq - e);
		if (n >= sizeof(var) || n <= 6) {
			snprintf(err, errlen, "environment variable %.*s is not a kyoso setting", (int)(n < 100 ? n : 100), e);
			return KY_ERR_INVALID;
		}
		memcpy(var, e, n);
		var[n] = '\0';
		if (!strcmp(var, "KYOSO_CONFIG"))
			continue;
		for (size_t i = 6; i <= n; i++)
			name[i - 6] = (char)tolower((unsigned char)var[i]);
		enum ky_err rc = ky_config_set(cfg, name, eq + 1, var, err, errlen);
		if (rc)
			return rc;
	}
	return KY_OK;
}

void ky_config_print_help(FILE *out)
{
	fprintf(out, "Settings (config file `name = value`, environment KYOSO_NAME, or --name VALUE):\n");
	for (size_t i = 0; i < ky_config_ndefs; i++) {
		const struct ky_config_def *d = &ky_config_defs[i];
		char env[128];
		size_t j = 0;
		for (; d->name[j] && j < sizeof(env) - 1; j++)
			env[j] = (char)toupper((unsigned char)d->name[j]);
		env[j] = '\0';
		fprintf(out, "  %-28s %s\n", d->name, d->help);
		if (d->type == KY_CFG_INT)
			fprintf(out, "  %-28s default %s, %" PRId64 "..%" PRId64 ", env KYOSO_%s\n", "", d->def,
				d->min, d->max, env);
		else if (d->type == KY_CFG_ENUM)
			fprintf(out, "  %-28s default %s, one of %s, env KYOSO_%s\n", "", d->def, d->choices, env);
		else
			fprintf(out, "  %-28s default \"%s\", env KYOSO_%s\n", "", d->def, env);
	}
}
