/* comments_schema.c - migration 4: comments with their edit history, moderation reports.
 *
 * Comments attach to a target (target_kind, target_id): "theme" and "idea" today, "paragraph"
 * and "report" once those tables exist. tenant_id and process_id are copied from the target at
 * posting time so lists and moderation queues need no joins to scope by municipality.
 * parent_id is the comment the reply hangs under in the tree (depth bounded, see comments.c);
 * reply_to_id is the comment the author actually answered. A deleted comment keeps its row
 * (body emptied) so the thread keeps its shape. One open report per user per item is
 * guaranteed by a partial unique index (both engines support them). */

const char ky_sql_comments_m4[] =
	"CREATE TABLE delib_comments (\n"
	"  id {{PK}},\n"
	"  tenant_id BIGINT NOT NULL REFERENCES tenants(id),\n"
	"  process_id BIGINT NOT NULL REFERENCES delib_processes(id) ON DELETE CASCADE,\n"
	"  target_kind TEXT NOT NULL CHECK (target_kind IN ('theme', 'idea', 'paragraph', 'report')),\n"
	"  target_id BIGINT NOT NULL,\n"
	"  parent_id BIGINT REFERENCES delib_comments(id),\n"
	"  reply_to_id BIGINT REFERENCES delib_comments(id),\n"
	"  depth BIGINT NOT NULL DEFAULT 1,\n"
	"  author_id BIGINT REFERENCES users(id),\n"
	"  stance TEXT NOT NULL CHECK (stance IN ('for', 'against', 'neutral')),\n"
	"  body TEXT NOT NULL,\n"
	"  body_html TEXT NOT NULL DEFAULT '',\n"
	"  is_staff BIGINT NOT NULL DEFAULT 0,\n"
	"  created_at BIGINT NOT NULL,\n"
	"  updated_at BIGINT NOT NULL,\n"
	"  edited_at BIGINT,\n"
	"  deleted_at BIGINT,\n"
	"  hidden_at BIGINT,\n"
	"  hidden_reason TEXT\n"
	");\n"
	"CREATE INDEX delib_comments_target ON delib_comments(target_kind, target_id, id);\n"
	"CREATE INDEX delib_comments_author ON delib_comments(author_id);\n"
	"CREATE INDEX delib_comments_tenant ON delib_comments(tenant_id, id);\n"
	"CREATE TABLE delib_comment_versions (\n"
	"  id {{PK}},\n"
	"  comment_id BIGINT NOT NULL REFERENCES delib_comments(id) ON DELETE CASCADE,\n"
	"  stance TEXT NOT NULL,\n"
	"  body TEXT NOT NULL,\n"
	"  created_at BIGINT NOT NULL\n"
	");\n"
	"CREATE INDEX delib_comment_versions_comment ON delib_comment_versions(comment_id, id);\n"
	"CREATE TABLE moderation_reports (\n"
	"  id {{PK}},\n"
	"  tenant_id BIGINT NOT NULL REFERENCES tenants(id),\n"
	"  content_kind TEXT NOT NULL CHECK (content_kind IN ('comment', 'idea', 'theme')),\n"
	"  content_id BIGINT NOT NULL,\n"
	"  reporter_id BIGINT REFERENCES users(id) ON DELETE SET NULL,\n"
	"  reason TEXT NOT NULL,\n"
	"  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'hidden', 'dismissed')),\n"
	"  created_at BIGINT NOT NULL,\n"
	"  resolved_by BIGINT REFERENCES users(id),\n"
	"  resolved_at BIGINT\n"
	");\n"
	"CREATE UNIQUE INDEX moderation_reports_open ON moderation_reports(reporter_id, content_kind, content_id)"
	" WHERE status = 'open';\n"
	"CREATE INDEX moderation_reports_queue ON moderation_reports(tenant_id, status, id);\n"
	"CREATE INDEX moderation_reports_content ON moderation_reports(content_kind, content_id);\n";
