/* migrations.c - the schema, as an ordered list of versioned migrations (tokens: see db.h).
 *
 * Times are BIGINT Unix milliseconds, UTC. Role grants carry a `scope` text ("global",
 * "tenant:ID", "org:ID") so one UNIQUE constraint covers every kind of grant on both engines
 * (NULLs would not be compared). Never edit a released migration: add a new one. */
#include "store/db.h"

extern const char ky_sql_comments_m4[]; /* src/modules/delib/comments_schema.c */
extern const char ky_sql_drafts_m5[];   /* src/modules/delib/drafts_schema.c */
/* src/modules/delib/surveys_sql.c */
extern const char ky_sql_surveys[];
extern const char ky_sql_workshops_m7[];     /* src/modules/delib/workshops_sql.c */
extern const char ky_sql_reports_m8[];       /* src/modules/delib/reports_schema.c */
extern const char ky_sql_stats_m10[];        /* src/modules/delib/stats_schema.c */
extern const char ky_sql_desk_m12[];         /* src/modules/desk/schema.c */
extern const char ky_sql_desk_select_m14[];  /* src/modules/desk/schema_select.c */
extern const char ky_sql_desk_reverse_m15[]; /* src/modules/desk/schema_reverse.c */
extern const char ky_sql_opinion_m16[];      /* src/modules/opinion/schema.c */

const struct ky_migration ky_migrations[] = {
	{1, "foundation",
	 "CREATE TABLE kv_settings (\n"
	 "  key TEXT PRIMARY KEY,\n"
	 "  value TEXT NOT NULL\n"
	 ");\n"
	 "CREATE TABLE tenants (\n"
	 "  id {{PK}},\n"
	 "  kind TEXT NOT NULL CHECK (kind IN ('region', 'municipality')),\n"
	 "  parent_id BIGINT REFERENCES tenants(id),\n"
	 "  slug TEXT NOT NULL UNIQUE,\n"
	 "  name TEXT NOT NULL,\n"
	 "  name_en TEXT NOT NULL,\n"
	 "  description TEXT NOT NULL DEFAULT '',\n"
	 "  description_en TEXT NOT NULL DEFAULT '',\n"
	 "  population BIGINT,\n"
	 "  contact_email TEXT NOT NULL DEFAULT '',\n"
	 "  proposal_answer_days BIGINT NOT NULL DEFAULT 60,\n"
	 "  created_at BIGINT NOT NULL,\n"
	 "  updated_at BIGINT NOT NULL\n"
	 ");\n"
	 "CREATE TABLE users (\n"
	 "  id {{PK}},\n"
	 "  email TEXT UNIQUE,\n"
	 "  email_verified BIGINT NOT NULL DEFAULT 0,\n"
	 "  password_hash TEXT,\n"
	 "  display_name TEXT,\n"
	 "  lang TEXT NOT NULL DEFAULT 'ja',\n"
	 "  created_at BIGINT NOT NULL,\n"
	 "  deleted_at BIGINT\n"
	 ");\n"
	 "CREATE TABLE sessions (\n"
	 "  id {{PK}},\n"
	 "  token_hash TEXT NOT NULL UNIQUE,\n"
	 "  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
	 "  created_at BIGINT NOT NULL,\n"
	 "  last_seen_at BIGINT NOT NULL,\n"
	 "  expires_at BIGINT NOT NULL,\n"
	 "  user_agent TEXT NOT NULL DEFAULT ''\n"
	 ");\n"
	 "CREATE INDEX sessions_user ON sessions(user_id);\n"
	 "CREATE TABLE tokens (\n"
	 "  id {{PK}},\n"
	 "  token_hash TEXT NOT NULL UNIQUE,\n"
	 "  kind TEXT NOT NULL CHECK (kind IN ('verify_email', 'password_reset')),\n"
	 "  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
	 "  email TEXT NOT NULL,\n"
	 "  created_at BIGINT NOT NULL,\n"
	 "  expires_at BIGINT NOT NULL,\n"
	 "  used_at BIGINT\n"
	 ");\n"
	 "CREATE INDEX tokens_user ON tokens(user_id);\n"
	 "CREATE TABLE outbox (\n"
	 "  id {{PK}},\n"
	 "  to_addr TEXT NOT NULL,\n"
	 "  subject TEXT NOT NULL,\n"
	 "  body TEXT NOT NULL,\n"
	 "  created_at BIGINT NOT NULL,\n"
	 "  sent_at BIGINT\n"
	 ");\n"
	 "CREATE INDEX outbox_to ON outbox(to_addr);\n"
	 "CREATE TABLE organizations (\n"
	 "  id {{PK}},\n"
	 "  name TEXT NOT NULL,\n"
	 "  description TEXT NOT NULL DEFAULT '',\n"
	 "  created_at BIGINT NOT NULL\n"
	 ");\n"
	 "CREATE TABLE role_grants (\n"
	 "  id {{PK}},\n"
	 "  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
	 "  role TEXT NOT NULL,\n"
	 "  scope TEXT NOT NULL,\n"
	 "  tenant_id BIGINT REFERENCES tenants(id),\n"
	 "  organization_id BIGINT REFERENCES organizations(id),\n"
	 "  granted_by BIGINT,\n"
	 "  granted_at BIGINT NOT NULL,\n"
	 "  UNIQUE (user_id, role, scope)\n"
	 ");\n"
	 "CREATE INDEX role_grants_tenant ON role_grants(tenant_id);\n"
	 "CREATE INDEX role_grants_org ON role_grants(organization_id);\n"
	 "CREATE TABLE rate_limits (\n"
	 "  key TEXT PRIMARY KEY,\n"
	 "  window_start BIGINT NOT NULL,\n"
	 "  count BIGINT NOT NULL\n"
	 ");\n"
	 "CREATE TABLE audit_log (\n"
	 "  seq BIGINT PRIMARY KEY,\n"
	 "  at BIGINT NOT NULL,\n"
	 "  actor_id BIGINT,\n"
	 "  tenant_id BIGINT,\n"
	 "  action TEXT NOT NULL,\n"
	 "  target TEXT NOT NULL DEFAULT '',\n"
	 "  detail TEXT NOT NULL DEFAULT '{}',\n"
	 "  public BIGINT NOT NULL DEFAULT 0,\n"
	 "  prev_hash TEXT NOT NULL,\n"
	 "  hash TEXT NOT NULL\n"
	 ");\n"
	 "CREATE INDEX audit_public ON audit_log(public, tenant_id, seq);\n",
	 /* SQLite: the audit log refuses UPDATE and DELETE (an attacker with file access can drop the
	  * triggers; the hash chain still exposes the change). */
	 "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log\n"
	 "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;\n"
	 "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log\n"
	 "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;\n",
	 "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS\n"
	 "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;\n"
	 "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit_log\n"
	 "FOR EACH ROW EXECUTE FUNCTION audit_append_only();\n"},
	{2, "outbox_delivery",
	 /* Delivery state for the background mail sender: a row is claimed by setting claimed_at
	  * (only if unclaimed or the claim is stale), then marked sent or released with the error. */
	 "ALTER TABLE outbox ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;\n"
	 "ALTER TABLE outbox ADD COLUMN claimed_at BIGINT;\n"
	 "ALTER TABLE outbox ADD COLUMN last_error TEXT;\n"
	 "CREATE INDEX outbox_pending ON outbox(sent_at, id);\n",
	 NULL, NULL},
	{3, "deliberation_core",
	 /* Participatory processes (参加型プロセス) with ordered phases, themes, ideas and supports,
	  * plus follows and the in-app notification inbox that every module shares. Content rows carry
	  * hidden_at/hidden_reason for moderation; author_id stays when an account is deleted (the
	  * author is then shown as 退会したユーザー). */
	 "CREATE TABLE delib_processes (\n"
	 "  id {{PK}},\n"
	 "  tenant_id BIGINT NOT NULL REFERENCES tenants(id),\n"
	 "  title TEXT NOT NULL,\n"
	 "  summary TEXT NOT NULL DEFAULT '',\n"
	 "  body TEXT NOT NULL DEFAULT '',\n"
	 "  body_html TEXT NOT NULL DEFAULT '',\n"
	 "  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'closed')),\n"
	 "  created_by BIGINT REFERENCES users(id),\n"
	 "  created_at BIGINT NOT NULL,\n"
	 "  updated_at BIGINT NOT NULL,\n"
	 "  published_at BIGINT,\n"
	 "  closed_at BIGINT\n"
	 ");\n"
	 "CREATE INDEX delib_processes_tenant ON delib_processes(tenant_id, status);\n"
	 "CREATE TABLE delib_phases (\n"
	 "  id {{PK}},\n"
	 "  process_id BIGINT NOT NULL REFERENCES delib_processes(id) ON DELETE CASCADE,\n"
	 "  position BIGINT NOT NULL,\n"
	 "  title TEXT NOT NULL,\n"
	 "  description TEXT NOT NULL DEFAULT '',\n"
	 "  starts_at BIGINT NOT NULL,\n"
	 "  ends_at BIGINT NOT NULL,\n"
	 "  actions TEXT NOT NULL DEFAULT '',\n"
	 "  UNIQUE (process_id, position),\n"
	 "  CHECK (ends_at > starts_at)\n"
	 ");\n"
	 "CREATE TABLE delib_themes (\n"
	 "  id {{PK}},\n"
	 "  process_id BIGINT NOT NULL REFERENCES delib_processes(id) ON DELETE CASCADE,\n"
	 "  tenant_id BIGINT NOT NULL REFERENCES tenants(id),\n"
	 "  title TEXT NOT NULL,\n"
	 "  body TEXT NOT NULL DEFAULT '',\n"
	 "  body_html TEXT NOT NULL DEFAULT '',\n"
	 "  category TEXT NOT NULL DEFAULT '',\n"
	 "  district TEXT NOT NULL DEFAULT '',\n"
	 "  support_limit BIGINT NOT NULL DEFAULT 0,\n"
	 "  created_by BIGINT REFERENCES users(id),\n"
	 "  created_at BIGINT NOT NULL,\n"
	 "  updated_at BIGINT NOT NULL,\n"
	 "  hidden_at BIGINT,\n"
	 "  hidden_reason TEXT\n"
	 ");\n"
	 "CREATE INDEX delib_themes_process ON delib_themes(process_id);\n"
	 "CREATE TABLE delib_ideas (\n"
	 "  id {{PK}},\n"
	 "  theme_id BIGINT NOT NULL REFERENCES delib_themes(id) ON DELETE CASCADE,\n"
	 "  process_id BIGINT NOT NULL REFERENCES delib_processes(id) ON DELETE CASCADE,\n"
	 "  tenant_id BIGINT NOT NULL REFERENCES tenants(id),\n"
	 "  author_id BIGINT REFERENCES users(id),\n"
	 "  title TEXT NOT NULL,\n"
	 "  body TEXT NOT NULL DEFAULT '',\n"
	 "  body_html TEXT NOT NULL DEFAULT '',\n"
	 "  category TEXT NOT NULL DEFAULT '',\n"
	 "  district TEXT NOT NULL DEFAULT '',\n"
	 "  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'considering', 'adopted',\n"
	 "    'partially_adopted', 'rejected', 'withdrawn')),\n"
	 "  answer TEXT,\n"
	 "  answered_by BIGINT REFERENCES users(id),\n"
	 "  answered_at BIGINT,\n"
	 "  source TEXT NOT NULL DEFAULT 'online' CHECK (source IN ('online', 'workshop', 'paper')),\n"
	 "  source_note TEXT NOT NULL DEFAULT '',\n"
	 "  support_count BIGINT NOT NULL DEFAULT 0,\n"
	 "  comment_count BIGINT NOT NULL DEFAULT 0,\n"
	 "  created_at BIGINT NOT NULL,\n"
	 "  updated_at BIGINT NOT NULL,\n"
	 "  hidden_at BIGINT,\n"
	 "  hidden_reason TEXT\n"
	 ");\n"
	 "CREATE INDEX delib_ideas_theme ON delib_ideas(theme_id, created_at);\n"
	 "CREATE INDEX delib_ideas_author ON delib_ideas(author_id);\n"
	 "CREATE TABLE delib_supports (\n"
	 "  idea_id BIGINT NOT NULL REFERENCES delib_ideas(id) ON DELETE CASCADE,\n"
	 "  user_id BIGINT NOT NULL REFERENCES users(id),\n"
	 "  theme_id BIGINT NOT NULL,\n"
	 "  created_at BIGINT NOT NULL,\n"
	 "  PRIMARY KEY (idea_id, user_id)\n"
	 ");\n"
	 "CREATE INDEX delib_supports_user_theme ON delib_supports(user_id, theme_id);\n"
	 "CREATE TABLE follows (\n"
	 "  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
	 "  target_kind TEXT NOT NULL,\n"
	 "  target_id BIGINT NOT NULL,\n"
	 "  created_at BIGINT NOT NULL,\n"
	 "  PRIMARY KEY (user_id, target_kind, target_id)\n"
	 ");\n"
	 "CREATE INDEX follows_target ON follows(target_kind, target_id);\n"
	 "CREATE TABLE notifications (\n"
	 "  id {{PK}},\n"
	 "  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
	 "  kind TEXT NOT NULL,\n"
	 "  target_kind TEXT NOT NULL DEFAULT '',\n"
	 "  target_id BIGINT NOT NULL DEFAULT 0,\n"
	 "  title TEXT NOT NULL,\n"
	 "  title_en TEXT NOT NULL DEFAULT '',\n"
	 "  url TEXT NOT NULL DEFAULT '',\n"
	 "  created_at BIGINT NOT NULL,\n"
	 "  read_at BIGINT\n"
	 ");\n"
	 "CREATE INDEX notifications_user ON notifications(user_id, read_at, id);\n",
	 NULL, NULL},
	{4, "comments_moderation", ky_sql_comments_m4, NULL, NULL},
	{5, "drafts_suggestions", ky_sql_drafts_m5, NULL, NULL},
	{6, "surveys", ky_sql_surveys, NULL, NULL},
	{7, "workshops", ky_sql_workshops_m7, NULL, NULL},
	{8, "result_reports", ky_sql_reports_m8, NULL, NULL},
	{10, "stats_export_keys", ky_sql_stats_m10, NULL, NULL},
	/* The most-supported and most-discussed idea lists read a theme's ideas in index order and
	 * stop after one page, instead of sorting the whole theme per request (bench/delib.sh:
	 * 100,000 ideas in a theme took 70-100 ms per page without them). */
	{11, "idea_list_indexes",
	 "CREATE INDEX delib_ideas_theme_supported ON delib_ideas(theme_id, support_count, id);\n"
	 "CREATE INDEX delib_ideas_theme_discussed ON delib_ideas(theme_id, comment_count, id);\n",
	 NULL, NULL},
	{12, "desk_core", ky_sql_desk_m12, NULL, NULL},
	/* A version number per theme that changes whenever the theme's idea list may change: any
	 * write to one of its ideas, or a change of an author's name or account. The anonymous idea
	 * list is cached per version (src/core/rcache.h), so the triggers are the whole invalidation:
	 * no code path can forget it. SQLite only: there the database serialises writers anyway; on
	 * PostgreSQL the bump would make every write in a theme queue on one row, so the column stays
	 * 0 and the cache is not used. */
	{13, "idea_list_version", "ALTER TABLE delib_themes ADD COLUMN list_version BIGINT NOT NULL DEFAULT 0;\n",
	 "CREATE TRIGGER delib_ideas_lv_insert AFTER INSERT ON delib_ideas BEGIN\n"
	 " UPDATE delib_themes SET list_version = list_version + 1 WHERE id = NEW.theme_id;\n"
	 "END;\n"
	 "CREATE TRIGGER delib_ideas_lv_update AFTER UPDATE ON delib_ideas BEGIN\n"
	 " UPDATE delib_themes SET list_version = list_version + 1 WHERE id IN (OLD.theme_id, NEW.theme_id);\n"
	 "END;\n"
	 "CREATE TRIGGER delib_ideas_lv_delete AFTER DELETE ON delib_ideas BEGIN\n"
	 " UPDATE delib_themes SET list_version = list_version + 1 WHERE id = OLD.theme_id;\n"
	 "END;\n"
	 "CREATE TRIGGER users_lv_update AFTER UPDATE OF display_name, deleted_at ON users BEGIN\n"
	 " UPDATE delib_themes SET list_version = list_version + 1\n"
	 "  WHERE id IN (SELECT theme_id FROM delib_ideas WHERE author_id = NEW.id);\n"
	 "END;\n",
	 NULL},
	{14, "desk_selection", ky_sql_desk_select_m14, NULL, NULL},
	{15, "desk_reverse_referral", ky_sql_desk_reverse_m15, NULL, NULL},
	{16, "opinion", ky_sql_opinion_m16, NULL, NULL},
	/* Migration 13's update trigger bumped "id IN (OLD.theme_id, NEW.theme_id)"; SQLite builds an
	 * ephemeral table for such a list, which every support paid for. An idea's own theme is
	 * bumped by rowid, and the rare move to another theme bumps the old one in a trigger of its
	 * own. SQLite only, as migration 13. */
	{17, "list_version_triggers", "",
	 "DROP TRIGGER delib_ideas_lv_update;\n"
	 "CREATE TRIGGER delib_ideas_lv_update AFTER UPDATE ON delib_ideas BEGIN\n"
	 " UPDATE delib_themes SET list_version = list_version + 1 WHERE id = NEW.theme_id;\n"
	 "END;\n"
	 "CREATE TRIGGER delib_ideas_lv_move AFTER UPDATE OF theme_id ON delib_ideas\n"
	 " WHEN OLD.theme_id <> NEW.theme_id BEGIN\n"
	 " UPDATE delib_themes SET list_version = list_version + 1 WHERE id = OLD.theme_id;\n"
	 "END;\n",
	 NULL},
	/* A case can be withdrawn from the regional library by its desk, with a public reason; the
	 * row and its adoptions stay (modules/desk/cases.c). */
	{18, "desk_case_withdrawal",
	 "ALTER TABLE desk_cases ADD COLUMN withdrawn_at BIGINT;\n"
	 "ALTER TABLE desk_cases ADD COLUMN withdrawn_reason TEXT;\n",
	 NULL, NULL},
	/* KPI targets and actuals may be decimal (85.5 %, 3.2 km). SQLite stores a REAL in the BIGINT
	 * columns as it is; PostgreSQL changes the column type. */
	{19, "desk_kpi_decimal", "", NULL,
	 "ALTER TABLE desk_kpis ALTER COLUMN target TYPE DOUBLE PRECISION;\n"
	 "ALTER TABLE desk_kpi_actuals ALTER COLUMN actual TYPE DOUBLE PRECISION;\n"},
	/* Version 9 was reserved for search, which needed no schema. Versions 14 (desk selection),
	 * 15 (reverse proposals), 16 (opinion), 17 (list-version triggers), 18 (case withdrawal) and
	 * 19 (decimal KPIs) are taken; the next migration is 20. */
};
const int ky_migrations_count = (int)(sizeof(ky_migrations) / sizeof(ky_migrations[0]));
