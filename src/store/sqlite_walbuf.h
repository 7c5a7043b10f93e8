/* sqlite_walbuf.h - the SQLite VFS that writes a transaction's WAL frames in one call
 * (see sqlite_walbuf.c). Internal to src/store/. */
#ifndef KY_STORE_SQLITE_WALBUF_H
#define KY_STORE_SQLITE_WALBUF_H

/* Registers the VFS as SQLite's default, wrapping the default at the time of the call. Call once,
 * before the first connection is opened. Returns SQLITE_OK or an SQLite error code. */
int ky_sqlite_walbuf_register(void);

#endif
