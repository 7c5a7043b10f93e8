/* static.c - serving the built web UI from web_root. Hashed files under /assets/ are cached for a
 * year (their names change when their content does); everything else revalidates. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/server.h"

static const char *mime_for(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".json", "application/json"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".jpg", "image/jpeg"},
		{".webp", "image/webp"},
		{".ico", "image/x-icon"},
		{".woff2", "font/woff2"},
		{".txt", "text/plain; charset=utf-8"},
		{".map", "application/json"},
		{".webmanifest", "application/manifest+json"},
	};
	const char *dot = strrchr(path, '.');
	if (dot)
		for (size_t i = 0; i < KY_COUNT(types); i++)
			if (!strcmp(dot, types[i].ext))
				return types[i].type;
	return "application/octet-stream";
}

/* Rejects "..", ".", empty segments, dot-files and backslashes. */
static bool path_safe(const char *p)
{
	if (strchr(p, '\\'))
		return false;
	const char *s = p;
	while (*s == '/') {
		s++;
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 0 && e)
			return false;
		if (n > 0 && s[0] == '.')
			return false;
		s += n;
	}
	return true;
}

static bool open_file(const char *root_real, const char *rel, int *fd, uint64_t *size)
{
	char full[PATH_MAX], real[PATH_MAX];
	int n = snprintf(full, sizeof(full), "%s%s", root_real, rel);
	if (n < 0 || (size_t)n >= sizeof(full))
		return false;
	if (!realpath(full, real))
		return false;
	size_t rl = strlen(root_real);
	if (strncmp(real, root_real, rl) != 0 || real[rl] != '/')
		return false;
	int f = open(real, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return false;
	struct stat st;
	if (fstat(f, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(f);
		return false;
	}
	*fd = f;
	*size = (uint64_t)st.st_size;
	return true;
}

void ky_static_serve(struct ky_req *req, struct ky_resp *resp, const char *root_real)
{
	if (!path_safe(req->path)) {
		ky_problem(req, resp, 400, "bad_request", NULL, "このパスは使えません", "This path is not allowed");
		return;
	}
	bool asset = strncmp(req->path, "/assets/", 8) == 0;
	int fd = -1;
	uint64_t size = 0;
	const char *rel = req->path;
	if (strcmp(rel, "/") == 0)
		rel = "/index.html";
	if (root_real && open_file(root_real, rel, &fd, &size)) {
		resp->fd = fd;
		resp->fd_size = size;
		resp->status = 200;
		resp->content_type = mime_for(rel);
		ky_resp_header(req, resp, "Cache-Control",
			       asset ? "public, max-age=31536000, immutable" : "no-cache");
		return;
	}
	if (asset || !root_real) {
		ky_problem(req, resp, 404, "not_found", NULL, NULL, NULL);
		return;
	}
	if (open_file(root_real, "/index.html", &fd, &size)) {
		resp->fd = fd;
		resp->fd_size = size;
		resp->status = 200;
		resp->content_type = "text/html; charset=utf-8";
		ky_resp_header(req, resp, "Cache-Control", "no-cache");
		return;
	}
	ky_resp_text(req, resp, 503, "text/plain; charset=utf-8",
		     "The web UI is not built: run `make build` (web_root has no index.html).\n");
}
