/* fuzz_cookie.c - libFuzzer target for ky_cookie_find (src/http/parse.c).
 *
 * Input: "NAME\nHEADER" looks NAME up in the Cookie header HEADER; without a newline the whole
 * input is the header and the session, CSRF and language cookies are looked up. Checked: a found
 * value lies inside the header, holds no ';', has no surrounding blanks, and the header really
 * has a cookie with exactly that name (the name is preceded by the start, ';' or a blank and
 * followed by blanks and '='). */
#include <string.h>

#include "fuzz.h"
#include "http/http.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* True when header has "name" as a cookie name somewhere. */
static bool has_cookie_name(const char *header, const char *name)
{
	size_t nl = strlen(name);
	for (const char *p = header; (p = strstr(p, name)) != NULL; p++) {
		if (p != header && p[-1] != ';' && !is_blank(p[-1]))
			continue;
		const char *q = p + nl;
		while (is_blank(*q))
			q++;
		if (*q == '=')
			return true;
	}
	return false;
}

static void check(struct ky_arena *a, const char *header, const char *name)
{
	const char *v = ky_cookie_find(a, header, name);
	if (!v)
		return;
	size_t vl = strlen(v);
	FUZZ_CHECK(vl <= strlen(header));
	FUZZ_CHECK(strchr(v, ';') == NULL);
	FUZZ_CHECK(strstr(header, v) != NULL);
	FUZZ_CHECK(has_cookie_name(header, name));
	if (vl > 0) {
		FUZZ_CHECK(!is_blank(v[0]) || strchr(header, '"'));
		FUZZ_CHECK(!is_blank(v[vl - 1]) || strchr(header, '"'));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	FUZZ_CHECK(buf != NULL);
	memcpy(buf, data, size);
	buf[size] = '\0'; /* MHD hands over NUL-terminated header values */
	struct ky_arena *a = ky_arena_new(1 << 20);
	FUZZ_CHECK(a != NULL);
	char *nl = strchr(buf, '\n');
	if (nl && nl - buf <= 64) {
		*nl = '\0';
		if (buf[0])
			check(a, nl + 1, buf);
	} else {
		check(a, buf, "kyoso_session");
		check(a, buf, "kyoso_csrf");
		check(a, buf, "kyoso_lang");
	}
	ky_arena_free(a);
	free(buf);
	return 0;
}
