/* sqlite_walbuf.c - a VFS that gathers the WAL frames of one transaction into one write.
 *
 * SQLite appends each WAL frame with two pwrite calls (the 24-byte frame header, then the page),
 * so a group-commit batch of 25 supports cost about 65 system calls before its one fdatasync.
 * This VFS wraps the default one ("unix") and changes only files opened as a WAL: a write that
 * continues the previous one is appended to a buffer instead, and the buffer goes to the kernel
 * in one pwrite
 *   - as soon as the page of a commit frame is in it (so a transaction's frames are in the file
 *     before SQLite publishes them to readers in the WAL index, whatever the synchronous level),
 *   - before any sync, read, truncate, size query, file control or close of that file,
 *   - when the next write does not continue it, or would overflow it.
 * The bytes that reach the file, their order relative to every sync, and every error are what
 * the wrapped VFS would have seen; only the number of calls changes. A failed flush is reported
 * by the call that triggered it (the commit frame's write, or the sync), so SQLite fails the
 * transaction exactly as if the pwrite had failed.
 *
 * Every other file (the database, its shared memory, temporary files) is opened by the wrapped
 * VFS straight into SQLite's buffer, so it costs nothing. */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_walbuf.h"

/* Bytes gathered at most before a forced flush: the unix VFS writes at most 0x1ffff bytes per
 * call (it masks the length), so one flush must stay below 128 KiB (31 frames of 4 KiB pages). */
#define WB_CAP 0x1ffffu
#define WB_FRAME_HDR 24 /* WAL frame header; bytes 4..7 hold the commit size, 0 if none */

struct wb_file {
	sqlite3_file base;  /* pMethods = &wb_methods */
	sqlite3_file *real; /* the wrapped VFS's file, right after this struct */
	unsigned char *buf; /* allocated at the first write */
	sqlite3_int64 off;  /* file offset of buf[0] */
	size_t len;
	bool commit_hdr; /* the last write was the header of a commit frame */
};

static sqlite3_vfs *wb_real_vfs;
static sqlite3_vfs wb_vfs;
static sqlite3_io_methods wb_methods;

static struct wb_file *wb(sqlite3_file *f)
{
	return (struct wb_file *)f;
}

static int wb_flush(struct wb_file *f)
{
	if (!f->len)
		return SQLITE_OK;
	int rc = f->real->pMethods->xWrite(f->real, f->buf, (int)f->len, f->off);
	f->len = 0;
	return rc;
}

static int wb_close(sqlite3_file *file)
{
	struct wb_file *f = wb(file);
	int rc = wb_flush(f);
	int rc2 = f->real->pMethods->xClose(f->real);
	free(f->buf);
	f->buf = NULL;
	return rc != SQLITE_OK ? rc : rc2;
}

static int wb_read(sqlite3_file *file, void *out, int amt, sqlite3_int64 off)
{
	struct wb_file *f = wb(file);
	int rc = wb_flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xRead(f->real, out, amt, off);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int wb_write(sqlite3_file *file, const void *data, int amt, sqlite3_int64 off)
{
	struct wb_file *f = wb(file);
	int rc;
	size_t n = (size_t)amt;
	bool commit_page = f->commit_hdr && n != WB_FRAME_HDR;
	f->commit_hdr = n == WB_FRAME_HDR && be32((const unsigned char *)data + 4) != 0;
	if (f->len && (off != f->off + (sqlite3_int64)f->len || f->len + n > WB_CAP)) {
		rc = wb_flush(f);
		if (rc != SQLITE_OK)
			return rc;
	}
	if (!f->buf && n < WB_CAP)
		f->buf = malloc(WB_CAP);
	if (!f->buf || n >= WB_CAP) /* no memory for gathering, or a write larger than the buffer */
		return f->real->pMethods->xWrite(f->real, data, amt, off);
	if (!f->len)
		f->off = off;
	memcpy(f->buf + f->len, data, n);
	f->len += n;
	return commit_page ? wb_flush(f) : SQLITE_OK;
}

static int wb_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	struct wb_file *f = wb(file);
	int rc = wb_flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xTruncate(f->real, size);
}

static int wb_sync(sqlite3_file *file, int flags)
{
	struct wb_file *f = wb(file);
	int rc = wb_flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int wb_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
	struct wb_file *f = wb(file);
	int rc = wb_flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xFileSize(f->real, size);
}

static int wb_lock(sqlite3_file *file, int lock)
{
	return wb(file)->real->pMethods->xLock(wb(file)->real, lock);
}

static int wb_unlock(sqlite3_file *file, int lock)
{
	return wb(file)->real->pMethods->xUnlock(wb(file)->real, lock);
}

static int wb_check_reserved(sqlite3_file *file, int *out)
{
	return wb(file)->real->pMethods->xCheckReservedLock(wb(file)->real, out);
}

static int wb_file_control(sqlite3_file *file, int op, void *arg)
{
	struct wb_file *f = wb(file);
	int rc = wb_flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xFileControl(f->real, op, arg);
}

static int wb_sector_size(sqlite3_file *file)
{
	return wb(file)->real->pMethods->xSectorSize(wb(file)->real);
}

static int wb_device_characteristics(sqlite3_file *file)
{
	return wb(file)->real->pMethods->xDeviceCharacteristics(wb(file)->real);
}

static int wb_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
	(void)vfs;
	if (!(flags & SQLITE_OPEN_WAL)) /* straight into SQLite's buffer: no wrapper at all */
		return wb_real_vfs->xOpen(wb_real_vfs, name, file, flags, out_flags);
	struct wb_file *f = wb(file);
	memset(f, 0, sizeof(*f));
	f->real = (sqlite3_file *)(f + 1);
	int rc = wb_real_vfs->xOpen(wb_real_vfs, name, f->real, flags, out_flags);
	/* SQLite calls xClose only on files whose pMethods is set. */
	f->base.pMethods = f->real->pMethods ? &wb_methods : NULL;
	return rc;
}

/* Forwarders for the VFS methods that do not touch files. */
static int wb_delete(sqlite3_vfs *v, const char *name, int sync_dir)
{
	(void)v;
	return wb_real_vfs->xDelete(wb_real_vfs, name, sync_dir);
}

static int wb_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	(void)v;
	return wb_real_vfs->xAccess(wb_real_vfs, name, flags, out);
}

static int wb_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out)
{
	(void)v;
	return wb_real_vfs->xFullPathname(wb_real_vfs, name, n, out);
}

static void *wb_dl_open(sqlite3_vfs *v, const char *name)
{
	(void)v;
	return wb_real_vfs->xDlOpen(wb_real_vfs, name);
}

static void wb_dl_error(sqlite3_vfs *v, int n, char *msg)
{
	(void)v;
	wb_real_vfs->xDlError(wb_real_vfs, n, msg);
}

static void (*wb_dl_sym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
	(void)v;
	return wb_real_vfs->xDlSym(wb_real_vfs, h, sym);
}

static void wb_dl_close(sqlite3_vfs *v, void *h)
{
	(void)v;
	wb_real_vfs->xDlClose(wb_real_vfs, h);
}

static int wb_randomness(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return wb_real_vfs->xRandomness(wb_real_vfs, n, out);
}

static int wb_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return wb_real_vfs->xSleep(wb_real_vfs, us);
}

static int wb_current_time(sqlite3_vfs *v, double *out)
{
	(void)v;
	return wb_real_vfs->xCurrentTime(wb_real_vfs, out);
}

static int wb_get_last_error(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return wb_real_vfs->xGetLastError ? wb_real_vfs->xGetLastError(wb_real_vfs, n, out) : 0;
}

static int wb_current_time_int64(sqlite3_vfs *v, sqlite3_int64 *out)
{
	(void)v;
	return wb_real_vfs->xCurrentTimeInt64(wb_real_vfs, out);
}

int ky_sqlite_walbuf_register(void)
{
	sqlite3_vfs *real = sqlite3_vfs_find(NULL);
	if (!real || real->iVersion < 2 || !real->xCurrentTimeInt64)
		return SQLITE_ERROR;
	wb_real_vfs = real;
	/* WAL files need only these methods: SQLite never maps or shares memory through them. */
	wb_methods = (sqlite3_io_methods){
		.iVersion = 1,
		.xClose = wb_close,
		.xRead = wb_read,
		.xWrite = wb_write,
		.xTruncate = wb_truncate,
		.xSync = wb_sync,
		.xFileSize = wb_file_size,
		.xLock = wb_lock,
		.xUnlock = wb_unlock,
		.xCheckReservedLock = wb_check_reserved,
		.xFileControl = wb_file_control,
		.xSectorSize = wb_sector_size,
		.xDeviceCharacteristics = wb_device_characteristics,
	};
	int sz = (int)sizeof(struct wb_file) + real->szOsFile;
	wb_vfs = (sqlite3_vfs){
		.iVersion = 2,
		.szOsFile = sz > real->szOsFile ? sz : real->szOsFile,
		.mxPathname = real->mxPathname,
		.zName = "kyoso-walbuf",
		.xOpen = wb_open,
		.xDelete = wb_delete,
		.xAccess = wb_access,
		.xFullPathname = wb_full_pathname,
		.xDlOpen = wb_dl_open,
		.xDlError = wb_dl_error,
		.xDlSym = wb_dl_sym,
		.xDlClose = wb_dl_close,
		.xRandomness = wb_randomness,
		.xSleep = wb_sleep,
		.xCurrentTime = wb_current_time,
		.xGetLastError = wb_get_last_error,
		.xCurrentTimeInt64 = wb_current_time_int64,
	};
	return sqlite3_vfs_register(&wb_vfs, 1);
}
