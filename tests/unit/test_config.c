/* test_config.c - the settings table and its loaders (src/core/config.c): every default is valid,
 * bad values are refused with a message naming the setting and its source, the config file
 * format, KYOSO_* environment variables and the --help text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define assert_contains(hay, needle) \
	do { \
		if (!strstr((hay), (needle))) \
			fail_msg("'%s' does not contain '%s'", (hay), (needle)); \
	} while (0)

static char tmp_path[64];

/* Writes text to a fresh temporary file; its name is in tmp_path. */
static void write_tmp(const char *text)
{
	snprintf(tmp_path, sizeof(tmp_path), "/tmp/kyoso-test-config-XXXXXX");
	int fd = mkstemp(tmp_path);
	assert_true(fd >= 0);
	size_t n = strlen(text);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
}

static int cleanup_tmp(void **state)
{
	(void)state;
	if (tmp_path[0])
		unlink(tmp_path);
	tmp_path[0] = '\0';
	return 0;
}

static const struct ky_config_def *def(const char *name)
{
	for (size_t i = 0; i < ky_config_ndefs; i++)
		if (!strcmp(ky_config_defs[i].name, name))
			return &ky_config_defs[i];
	fail_msg("no setting %s", name);
	return NULL;
}

/* ---- the table and its defaults ---------------------------------------------------------- */

static void test_table_is_well_formed(void **state)
{
	(void)state;
	assert_true(ky_config_ndefs > 20);
	for (size_t i = 0; i < ky_config_ndefs; i++) {
		const struct ky_config_def *d = &ky_config_defs[i];
		assert_non_null(d->name);
		assert_non_null(d->def);
		assert_non_null(d->help);
		assert_true(d->help[0] != '\0');
		for (const char *p = d->name; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
				fail_msg("setting %s: not snake_case", d->name);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(ky_config_defs[j].name, d->name))
				fail_msg("setting %s is listed twice", d->name);
		assert_true(d->offset + d->size <= sizeof(struct ky_config));
		if (d->type == KY_CFG_INT)
			assert_true(d->min <= d->max);
		if (d->type == KY_CFG_ENUM)
			assert_non_null(d->choices);
	}
}

static void test_every_default_is_valid(void **state)
{
	(void)state;
	struct ky_config a, b;
	char err[256];
	ky_config_defaults(&a);
	/* Re-setting every default through the validating path succeeds and builds the same
	 * struct: ky_config_defaults() ignores errors, so this is what proves the table. */
	memset(&b, 0, sizeof(b));
	for (size_t i = 0; i < ky_config_ndefs; i++) {
		const struct ky_config_def *d = &ky_config_defs[i];
		err[0] = '\0';
		if (ky_config_set(&b, d->name, d->def, "default", err, sizeof(err)) != KY_OK)
			fail_msg("default of %s ('%s') is refused: %s", d->name, d->def, err);
	}
	assert_memory_equal(&a, &b, sizeof(a));
	/* Spot checks of what the rest of the program relies on. */
	assert_int_equal(a.threads, 4);
	assert_string_equal(a.listen, "127.0.0.1:8080");
	assert_string_equal(a.mail_mode, "outbox");
	assert_string_equal(a.cookie_secure, "auto");
	assert_int_equal(a.max_body_bytes, 1048576);
	assert_false(a.trust_proxy);
}

/* ---- refusals ----------------------------------------------------------------------------- */

/* Sets name=value, expects KY_ERR_INVALID, the message to name the setting and the source, and
 * the old value to stay. */
static void expect_refused(const char *name, const char *value)
{
	struct ky_config cfg, before;
	char err[512] = "";
	ky_config_defaults(&cfg);
	before = cfg;
	enum ky_err rc = ky_config_set(&cfg, name, value, "--test-source", err, sizeof(err));
	if (rc != KY_ERR_INVALID)
		fail_msg("%s = '%s': expected KY_ERR_INVALID, got %d", name, value, rc);
	assert_contains(err, name);
	assert_contains(err, "--test-source");
	assert_memory_equal(&cfg, &before, sizeof(cfg));
}

static void test_int_range(void **state)
{
	(void)state;
	expect_refused("threads", "0");
	expect_refused("threads", "257");
	expect_refused("threads", "-1");
	expect_refused("max_body_bytes", "1023");
	expect_refused("password_memlimit_kib", "7");
	expect_refused("token_ttl_seconds", "59");

	struct ky_config cfg;
	char err[256];
	ky_config_defaults(&cfg);
	assert_int_equal(ky_config_set(&cfg, "threads", "1", "t", err, sizeof(err)), KY_OK);
	assert_int_equal(cfg.threads, 1);
	assert_int_equal(ky_config_set(&cfg, "threads", "256", "t", err, sizeof(err)), KY_OK);
	assert_int_equal(cfg.threads, 256);
	assert_int_equal(ky_config_set(&cfg, "shutdown_grace_seconds", "0", "t", err, sizeof(err)), KY_OK);
	assert_int_equal(cfg.shutdown_grace_seconds, 0);

	/* Every int setting refuses min-1 and max+1 and takes min and max. */
	for (size_t i = 0; i < ky_config_ndefs; i++) {
		const struct ky_config_def *d = &ky_config_defs[i];
		if (d->type != KY_CFG_INT)
			continue;
		char v[32];
		snprintf(v, sizeof(v), "%lld", (long long)d->min - 1);
		expect_refused(d->name, v);
		snprintf(v, sizeof(v), "%lld", (long long)d->max + 1);
		expect_refused(d->name, v);
		snprintf(v, sizeof(v), "%lld", (long long)d->max);
		assert_int_equal(ky_config_set(&cfg, d->name, v, "t", err, sizeof(err)), KY_OK);
		int64_t got;
		memcpy(&got, (char *)&cfg + d->offset, sizeof(got));
		assert_int_equal(got, d->max);
	}
}

static void test_not_a_number(void **state)
{
	(void)state;
	const char *bad[] = {"", "abc", "4x", "x4", "1.5", "1e3", "0x10", "4 ", "99999999999999999999999", "--4"};
	for (size_t i = 0; i < COUNT(bad); i++)
		expect_refused("threads", bad[i]);
	struct ky_config cfg;
	char err[256] = "";
	ky_config_defaults(&cfg);
	assert_int_equal(ky_config_set(&cfg, "threads", "abc", "KYOSO_THREADS", err, sizeof(err)), KY_ERR_INVALID);
	assert_contains(err, "not a whole number");
}

static void test_bad_enum(void **state)
{
	(void)state;
	expect_refused("mail_mode", "mail");
	expect_refused("mail_mode", "");
	expect_refused("mail_mode", "out");      /* a prefix of a choice */
	expect_refused("mail_mode", "outboxes"); /* a choice is a prefix of it */
	expect_refused("mail_mode", "outbox|smtp");
	expect_refused("mail_mode", "OUTBOX");
	expect_refused("cookie_secure", "yes");
	expect_refused("log_level", "trace");

	struct ky_config cfg;
	char err[256] = "";
	ky_config_defaults(&cfg);
	assert_int_equal(ky_config_set(&cfg, "log_level", "trace", "x", err, sizeof(err)), KY_ERR_INVALID);
	assert_contains(err, "debug|info|warn|error"); /* says what is allowed */
	assert_int_equal(ky_config_set(&cfg, "mail_mode", "smtp", "x", err, sizeof(err)), KY_OK);
	assert_string_equal(cfg.mail_mode, "smtp");
	assert_int_equal(ky_config_set(&cfg, "mail_mode", "off", "x", err, sizeof(err)), KY_OK);
	assert_string_equal(cfg.mail_mode, "off");
}

static void test_bool(void **state)
{
	(void)state;
	struct ky_config cfg;
	char err[256];
	ky_config_defaults(&cfg);
	const char *yes[] = {"true", "yes", "on", "1"}, *no[] = {"false", "no", "off", "0"};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(ky_config_set(&cfg, "trust_proxy", yes[i], "x", err, sizeof(err)), KY_OK);
		assert_true(cfg.trust_proxy);
		assert_int_equal(ky_config_set(&cfg, "trust_proxy", no[i], "x", err, sizeof(err)), KY_OK);
		assert_false(cfg.trust_proxy);
	}
	expect_refused("trust_proxy", "maybe");
	expect_refused("trust_proxy", "");
	expect_refused("trust_proxy", "2");
}

static void test_string_too_long(void **state)
{
	(void)state;
	size_t n = sizeof(((struct ky_config *)0)->listen);
	char *v = malloc(n + 1);
	assert_non_null(v);
	memset(v, 'a', n);
	v[n] = '\0';
	expect_refused("listen", v); /* n bytes + NUL do not fit */
	struct ky_config cfg;
	char err[256];
	ky_config_defaults(&cfg);
	v[n - 1] = '\0'; /* n-1 bytes do */
	assert_int_equal(ky_config_set(&cfg, "listen", v, "x", err, sizeof(err)), KY_OK);
	assert_string_equal(cfg.listen, v);
	free(v);
}

static void test_unknown_name(void **state)
{
	(void)state;
	struct ky_config cfg;
	char err[256] = "";
	ky_config_defaults(&cfg);
	assert_int_equal(ky_config_set(&cfg, "thread", "4", "kyoso.conf:7", err, sizeof(err)), KY_ERR_INVALID);
	assert_contains(err, "thread");
	assert_contains(err, "kyoso.conf:7");
	assert_int_equal(ky_config_set(&cfg, "", "4", "x", err, sizeof(err)), KY_ERR_INVALID);
	assert_int_equal(ky_config_set(&cfg, "THREADS", "4", "x", err, sizeof(err)), KY_ERR_INVALID);
	/* A tiny error buffer is truncated, never overrun. */
	char tiny[8];
	memset(tiny, 'Z', sizeof(tiny));
	assert_int_equal(ky_config_set(&cfg, "nope", "1", "x", tiny, 4), KY_ERR_INVALID);
	assert_int_equal(tiny[3], '\0');
	assert_int_equal(tiny[4], 'Z');
}

/* ---- config file -------------------------------------------------------------------------- */

static void test_file_ok(void **state)
{
	(void)state;
	write_tmp("# kyoso.conf\n"
		  "\n"
		  "   # indented comment\n"
		  "threads = 8\n"
		  "listen=\"0.0.0.0:9000\"\n"
		  "\tmail_from =  \"kyoso <a@b.example>\"  \n"
		  "log_level=debug\r\n"
		  "trust_proxy = yes\n"
		  "public_url = \"\"\n"
		  "db = sqlite:/var/lib/kyoso/kyoso.db"); /* no final newline */
	struct ky_config cfg;
	char err[512] = "";
	ky_config_defaults(&cfg);
	enum ky_err rc = ky_config_load_file(&cfg, tmp_path, err, sizeof(err));
	if (rc)
		fail_msg("load failed: %s", err);
	assert_int_equal(cfg.threads, 8);
	assert_string_equal(cfg.listen, "0.0.0.0:9000");
	assert_string_equal(cfg.mail_from, "kyoso <a@b.example>");
	assert_string_equal(cfg.log_level, "debug");
	assert_true(cfg.trust_proxy);
	assert_string_equal(cfg.public_url, "");
	assert_string_equal(cfg.db, "sqlite:/var/lib/kyoso/kyoso.db");
	/* Untouched settings keep their defaults. */
	assert_int_equal(cfg.max_body_bytes, 1048576);
}

static void test_file_bad_line_reports_line(void **state)
{
	(void)state;
	write_tmp("# comment\n"
		  "threads = 8\n"
		  "threads 8\n");
	struct ky_config cfg;
	char err[512] = "", where[128];
	ky_config_defaults(&cfg);
	assert_int_equal(ky_config_load_file(&cfg, tmp_path, err, sizeof(err)), KY_ERR_INVALID);
	snprintf(where, sizeof(where), "%s:3", tmp_path);
	assert_contains(err, where);
	cleanup_tmp(NULL);

	write_tmp("threads = 8\n"
		  "\n"
		  "# x\n"
		  "max_body_bytes = 12\n");
	ky_config_defaults(&cfg);
	assert_int_equal(ky_config_load_file(&cfg, tmp_path, err, sizeof(err)), KY_ERR_INVALID);
	snprintf(where, sizeof(where), "%s:4", tmp_path);
	assert_contains(err, where);
	assert_contains(err, "max_body_bytes");
	cleanup_tmp(NULL);

	write_tmp("mail_mod = smtp\n");
	ky_config_defaults(&cfg);
	assert_int_equal(ky_config_load_file(&cfg, tmp_path, err, sizeof(err)), KY_ERR_INVALID);
	snprintf(where, sizeof(where), "%s:1", tmp_path);
	assert_contains(err, where);
	assert_contains(err, "mail_mod");
}

static void test_file_missing(void **state)
{
	(void)state;
	struct ky_config cfg;
	char err[512] = "";
	ky_config_defaults(&cfg);
	assert_int_equal(ky_config_load_file(&cfg, "/nonexistent/kyoso.conf", err, sizeof(err)), KY_ERR_IO);
	assert_contains(err, "/nonexistent/kyoso.conf");
}

static void test_file_long_comment_line(void **state)
{
	(void)state;
	/* A comment longer than the reader's line buffer is still one comment: its tail must not be
	 * parsed as a setting, and later line numbers must stay right. */
	size_t n = 5000;
	char *text = malloc(n + 64);
	assert_non_null(text);
	text[0] = '#';
	memset(text + 1, 'x', n - 1);
	snprintf(text + n, 64, "\nthreads = 3\n");
	write_tmp(text);
	free(text);
	struct ky_config cfg;
	char err[512] = "";
	ky_config_defaults(&cfg);
	enum ky_err rc = ky_config_load_file(&cfg, tmp_path, err, sizeof(err));
	if (rc)
		fail_msg("a long comment line broke the file: %s", err);
	assert_int_equal(cfg.threads, 3);
}

/* ---- environment -------------------------------------------------------------------------- */

static void test_env(void **state)
{
	(void)state;
	char *env[] = {"PATH=/usr/bin", "KYOSO_THREADS=8", "KYOSO_CONFIG=/nonexistent.conf",
		       "KYOSO_LOG_LEVEL=warn", "KYOSOX_THREADS=1", "kyoso_threads=2", "KYOSO_NOEQUALS", NULL};
	struct ky_config cfg;
	char err[512] = "";
	ky_config_defaults(&cfg);
	enum ky_err rc = ky_config_load_env(&cfg, env, err, sizeof(err));
	if (rc)
		fail_msg("env failed: %s", err);
	assert_int_equal(cfg.threads, 8);
	assert_string_equal(cfg.log_level, "warn");
	/* NULL envp is nothing to do. */
	assert_int_equal(ky_config_load_env(&cfg, NULL, err, sizeof(err)), KY_OK);
}

static void test_env_unknown_is_error(void **state)
{
	(void)state;
	char *env[] = {"KYOSO_THREADS=8", "KYOSO_FOO=1", NULL};
	struct ky_config cfg;
	char err[512] = "";
	ky_config_defaults(&cfg);
	assert_int_equal(ky_config_load_env(&cfg, env, err, sizeof(err)), KY_ERR_INVALID);
	assert_contains(err, "KYOSO_FOO");

	char *env2[] = {"KYOSO_=1", NULL};
	assert_int_equal(ky_config_load_env(&cfg, env2, err, sizeof(err)), KY_ERR_INVALID);

	char *env3[] = {"KYOSO_THREADS=0", NULL};
	ky_config_defaults(&cfg);
	assert_int_equal(ky_config_load_env(&cfg, env3, err, sizeof(err)), KY_ERR_INVALID);
	assert_contains(err, "threads");
	assert_contains(err, "KYOSO_THREADS");
	assert_int_equal(cfg.threads, 4);

	/* A very long variable name is refused, not overflowed. */
	char longvar[400];
	memset(longvar, 'A', sizeof(longvar));
	memcpy(longvar, "KYOSO_", 6);
	snprintf(longvar + 300, sizeof(longvar) - 300, "=1");
	char *env4[] = {longvar, NULL};
	assert_int_equal(ky_config_load_env(&cfg, env4, err, sizeof(err)), KY_ERR_INVALID);
}

/* ---- --help ------------------------------------------------------------------------------- */

static void test_help_lists_every_setting(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	ky_config_print_help(f);
	fclose(f);
	assert_non_null(text);
	for (size_t i = 0; i < ky_config_ndefs; i++) {
		const struct ky_config_def *d = &ky_config_defs[i];
		char needle[128], env[80];
		snprintf(needle, sizeof(needle), "\n  %s ", d->name);
		assert_contains(text, needle);
		size_t j = 0;
		for (; d->name[j] && j < sizeof(env) - 1; j++)
			env[j] = (char)(d->name[j] >= 'a' && d->name[j] <= 'z' ? d->name[j] - 32 : d->name[j]);
		env[j] = '\0';
		snprintf(needle, sizeof(needle), "env KYOSO_%s\n", env);
		assert_contains(text, needle);
		assert_contains(text, d->help);
		if (d->type == KY_CFG_INT) {
			snprintf(needle, sizeof(needle), "default %s, %lld..%lld", d->def, (long long)d->min,
				 (long long)d->max);
			assert_contains(text, needle);
		}
	}
	assert_contains(text, def("mail_mode")->choices);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_is_well_formed),
		cmocka_unit_test(test_every_default_is_valid),
		cmocka_unit_test(test_int_range),
		cmocka_unit_test(test_not_a_number),
		cmocka_unit_test(test_bad_enum),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_string_too_long),
		cmocka_unit_test(test_unknown_name),
		cmocka_unit_test_teardown(test_file_ok, cleanup_tmp),
		cmocka_unit_test_teardown(test_file_bad_line_reports_line, cleanup_tmp),
		cmocka_unit_test(test_file_missing),
		cmocka_unit_test_teardown(test_file_long_comment_line, cleanup_tmp),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_env_unknown_is_error),
		cmocka_unit_test(test_help_lists_every_setting),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
