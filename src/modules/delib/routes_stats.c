/* routes_stats.c - routes of process statistics and open-data exports (stats.c, stats_export.c). */
#include "app/app.h"

void ky_h_stats(struct ky_req *, struct ky_resp *);
void ky_h_export_json(struct ky_req *, struct ky_resp *);
void ky_h_export_csv(struct ky_req *, struct ky_resp *);

const struct ky_route ky_stats_routes[] = {
	{"GET", "/api/v1/municipalities/{slug}/processes/{id}/stats", ky_h_stats, 0},
	{"GET", "/api/v1/municipalities/{slug}/processes/{id}/export.json", ky_h_export_json, 0},
	{"GET", "/api/v1/municipalities/{slug}/processes/{id}/export.csv", ky_h_export_csv, 0},
};
const size_t ky_stats_nroutes = sizeof(ky_stats_routes) / sizeof(ky_stats_routes[0]);
