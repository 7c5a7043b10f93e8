/* reports_schema.c - migration 8: result reports (結果報告) of a process.
 *
 * One report per process (UNIQUE process_id). Its 「皆さんの声とその反映」 section is a list of
 * links (delib_report_links) to an idea, an accepted suggested change or a survey of the same
 * process, each with a note of how it was reflected. Edits after publishing add a revision row
 * (delib_report_revisions) with the staff's note and which parts changed; the page shows them
 * as 「○月○日 更新」. */
const char ky_sql_reports_m8[] =
	"CREATE TABLE delib_reports (\n"
	"  id {{PK}},\n"
	"  process_id BIGINT NOT NULL UNIQUE REFERENCES delib_processes(id) ON DELETE CASCADE,\n"
	"  tenant_id BIGINT NOT NULL REFERENCES tenants(id),\n"
	"  body TEXT NOT NULL,\n"
	"  body_html TEXT NOT NULL,\n"
	"  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),\n"
	"  created_by BIGINT REFERENCES users(id),\n"
	"  created_at BIGINT NOT NULL,\n"
	"  updated_at BIGINT NOT NULL,\n"
	"  published_at BIGINT\n"
	");\n"
	"CREATE TABLE delib_report_links (\n"
	"  report_id BIGINT NOT NULL REFERENCES delib_reports(id) ON DELETE CASCADE,\n"
	"  position BIGINT NOT NULL,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('idea', 'suggestion', 'survey')),\n"
	"  target_id BIGINT NOT NULL,\n"
	"  note TEXT NOT NULL DEFAULT '',\n"
	"  PRIMARY KEY (report_id, position),\n"
	"  UNIQUE (report_id, kind, target_id)\n"
	");\n"
	"CREATE TABLE delib_report_revisions (\n"
	"  id {{PK}},\n"
	"  report_id BIGINT NOT NULL REFERENCES delib_reports(id) ON DELETE CASCADE,\n"
	"  created_at BIGINT NOT NULL,\n"
	"  created_by BIGINT REFERENCES users(id),\n"
	"  note TEXT NOT NULL,\n"
	"  changed TEXT NOT NULL DEFAULT ''\n"
	");\n"
	"CREATE INDEX delib_report_revisions_report ON delib_report_revisions(report_id, id);\n";
