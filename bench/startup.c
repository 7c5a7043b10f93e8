/* startup.c - measures a server's start-up time to ready, as a client sees it.
 *
 * For each of N runs: take a CLOCK_MONOTONIC timestamp, fork and exec the server command, then
 * poll 127.0.0.1:PORT every 100 us with "GET /readyz" until it answers 200. The time between the
 * timestamp and that 200 is the start-up time to ready (it includes fork/exec, dynamic loading,
 * opening and checking the database and binding the socket). Right after it, the child's VmRSS
 * is read from /proc/PID/status (idle RSS after start). Then the child gets SIGTERM and is reaped
 * before the next run.
 *
 * Usage: startup PORT RUNS LOGFILE -- COMMAND [ARGS...]
 *   The child's stdout and stderr are appended to LOGFILE (the script reads ready_us from it).
 * Output, one line per run:  run=I ready_us=T rss_kb=R
 * Exit status: 0, or 1 if a run did not become ready within 10 s.
 *
 * Built by bench/run.sh with `cc -O2`; no dependencies beyond libc. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* One GET /readyz. Returns 1 on a 200 answer, 0 otherwise (refused, reset, 503, ...). */
static int ready(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int ok = 0;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
		struct timeval tv = {.tv_sec = 2};
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		static const char req[] = "GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
		if (write(fd, req, sizeof(req) - 1) == (ssize_t)(sizeof(req) - 1)) {
			char buf[64];
			ssize_t n = read(fd, buf, sizeof(buf) - 1);
			if (n >= 12) {
				buf[n] = '\0';
				ok = strncmp(buf + 9, "200", 3) == 0;
			}
		}
	}
	close(fd);
	return ok;
}

static long rss_kb(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	long kb = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	if (argc < 6 || strcmp(argv[4], "--") != 0) {
		fprintf(stderr, "usage: %s PORT RUNS LOGFILE -- COMMAND [ARGS...]\n", argv[0]);
		return 2;
	}
	int port = (int)strtol(argv[1], NULL, 10);
	int runs = (int)strtol(argv[2], NULL, 10);
	const char *logfile = argv[3];
	char **cmd = argv + 5;
	int status = 0;
	for (int i = 1; i <= runs; i++) {
		long long t0 = now_us();
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			int fd = open(logfile, O_WRONLY | O_CREAT | O_APPEND, 0644);
			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
				close(fd);
			}
			execvp(cmd[0], cmd);
			perror("exec");
			_exit(127);
		}
		long long t1 = 0;
		while (now_us() - t0 < 10000000) {
			if (ready(port)) {
				t1 = now_us();
				break;
			}
			int st;
			if (waitpid(pid, &st, WNOHANG) == pid) {
				fprintf(stderr, "startup: run %d: server exited before it was ready\n", i);
				return 1;
			}
			usleep(100);
		}
		long kb = rss_kb(pid);
		kill(pid, SIGTERM);
		int st;
		waitpid(pid, &st, 0);
		if (!t1) {
			fprintf(stderr, "startup: run %d: not ready after 10 s\n", i);
			status = 1;
			continue;
		}
		printf("run=%d ready_us=%lld rss_kb=%ld\n", i, t1 - t0, kb);
		fflush(stdout);
		usleep(200000); /* let the port and the database settle */
	}
	return status;
}
