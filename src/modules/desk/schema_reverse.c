/* schema_reverse.c - migration 15 "desk_reverse_referral": reverse proposals (逆プロポ),
 * referral (横展開) and the region-wide case library (事例).
 *
 * Reverse proposals: a business organization publishes a theme (desk_reverse_themes) it wants
 * to work on with a municipality; municipalities' desks apply with their local problem statement
 * (desk_reverse_applications, one per municipality and theme: the UNIQUE constraint is what makes
 * two concurrent applications end as one). The business picks one or more applications; each pick
 * becomes a desk_proposals row (kind 'reverse', origin 'reverse:<theme id>') in the picked
 * municipality that continues at 対話 in the one workflow. The application's problem statement is
 * read by the business and the applying desk only.
 *
 * Referral: the proposer consents per proposal (desk_referral_consents) and names the public
 * documents it shares (desk_referral_documents); only then may the desk refer the proposal to
 * other municipalities of the same region (desk_referrals). The target's desk reads the public
 * summary and those documents - never a confidential document (the handler refuses to share one
 * and the reader joins on visibility = 'public' again), never the dialogue - and may open its own
 * consultation: a linked proposal (origin 'referral:<referral id>') in its municipality.
 *
 * Cases: a completed proposal may be published by its desk as a case (desk_cases) that every
 * municipality of the region can browse and adopt (desk_case_adoptions), which creates a linked
 * draft challenge in the adopter's co-creation list. Case text is written by the desk for the
 * public; nothing is copied into it from documents or the dialogue. */

const char ky_sql_desk_reverse_m15[] =
	"CREATE TABLE desk_reverse_themes (\n"
	"  id {{PK}},\n"
	"  organization_id BIGINT NOT NULL REFERENCES organizations(id),\n"
	"  created_by BIGINT REFERENCES users(id),\n"
	"  title TEXT NOT NULL,\n"
	"  summary TEXT NOT NULL DEFAULT '',\n"
	"  offer TEXT NOT NULL DEFAULT '',\n"
	"  want_to_learn TEXT NOT NULL DEFAULT '',\n"
	"  period TEXT NOT NULL DEFAULT '',\n"
	"  cost_borne TEXT NOT NULL DEFAULT '',\n"
	"  policy_field TEXT NOT NULL DEFAULT '',\n"
	"  target_region_id BIGINT REFERENCES tenants(id),\n"
	"  apply_deadline BIGINT NOT NULL,\n"
	"  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'closed')),\n"
	"  pick_reason TEXT,\n"
	"  picked_at BIGINT,\n"
	"  published_at BIGINT,\n"
	"  closed_at BIGINT,\n"
	"  created_at BIGINT NOT NULL,\n"
	"  updated_at BIGINT NOT NULL\n"
	");\n"
	"CREATE INDEX desk_reverse_themes_status ON desk_reverse_themes(status, id);\n"
	"CREATE INDEX desk_reverse_themes_org ON desk_reverse_themes(organization_id);\n"
	"CREATE TABLE desk_reverse_applications (\n"
	"  id {{PK}},\n"
	"  theme_id BIGINT NOT NULL REFERENCES desk_reverse_themes(id),\n"
	"  tenant_id BIGINT NOT NULL REFERENCES tenants(id),\n"
	"  department TEXT NOT NULL DEFAULT '',\n"
	"  problem_statement TEXT NOT NULL,\n"
	"  status TEXT NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'picked', 'not_picked')),\n"
	"  proposal_id BIGINT REFERENCES desk_proposals(id),\n"
	"  created_by BIGINT REFERENCES users(id),\n"
	"  created_at BIGINT NOT NULL,\n"
	"  updated_at BIGINT NOT NULL,\n"
	"  UNIQUE (theme_id, tenant_id)\n"
	");\n"
	"CREATE INDEX desk_reverse_applications_tenant ON desk_reverse_applications(tenant_id);\n"
	"CREATE TABLE desk_referral_consents (\n"
	"  proposal_id BIGINT PRIMARY KEY REFERENCES desk_proposals(id) ON DELETE CASCADE,\n"
	"  tenant_id BIGINT NOT NULL REFERENCES tenants(id),\n"
	"  note TEXT NOT NULL DEFAULT '',\n"
	"  consented_by BIGINT REFERENCES users(id),\n"
	"  consented_at BIGINT NOT NULL,\n"
	"  revoked_at BIGINT\n"
	");\n"
	"CREATE TABLE desk_referral_documents (\n"
	"  proposal_id BIGINT NOT NULL REFERENCES desk_proposals(id) ON DELETE CASCADE,\n"
	"  document_id BIGINT NOT NULL REFERENCES desk_documents(id) ON DELETE CASCADE,\n"
	"  PRIMARY KEY (proposal_id, document_id)\n"
	");\n"
	"CREATE TABLE desk_referrals (\n"
	"  id {{PK}},\n"
	"  proposal_id BIGINT NOT NULL REFERENCES desk_proposals(id) ON DELETE CASCADE,\n"
	"  from_tenant_id BIGINT NOT NULL REFERENCES tenants(id),\n"
	"  to_tenant_id BIGINT NOT NULL REFERENCES tenants(id),\n"
	"  note TEXT NOT NULL DEFAULT '',\n"
	"  status TEXT NOT NULL DEFAULT 'referred' CHECK (status IN ('referred', 'opened')),\n"
	"  opened_proposal_id BIGINT REFERENCES desk_proposals(id),\n"
	"  referred_by BIGINT REFERENCES users(id),\n"
	"  created_at BIGINT NOT NULL,\n"
	"  opened_at BIGINT,\n"
	"  UNIQUE (proposal_id, to_tenant_id)\n"
	");\n"
	"CREATE INDEX desk_referrals_to ON desk_referrals(to_tenant_id, id);\n"
	"CREATE INDEX desk_referrals_from ON desk_referrals(from_tenant_id, id);\n"
	"CREATE TABLE desk_cases (\n"
	"  id {{PK}},\n"
	"  proposal_id BIGINT NOT NULL UNIQUE REFERENCES desk_proposals(id),\n"
	"  tenant_id BIGINT NOT NULL REFERENCES tenants(id),\n"
	"  region_id BIGINT NOT NULL REFERENCES tenants(id),\n"
	"  title TEXT NOT NULL,\n"
	"  summary TEXT NOT NULL,\n"
	"  outcomes TEXT NOT NULL DEFAULT '',\n"
	"  kpis TEXT NOT NULL DEFAULT '',\n"
	"  contact_department TEXT NOT NULL,\n"
	"  policy_field TEXT NOT NULL DEFAULT '',\n"
	"  created_by BIGINT REFERENCES users(id),\n"
	"  created_at BIGINT NOT NULL,\n"
	"  updated_at BIGINT NOT NULL,\n"
	"  published_at BIGINT NOT NULL\n"
	");\n"
	"CREATE INDEX desk_cases_region ON desk_cases(region_id, id);\n"
	"CREATE TABLE desk_case_adoptions (\n"
	"  id {{PK}},\n"
	"  case_id BIGINT NOT NULL REFERENCES desk_cases(id),\n"
	"  tenant_id BIGINT NOT NULL REFERENCES tenants(id),\n"
	"  challenge_id BIGINT NOT NULL REFERENCES desk_challenges(id),\n"
	"  adopted_by BIGINT REFERENCES users(id),\n"
	"  created_at BIGINT NOT NULL,\n"
	"  UNIQUE (case_id, tenant_id)\n"
	");\n";
