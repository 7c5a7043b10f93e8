/* surveys_sql.c - migration 6: surveys (意向調査), their responses and paper entries.
 *
 * delib_surveys.questions holds the validated question list as JSON (see surveys.c); responses
 * hold their answers as a JSON array aligned with the questions. One response per person is the
 * unique index (survey_id, user_id); paper responses have user_id NULL. respondent_key is a
 * random key that is the only identifier the raw CSV shows. */
const char ky_sql_surveys[] =
	"CREATE TABLE delib_surveys (\n"
	"  id {{PK}},\n"
	"  process_id BIGINT NOT NULL REFERENCES delib_processes(id) ON DELETE CASCADE,\n"
	"  tenant_id BIGINT NOT NULL REFERENCES tenants(id),\n"
	"  title TEXT NOT NULL,\n"
	"  description TEXT NOT NULL DEFAULT '',\n"
	"  opens_at BIGINT NOT NULL,\n"
	"  closes_at BIGINT NOT NULL,\n"
	"  eligibility TEXT NOT NULL DEFAULT 'logged_in' CHECK (eligibility IN ('logged_in', 'email_verified', 'residents')),\n"
	"  results_visibility TEXT NOT NULL DEFAULT 'after_close' CHECK (results_visibility IN ('after_close', 'always')),\n"
	"  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'closed')),\n"
	"  questions TEXT NOT NULL DEFAULT '[]',\n"
	"  districts TEXT NOT NULL DEFAULT '[]',\n"
	"  created_by BIGINT REFERENCES users(id),\n"
	"  created_at BIGINT NOT NULL,\n"
	"  updated_at BIGINT NOT NULL,\n"
	"  published_at BIGINT,\n"
	"  closed_at BIGINT,\n"
	"  CHECK (closes_at > opens_at)\n"
	");\n"
	"CREATE INDEX delib_surveys_process ON delib_surveys(process_id);\n"
	"CREATE TABLE delib_survey_responses (\n"
	"  id {{PK}},\n"
	"  survey_id BIGINT NOT NULL REFERENCES delib_surveys(id) ON DELETE CASCADE,\n"
	"  user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,\n"
	"  respondent_key TEXT NOT NULL UNIQUE,\n"
	"  source TEXT NOT NULL DEFAULT 'online' CHECK (source IN ('online', 'paper')),\n"
	"  age_band TEXT NOT NULL DEFAULT '',\n"
	"  district TEXT NOT NULL DEFAULT '',\n"
	"  answers TEXT NOT NULL,\n"
	"  entered_by BIGINT REFERENCES users(id),\n"
	"  created_at BIGINT NOT NULL,\n"
	"  updated_at BIGINT NOT NULL\n"
	");\n"
	"CREATE UNIQUE INDEX delib_survey_responses_one ON delib_survey_responses(survey_id, user_id);\n";
