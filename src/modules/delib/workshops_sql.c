/* workshops_sql.c - migration 7: workshops (ワークショップ), their registrations and the source of
 * offline input.
 *
 * One registration per person and workshop is the unique index (workshop_id, user_id). A
 * registration is "registered" (holds a seat) or "waiting" (in id order). Every write that
 * changes registrations first locks the workshop row (a no-op UPDATE), so seat counting is
 * serialised per workshop on both engines. Comments and ideas recorded at a workshop carry
 * source = 'workshop' and workshop_id. */
const char ky_sql_workshops_m7[] =
	"CREATE TABLE delib_workshops (\n"
	"  id {{PK}},\n"
	"  process_id BIGINT NOT NULL REFERENCES delib_processes(id) ON DELETE CASCADE,\n"
	"  tenant_id BIGINT NOT NULL REFERENCES tenants(id),\n"
	"  title TEXT NOT NULL,\n"
	"  description TEXT NOT NULL DEFAULT '',\n"
	"  starts_at BIGINT NOT NULL,\n"
	"  ends_at BIGINT NOT NULL,\n"
	"  place TEXT NOT NULL DEFAULT '',\n"
	"  online_url TEXT NOT NULL DEFAULT '',\n"
	"  capacity BIGINT NOT NULL CHECK (capacity >= 1),\n"
	"  minutes TEXT NOT NULL DEFAULT '',\n"
	"  minutes_html TEXT NOT NULL DEFAULT '',\n"
	"  minutes_published_at BIGINT,\n"
	"  created_by BIGINT REFERENCES users(id),\n"
	"  created_at BIGINT NOT NULL,\n"
	"  updated_at BIGINT NOT NULL,\n"
	"  CHECK (ends_at > starts_at)\n"
	");\n"
	"CREATE INDEX delib_workshops_process ON delib_workshops(process_id, starts_at);\n"
	"CREATE TABLE delib_workshop_registrations (\n"
	"  id {{PK}},\n"
	"  workshop_id BIGINT NOT NULL REFERENCES delib_workshops(id) ON DELETE CASCADE,\n"
	"  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
	"  status TEXT NOT NULL CHECK (status IN ('registered', 'waiting')),\n"
	"  created_at BIGINT NOT NULL,\n"
	"  updated_at BIGINT NOT NULL\n"
	");\n"
	"CREATE UNIQUE INDEX delib_workshop_registrations_one ON delib_workshop_registrations(workshop_id, user_id);\n"
	"CREATE INDEX delib_workshop_registrations_queue ON delib_workshop_registrations(workshop_id, status, id);\n"
	"ALTER TABLE delib_comments ADD COLUMN source TEXT NOT NULL DEFAULT 'online';\n"
	"ALTER TABLE delib_comments ADD COLUMN workshop_id BIGINT REFERENCES delib_workshops(id);\n"
	"ALTER TABLE delib_ideas ADD COLUMN workshop_id BIGINT REFERENCES delib_workshops(id);\n"
	"CREATE INDEX delib_comments_workshop ON delib_comments(workshop_id);\n"
	"CREATE INDEX delib_ideas_workshop ON delib_ideas(workshop_id);\n";
