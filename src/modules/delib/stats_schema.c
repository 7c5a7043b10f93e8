/* stats_schema.c - migration 10: the per-process random key behind the pseudonymous author ids
 * of open-data exports (see stats.h). The key never leaves the server. */
const char ky_sql_stats_m10[] =
	"CREATE TABLE delib_export_keys (\n"
	"  process_id BIGINT PRIMARY KEY REFERENCES delib_processes(id) ON DELETE CASCADE,\n"
	"  secret TEXT NOT NULL,\n"
	"  created_at BIGINT NOT NULL\n"
	");\n";
