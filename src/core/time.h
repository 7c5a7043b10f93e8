/* time.h - wall-clock time as Unix milliseconds (UTC), the one time format stored. */
#ifndef KY_TIME_H
#define KY_TIME_H
#include <stdint.h>
#include <time.h>

static inline int64_t ky_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
#endif
