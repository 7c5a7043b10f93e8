/* routes_search.c - the municipality-wide search (search.c). */
#include "app/app.h"

void ky_h_search(struct ky_req *, struct ky_resp *);

const struct ky_route ky_search_routes[] = {
	{"GET", "/api/v1/municipalities/{slug}/search", ky_h_search, 0},
};
const size_t ky_search_nroutes = sizeof(ky_search_routes) / sizeof(ky_search_routes[0]);
