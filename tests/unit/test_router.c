/* test_router.c - the table router (src/http/router.c): exact segments, {params}, trailing
 * slashes, empty segments, 405 with an Allow list, HEAD served by GET routes, and the
 * KY_MAX_PARAMS bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/http.h"

static void h_me(struct ky_req *req, struct ky_resp *resp)
{
	(void)req;
	(void)resp;
}

static void h_other(struct ky_req *req, struct ky_resp *resp)
{
	(void)req;
	(void)resp;
}

static const struct ky_route routes[] = {
	{"GET", "/", h_other, 0},
	{"GET", "/api/v1/me", h_me, KY_R_AUTH},
	{"PATCH", "/api/v1/me", h_other, KY_R_AUTH},
	{"DELETE", "/api/v1/me", h_other, KY_R_AUTH},
	{"GET", "/api/v1/me/sessions", h_other, KY_R_AUTH},
	{"DELETE", "/api/v1/me/sessions/{id}", h_other, KY_R_AUTH},
	{"GET", "/api/v1/regions/{slug}", h_other, 0},
	{"POST", "/api/v1/municipalities/{slug}/roles", h_other, KY_R_AUTH},
	{"DELETE", "/api/v1/municipalities/{slug}/roles/{id}", h_other, KY_R_AUTH},
	/* Two GET routes on overlapping paths: the first in table order wins, and the Allow list of
	 * a 405 names GET once. */
	{"GET", "/x/{a}", h_other, 0},
	{"GET", "/x/y", h_me, 0},
	/* Exactly KY_MAX_PARAMS (8) parameters, and one more than that. */
	{"GET", "/eight/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}", h_other, 0},
	{"GET", "/nine/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", h_other, 0},
};

struct match {
	enum ky_route_result res;
	const struct ky_route *route;
	const char *params[KY_MAX_PARAMS];
	int nparams;
	const char *allow;
};

static struct ky_arena *arena;

static int setup(void **state)
{
	(void)state;
	arena = ky_arena_new(1 << 20);
	return arena ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	ky_arena_free(arena);
	arena = NULL;
	return 0;
}

static struct match run(const char *method, const char *path)
{
	struct match m;
	memset(&m, 0, sizeof(m));
	m.nparams = -1;
	m.res = ky_router_match(routes, KY_COUNT(routes), arena, method, path, &m.route, m.params, &m.nparams,
				&m.allow);
	return m;
}

static void test_exact_match(void **state)
{
	(void)state;
	struct match m = run("GET", "/api/v1/me");
	assert_int_equal(m.res, KY_ROUTE_FOUND);
	assert_ptr_equal(m.route, &routes[1]);
	assert_int_equal(m.nparams, 0);
	assert_true(m.route->flags & KY_R_AUTH);

	m = run("PATCH", "/api/v1/me");
	assert_int_equal(m.res, KY_ROUTE_FOUND);
	assert_ptr_equal(m.route, &routes[2]);

	m = run("GET", "/api/v1/me/sessions");
	assert_int_equal(m.res, KY_ROUTE_FOUND);
	assert_ptr_equal(m.route, &routes[4]);

	m = run("GET", "/");
	assert_int_equal(m.res, KY_ROUTE_FOUND);
	assert_ptr_equal(m.route, &routes[0]);
}

static void test_not_found(void **state)
{
	(void)state;
	const char *paths[] = {
		"/api/v1/mex",      /* longer last segment */
		"/api/v1/m",        /* shorter last segment */
		"/api/v1",          /* prefix of a route */
		"/api/v1/me/extra", /* more segments */
		"/API/v1/me",       /* case matters */
		"/api/v2/me",
		"",                     /* not even "/" */
		"api/v1/me",            /* no leading slash */
		"/api/v1/me/sessions/", /* trailing slash after a literal */
	};
	for (size_t i = 0; i < KY_COUNT(paths); i++) {
		struct match m = run("GET", paths[i]);
		if (m.res != KY_ROUTE_NOT_FOUND)
			fail_msg("GET %s: expected NOT_FOUND, got %d", paths[i], m.res);
	}
}

static void test_params(void **state)
{
	(void)state;
	struct match m = run("DELETE", "/api/v1/municipalities/tokyo-chiyoda/roles/42");
	assert_int_equal(m.res, KY_ROUTE_FOUND);
	assert_ptr_equal(m.route, &routes[8]);
	assert_int_equal(m.nparams, 2);
	assert_string_equal(m.params[0], "tokyo-chiyoda");
	assert_string_equal(m.params[1], "42");

	/* Parameters are arena copies, not pointers into the path. */
	char path[] = "/api/v1/regions/kanto";
	m = run("GET", path);
	assert_int_equal(m.res, KY_ROUTE_FOUND);
	assert_int_equal(m.nparams, 1);
	path[16] = 'X';
	assert_string_equal(m.params[0], "kanto");

	/* Non-ASCII (already percent-decoded by the adapter) is one segment like any other. */
	m = run("GET", "/api/v1/regions/東京都");
	assert_int_equal(m.res, KY_ROUTE_FOUND);
	assert_string_equal(m.params[0], "東京都");

	/* A parameter never spans a '/'. */
	m = run("GET", "/api/v1/regions/a/b");
	assert_int_equal(m.res, KY_ROUTE_NOT_FOUND);
}

static void test_trailing_slash_does_not_match(void **state)
{
	(void)state;
	assert_int_equal(run("GET", "/api/v1/me/").res, KY_ROUTE_NOT_FOUND);
	assert_int_equal(run("GET", "/api/v1/regions/kanto/").res, KY_ROUTE_NOT_FOUND);
	assert_int_equal(run("DELETE", "/api/v1/municipalities/a/roles/1/").res, KY_ROUTE_NOT_FOUND);
	assert_int_equal(run("GET", "//").res, KY_ROUTE_NOT_FOUND);
}

static void test_empty_segment(void **state)
{
	(void)state;
	/* "{x}" needs a non-empty segment. */
	assert_int_equal(run("GET", "/api/v1/regions/").res, KY_ROUTE_NOT_FOUND);
	assert_int_equal(run("DELETE", "/api/v1/municipalities//roles/1").res, KY_ROUTE_NOT_FOUND);
	assert_int_equal(run("DELETE", "/api/v1/municipalities/a/roles/").res, KY_ROUTE_NOT_FOUND);
	/* Empty segments between literals. */
	assert_int_equal(run("GET", "/api//v1/me").res, KY_ROUTE_NOT_FOUND);
	assert_int_equal(run("GET", "//api/v1/me").res, KY_ROUTE_NOT_FOUND);
}

static void test_405_with_allow(void **state)
{
	(void)state;
	struct match m = run("POST", "/api/v1/me");
	assert_int_equal(m.res, KY_ROUTE_BAD_METHOD);
	assert_non_null(m.allow);
	assert_string_equal(m.allow, "GET, PATCH, DELETE");

	m = run("GET", "/api/v1/municipalities/tokyo/roles");
	assert_int_equal(m.res, KY_ROUTE_BAD_METHOD);
	assert_string_equal(m.allow, "POST");

	m = run("PUT", "/api/v1/me/sessions/7");
	assert_int_equal(m.res, KY_ROUTE_BAD_METHOD);
	assert_string_equal(m.allow, "DELETE");

	/* Two GET routes match /x/y: GET is listed once. */
	m = run("POST", "/x/y");
	assert_int_equal(m.res, KY_ROUTE_BAD_METHOD);
	assert_string_equal(m.allow, "GET");

	/* Methods are case-sensitive (RFC 9110): "get" is not GET. */
	m = run("get", "/api/v1/me");
	assert_int_equal(m.res, KY_ROUTE_BAD_METHOD);

	/* An unknown path is 404 whatever the method. */
	assert_int_equal(run("PUT", "/nope").res, KY_ROUTE_NOT_FOUND);

	/* allow may be NULL. */
	const struct ky_route *r = NULL;
	assert_int_equal(ky_router_match(routes, KY_COUNT(routes), arena, "POST", "/api/v1/me", &r, NULL, NULL, NULL),
			 KY_ROUTE_BAD_METHOD);
}

static void test_head_matches_get(void **state)
{
	(void)state;
	struct match m = run("HEAD", "/api/v1/me");
	assert_int_equal(m.res, KY_ROUTE_FOUND);
	assert_ptr_equal(m.route, &routes[1]);

	m = run("HEAD", "/api/v1/regions/kanto");
	assert_int_equal(m.res, KY_ROUTE_FOUND);
	assert_string_equal(m.params[0], "kanto");

	/* HEAD does not run a POST or DELETE handler. */
	m = run("HEAD", "/api/v1/municipalities/tokyo/roles");
	assert_int_equal(m.res, KY_ROUTE_BAD_METHOD);
	assert_string_equal(m.allow, "POST");
}

static void test_table_order_wins(void **state)
{
	(void)state;
	struct match m = run("GET", "/x/y");
	assert_int_equal(m.res, KY_ROUTE_FOUND);
	assert_ptr_equal(m.route, &routes[9]);
	assert_int_equal(m.nparams, 1);
	assert_string_equal(m.params[0], "y");
}

static void test_param_limit(void **state)
{
	(void)state;
	struct match m = run("GET", "/eight/1/2/3/4/5/6/7/8");
	assert_int_equal(m.res, KY_ROUTE_FOUND);
	assert_int_equal(m.nparams, KY_MAX_PARAMS);
	assert_string_equal(m.params[0], "1");
	assert_string_equal(m.params[7], "8");

	/* A ninth parameter would overflow req->params: such a pattern never matches. */
	m = run("GET", "/nine/1/2/3/4/5/6/7/8/9");
	assert_int_equal(m.res, KY_ROUTE_NOT_FOUND);
}

static void test_nparams_reset_on_exact_match(void **state)
{
	(void)state;
	const struct ky_route *r = NULL;
	const char *params[KY_MAX_PARAMS] = {0};
	int n = 99;
	assert_int_equal(ky_router_match(routes, KY_COUNT(routes), arena, "GET", "/api/v1/me", &r, params, &n, NULL),
			 KY_ROUTE_FOUND);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_exact_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_params, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trailing_slash_does_not_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_segment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_405_with_allow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_head_matches_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_order_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_param_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nparams_reset_on_exact_match, setup, teardown),
	};
	return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
