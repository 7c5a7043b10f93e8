/* routes_process.c - routes of processes, phases, themes, ideas and supports. */
#include "app/app.h"

const struct ky_route ky_delib_routes[] = {
	{NULL, NULL, NULL, 0}, /* placeholder until the first route lands */
};
const size_t ky_delib_nroutes = 0;
