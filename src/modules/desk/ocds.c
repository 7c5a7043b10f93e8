/* ocds.c - the Open Contracting Data Standard 1.1 export of a municipality's co-creation desk:
 * one release package with a release per proposal that reached the selection of the
 * implementer (実施者選定) or later.
 *
 *   ocid         "ocds-kyoso-<slug>-desk-<proposal id>": the prefix "ocds-kyoso-<slug>-" needs no
 *                setting and is stable for a municipality (it is not registered with the OCDS
 *                helpdesk; a deployment that registers one can map it).
 *   planning     rationale = the proposal's public summary and the challenge it answers
 *   tender       procurementMethod: negotiated -> direct (随意契約), proposal/price competition ->
 *                open (公募); procurementMethodDetails names the Japanese method, the incentive
 *                for the original proposer and the grounds; awardCriteria ratedCriteria /
 *                priceOnly with the weights in awardCriteriaDetails; tenderPeriod = the public
 *                call; tenderers only once the result is published
 *   awards       the published winner (competition) or the proposer (negotiated, once signed)
 *   contracts    the agreement: public summary, term, signing date, public documents, and the
 *                KPIs as implementation milestones (type reporting) with target and actual
 *
 * Built from public columns only: confidential documents, bids' content, scores of single
 * evaluators, dialogue and meeting minutes are never read here; publicationPolicy links the
 * policy (GET .../desk/ocds-policy). Shared by the API and `kyoso export ocds`. A municipality
 * with no release gets no package: 404 "no_releases" from the API, exit 3 from the CLI. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/time.h"
#include "modules/desk/desk_select.h"

extern char **environ;

static json_t *iso(int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char buf[40];
	if (!gmtime_r(&t, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return json_null();
	return json_string(buf);
}

static json_t *str(const char *s)
{
	return json_string(s ? s : "");
}

static const char policy_ja[] =
	"共創窓口のOCDSデータは、民間提案の公開記録（件名、公開の概要、事業者名、選定方法と理由、評価項目と配点、"
	"事業者ごとの合計点、協定の公開概要と期間、KPIの目標と実績、公開の資料）だけから作成します。"
	"事業者が非公開とした資料・添付ファイル、応募書類の内容、評価者ごとの採点、対話と会議の記録は含めません。";
static const char policy_en[] =
	"The co-creation desk's OCDS data is built only from the public record of each proposal (title, public summary, "
	"business name, selection method and grounds, criteria and weights, each bidder's total, the agreement's public "
	"summary and term, KPI targets and actuals, public documents). Documents and attachments a business marked "
	"confidential, the content of bids, single evaluators' scores, the dialogue and meeting records are never included.";

struct prow {
	int64_t id, org_id, updated_at, submitted_at, sel_id, opens, closes, published_at, awarded_org, incentive_points, signed_at;
	int64_t term_start, term_end, reports;
	char *title, *summary, *stage, *method, *grounds, *org_name, *challenge, *outcome, *call_summary, *incentive,
		*awarded_name, *agreement_summary;
};

static char *dup(const char *s)
{
	return strdup(s ? s : "");
}

static void prow_free(struct prow *p)
{
	free(p->title);
	free(p->summary);
	free(p->stage);
	free(p->method);
	free(p->grounds);
	free(p->org_name);
	free(p->challenge);
	free(p->outcome);
	free(p->call_summary);
	free(p->incentive);
	free(p->awarded_name);
	free(p->agreement_summary);
}

static json_t *public_docs(struct ky_db *db, int64_t pid, const char *sections_sql, const char *page, const char *type)
{
	json_t *a = json_array();
	struct ky_rows *r = NULL;
	char sql[400];
	snprintf(sql, sizeof(sql),
		 "SELECT id, title, created_at FROM desk_documents WHERE proposal_id = ? AND visibility = 'public'"
		 " AND section IN (%s) ORDER BY id",
		 sections_sql);
	if (KY_QUERY(db, sql, &r, KY_VINT(pid)))
		return a;
	while (ky_rows_next(r) == 1) {
		char id[40];
		snprintf(id, sizeof(id), "doc-%" PRId64, ky_rows_int(r, 0));
		json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:s, s:o, s:s}", "id", id, "documentType", type, "title",
						   str(ky_rows_text(r, 1)), "url", page, "datePublished", iso(ky_rows_int(r, 2)),
						   "language", "ja"));
	}
	ky_rows_free(r);
	return a;
}

static json_t *org_ref(int64_t id, const char *name)
{
	char buf[40];
	snprintf(buf, sizeof(buf), "kyoso-org-%" PRId64, id);
	return json_pack("{s:s, s:o}", "id", buf, "name", str(name));
}

/* KPIs as implementation milestones: one per reporting date (or one without a date). */
static json_t *milestones(struct ky_db *db, int64_t pid, int64_t now)
{
	json_t *out = json_array();
	json_t *kpis = ky_desk_kpis_json(db, pid);
	size_t i;
	json_t *k;
	json_array_foreach(kpis, i, k)
	{
		int64_t kid = json_integer_value(json_object_get(k, "id"));
		double latest = -1;
		struct ky_rows *r = NULL;
		if (KY_QUERY(db,
			     "SELECT a.actual FROM desk_kpi_actuals a JOIN desk_reports rp ON rp.id = a.report_id WHERE a.kpi_id = ?"
			     " ORDER BY rp.period_end DESC, rp.id DESC LIMIT 1",
			     &r, KY_VINT(kid)) == KY_OK) {
			if (ky_rows_next(r) == 1)
				latest = ky_desk_rows_figure(r, 0);
			ky_rows_free(r);
		}
		double target = json_number_value(json_object_get(k, "target"));
		const char *unit = json_string_value(json_object_get(k, "unit"));
		char desc[600], ts[64], ls[64];
		ky_desk_figure_fmt(target, ts, sizeof(ts));
		ky_desk_figure_fmt(latest, ls, sizeof(ls));
		if (latest >= 0)
			snprintf(desc, sizeof(desc), "目標 %s %s／直近の実績 %s %s", ts, unit, ls, unit);
		else
			snprintf(desc, sizeof(desc), "目標 %s %s／実績の報告はまだありません", ts, unit);
		json_t *dates = json_object_get(k, "reporting_dates");
		size_t nd = json_array_size(dates);
		for (size_t j = 0; j < (nd ? nd : 1); j++) {
			char id[64];
			snprintf(id, sizeof(id), "kpi-%" PRId64 "-%zu", kid, j + 1);
			json_t *m = json_pack("{s:s, s:O, s:s, s:s}", "id", id, "title", json_object_get(k, "name"), "type", "reporting",
					      "description", desc);
			const char *status = "scheduled";
			if (nd) {
				int64_t due = json_integer_value(json_array_get(dates, j));
				json_object_set_new(m, "dueDate", iso(due));
				if (due <= now)
					status = latest < 0 ? "notMet" : latest >= target ? "met"
											  : "partiallyMet";
			} else if (latest >= 0) {
				status = latest >= target ? "met" : "partiallyMet";
			}
			json_object_set_new(m, "status", json_string(status));
			json_array_append_new(out, m);
		}
	}
	json_decref(kpis);
	return out;
}

static json_t *release(struct ky_db *db, const struct prow *p, int64_t tid, const char *tname, const char *slug,
		       const char *base, int64_t now)
{
	char ocid[200], rid[80], buyer_id[40], page[600];
	snprintf(ocid, sizeof(ocid), "ocds-kyoso-%s-desk-%" PRId64, slug, p->id);
	snprintf(rid, sizeof(rid), "desk-%" PRId64 "-%" PRId64, p->id, p->updated_at);
	snprintf(buyer_id, sizeof(buyer_id), "kyoso-tenant-%" PRId64, tid);
	snprintf(page, sizeof(page), "%s/m/%s/desk/proposals/%" PRId64, base, slug, p->id);
	bool negotiated = !strcmp(p->method, "negotiated");
	bool published = p->published_at > 0;
	bool is_signed = p->signed_at > 0;
	int64_t awarded_org = negotiated ? p->org_id : p->awarded_org;
	const char *awarded_name = negotiated ? p->org_name : p->awarded_name;
	bool awarded = negotiated ? is_signed : published;

	json_t *tags = json_array();
	json_array_append_new(tags, json_string("tender"));
	if (awarded)
		json_array_append_new(tags, json_string("award"));
	if (is_signed)
		json_array_append_new(tags, json_string("contract"));
	if (is_signed && (p->reports || !strcmp(p->stage, "monitoring") || !strcmp(p->stage, "completed")))
		json_array_append_new(tags, json_string("implementation"));

	/* Parties: the municipality, the proposer and - once the result is public - the bidders. */
	json_t *parties = json_array();
	json_array_append_new(parties, json_pack("{s:s, s:s, s:[s, s]}", "id", buyer_id, "name", tname, "roles", "buyer",
						 "procuringEntity"));
	json_t *tenderers = json_array();
	json_t *prop = org_ref(p->org_id, p->org_name);
	json_object_set_new(prop, "roles", json_array());
	json_array_append_new(parties, prop);
	if (published && p->sel_id) {
		struct ky_rows *r = NULL;
		if (KY_QUERY(db,
			     "SELECT o.id, o.name FROM desk_bids b JOIN organizations o ON o.id = b.organization_id"
			     " WHERE b.selection_id = ? ORDER BY b.id",
			     &r, KY_VINT(p->sel_id)) == KY_OK) {
			while (ky_rows_next(r) == 1) {
				int64_t oid = ky_rows_int(r, 0);
				json_array_append_new(tenderers, org_ref(oid, ky_rows_text(r, 1)));
				if (oid == p->org_id) {
					json_array_append_new(json_object_get(prop, "roles"), json_string("tenderer"));
				} else {
					json_t *o = org_ref(oid, ky_rows_text(r, 1));
					json_object_set_new(o, "roles", json_pack("[s]", "tenderer"));
					json_array_append_new(parties, o);
				}
			}
			ky_rows_free(r);
		}
	}
	if (awarded && awarded_org) {
		for (size_t i = 0; i < json_array_size(parties); i++) {
			json_t *o = json_array_get(parties, i);
			char want[40];
			snprintf(want, sizeof(want), "kyoso-org-%" PRId64, awarded_org);
			if (!strcmp(json_string_value(json_object_get(o, "id")), want))
				json_array_append_new(json_object_get(o, "roles"), json_string("supplier"));
		}
	}
	if (!json_array_size(json_object_get(prop, "roles")))
		json_array_append_new(json_object_get(prop, "roles"), json_string("interestedParty"));

	/* planning */
	char *rationale = NULL;
	size_t rl = 0;
	FILE *f = open_memstream(&rationale, &rl);
	if (f) {
		fputs(p->summary, f);
		if (*p->challenge)
			fprintf(f, "\n\n共創リストの課題: %s", p->challenge);
		if (*p->outcome)
			fprintf(f, "\n目指す成果: %s", p->outcome);
		fclose(f);
	}
	json_t *planning = json_pack("{s:o}", "rationale", str(rationale));
	free(rationale);

	/* tender */
	char tid_s[60], details[3000], crit[1500] = "";
	snprintf(tid_s, sizeof(tid_s), "desk-%" PRId64 "-tender", p->id);
	if (p->sel_id) {
		struct ky_rows *r = NULL;
		if (KY_QUERY(db, "SELECT name, weight FROM desk_criteria WHERE selection_id = ? ORDER BY position, id", &r,
			     KY_VINT(p->sel_id)) == KY_OK) {
			size_t off = 0;
			while (ky_rows_next(r) == 1) {
				int n = snprintf(crit + off, sizeof(crit) - off, "%s%s %" PRId64 "点", off ? "、" : "",
						 ky_rows_text(r, 0), ky_rows_int(r, 1));
				if (n > 0 && (size_t)n < sizeof(crit) - off)
					off += (size_t)n;
			}
			ky_rows_free(r);
		}
	}
	if (negotiated)
		snprintf(details, sizeof(details), "随意契約（提案者との協議）。理由: %s", p->grounds);
	else if (!strcmp(p->method, "proposal_competition") && p->incentive_points)
		snprintf(details, sizeof(details), "公募型プロポーザル（原提案者への加点 %" PRId64 " 点%s%s）。理由: %s",
			 p->incentive_points, *p->incentive ? "：" : "", p->incentive, p->grounds);
	else if (!strcmp(p->method, "proposal_competition"))
		snprintf(details, sizeof(details), "公募型プロポーザル。理由: %s", p->grounds);
	else
		snprintf(details, sizeof(details), "価格競争。選定の理由: %s", p->grounds);
	json_t *tender = json_pack("{s:s, s:o, s:o, s:s, s:s, s:{s:s, s:o}}", "id", tid_s, "title", str(p->title),
				   "description", str(*p->call_summary ? p->call_summary : p->summary), "procurementMethod",
				   negotiated ? "direct" : "open", "procurementMethodDetails", details, "procuringEntity", "id",
				   buyer_id, "name", str(tname));
	if (negotiated)
		json_object_set_new(tender, "procurementMethodRationale", str(p->grounds));
	else {
		json_object_set_new(tender, "awardCriteria",
				    json_string(!strcmp(p->method, "price_competition") ? "priceOnly" : "ratedCriteria"));
		if (*crit)
			json_object_set_new(tender, "awardCriteriaDetails", json_string(crit));
		if (p->opens && p->closes)
			json_object_set_new(tender, "tenderPeriod",
					    json_pack("{s:o, s:o}", "startDate", iso(p->opens), "endDate", iso(p->closes)));
	}
	const char *tstatus = "active";
	if (!strcmp(p->stage, "ended") && !awarded)
		tstatus = "cancelled";
	else if (awarded || (negotiated && strcmp(p->stage, "selection")))
		tstatus = "complete";
	json_object_set_new(tender, "status", json_string(tstatus));
	if (published) {
		json_object_set_new(tender, "numberOfTenderers", json_integer((json_int_t)json_array_size(tenderers)));
		json_object_set_new(tender, "tenderers", tenderers);
	} else {
		json_decref(tenderers);
	}
	json_t *tdocs = public_docs(db, p->id, "'proposal', 'selection'", page, "technicalSpecifications");
	if (json_array_size(tdocs))
		json_object_set_new(tender, "documents", tdocs);
	else
		json_decref(tdocs);

	json_t *rel = json_pack("{s:s, s:s, s:o, s:o, s:s, s:s, s:o, s:{s:s, s:s}, s:o, s:o}", "ocid", ocid, "id", rid, "date",
				iso(p->updated_at), "tag", tags, "initiationType", "tender", "language", "ja", "parties", parties,
				"buyer", "id", buyer_id, "name", tname, "planning", planning, "tender", tender);

	/* awards */
	char aid[60];
	snprintf(aid, sizeof(aid), "desk-%" PRId64 "-award", p->id);
	if (awarded && awarded_org) {
		json_t *aw = json_pack("{s:s, s:o, s:s, s:o, s:[o]}", "id", aid, "title", str(p->title), "status", "active", "date",
				       iso(negotiated ? p->signed_at : p->published_at), "suppliers", org_ref(awarded_org, awarded_name));
		json_object_set_new(rel, "awards", json_pack("[o]", aw));
	}
	/* contracts */
	if (is_signed && awarded) {
		char cid[60];
		snprintf(cid, sizeof(cid), "desk-%" PRId64 "-contract", p->id);
		const char *cstatus = !strcmp(p->stage, "completed") || !strcmp(p->stage, "ended") ? "terminated" : "active";
		json_t *c = json_pack("{s:s, s:s, s:o, s:o, s:s, s:o}", "id", cid, "awardID", aid, "title", str(p->title),
				      "description", str(p->agreement_summary), "status", cstatus, "dateSigned", iso(p->signed_at));
		if (p->term_start || p->term_end) {
			json_t *per = json_object();
			if (p->term_start)
				json_object_set_new(per, "startDate", iso(p->term_start));
			if (p->term_end)
				json_object_set_new(per, "endDate", iso(p->term_end));
			json_object_set_new(c, "period", per);
		}
		json_t *cdocs = public_docs(db, p->id, "'agreement'", page, "contractSummary");
		if (json_array_size(cdocs))
			json_object_set_new(c, "documents", cdocs);
		else
			json_decref(cdocs);
		json_t *impl = json_object();
		json_t *ms = milestones(db, p->id, now);
		if (json_array_size(ms))
			json_object_set_new(impl, "milestones", ms);
		else
			json_decref(ms);
		json_t *mdocs = public_docs(db, p->id, "'monitoring'", page, "physicalProgressReport");
		if (json_array_size(mdocs))
			json_object_set_new(impl, "documents", mdocs);
		else
			json_decref(mdocs);
		json_object_set_new(c, "implementation", impl);
		json_object_set_new(rel, "contracts", json_pack("[o]", c));
	}
	return rel;
}

enum ky_err ky_desk_ocds_package(struct ky_db *db, int64_t tid, const char *slug, const char *base_url, json_t **out)
{
	*out = NULL;
	int64_t now = ky_now_ms(), latest = 0;
	char *tname = NULL;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(db, "SELECT name FROM tenants WHERE id = ?", &r, KY_VINT(tid));
	if (rc)
		return rc;
	if (ky_rows_next(r) == 1)
		tname = dup(ky_rows_text(r, 0));
	ky_rows_free(r);
	if (!tname)
		return KY_ERR_NOT_FOUND;
	size_t n = 0, cap = 16;
	struct prow *rows = calloc(cap, sizeof(*rows));
	if (!rows) {
		free(tname);
		return KY_ERR_NOMEM;
	}
	rc = KY_QUERY(db,
		      "SELECT p.id, p.organization_id, p.updated_at, COALESCE(p.submitted_at, 0), COALESCE(s.id, 0),"
		      " COALESCE(s.call_opens_at, 0), COALESCE(s.call_closes_at, 0), COALESCE(s.published_at, 0), COALESCE(ab.organization_id, 0),"
		      " COALESCE(s.incentive_points, 0),"
		      " COALESCE((SELECT MAX(e.created_at) FROM desk_events e WHERE e.proposal_id = p.id AND e.move = 'sign_agreement'), 0),"
		      " COALESCE(a.term_start, 0), COALESCE(a.term_end, 0),"
		      " (SELECT COUNT(*) FROM desk_reports rp WHERE rp.proposal_id = p.id),"
		      " p.title, p.summary, p.stage, p.selection_method, p.selection_grounds, o.name,"
		      " CASE WHEN c.status <> 'draft' THEN c.title END, CASE WHEN c.status <> 'draft' THEN c.desired_outcome END,"
		      " s.call_summary, s.incentive, ao.name, a.summary,"
		      " (SELECT MAX(e.created_at) FROM desk_events e WHERE e.proposal_id = p.id)"
		      " FROM desk_proposals p JOIN organizations o ON o.id = p.organization_id"
		      " LEFT JOIN desk_challenges c ON c.id = p.challenge_id"
		      " LEFT JOIN desk_selections s ON s.proposal_id = p.id"
		      " LEFT JOIN desk_bids ab ON ab.id = s.awarded_bid_id AND s.published_at IS NOT NULL"
		      " LEFT JOIN organizations ao ON ao.id = ab.organization_id"
		      " LEFT JOIN desk_agreements a ON a.proposal_id = p.id"
		      " WHERE p.tenant_id = ? AND p.selection_method IS NOT NULL"
		      " AND p.stage IN ('selection', 'agreement', 'monitoring', 'completed', 'ended') ORDER BY p.id",
		      &r, KY_VINT(tid));
	if (rc) {
		free(rows);
		free(tname);
		return rc;
	}
	while (ky_rows_next(r) == 1) {
		if (n == cap) {
			struct prow *nr = realloc(rows, cap * 2 * sizeof(*rows));
			if (!nr) {
				rc = KY_ERR_NOMEM;
				break;
			}
			rows = nr;
			cap *= 2;
		}
		struct prow *p = &rows[n++];
		memset(p, 0, sizeof(*p));
		p->id = ky_rows_int(r, 0);
		p->org_id = ky_rows_int(r, 1);
		p->updated_at = ky_rows_int(r, 2);
		p->submitted_at = ky_rows_int(r, 3);
		p->sel_id = ky_rows_int(r, 4);
		p->opens = ky_rows_int(r, 5);
		p->closes = ky_rows_int(r, 6);
		p->published_at = ky_rows_int(r, 7);
		p->awarded_org = ky_rows_int(r, 8);
		p->incentive_points = ky_rows_int(r, 9);
		p->signed_at = ky_rows_int(r, 10);
		p->term_start = ky_rows_int(r, 11);
		p->term_end = ky_rows_int(r, 12);
		p->reports = ky_rows_int(r, 13);
		p->title = dup(ky_rows_text(r, 14));
		p->summary = dup(ky_rows_text(r, 15));
		p->stage = dup(ky_rows_text(r, 16));
		p->method = dup(ky_rows_text(r, 17));
		p->grounds = dup(ky_rows_text(r, 18));
		p->org_name = dup(ky_rows_text(r, 19));
		p->challenge = dup(ky_rows_text(r, 20));
		p->outcome = dup(ky_rows_text(r, 21));
		p->call_summary = dup(ky_rows_text(r, 22));
		p->incentive = dup(ky_rows_text(r, 23));
		p->awarded_name = dup(ky_rows_text(r, 24));
		p->agreement_summary = dup(ky_rows_text(r, 25));
		if (!ky_rows_isnull(r, 26) && ky_rows_int(r, 26) > p->updated_at)
			p->updated_at = ky_rows_int(r, 26);
		if (p->updated_at > latest)
			latest = p->updated_at;
	}
	ky_rows_free(r);
	json_t *releases = json_array();
	for (size_t i = 0; !rc && i < n; i++) {
		json_t *rel = release(db, &rows[i], tid, tname, slug, base_url, now);
		if (!rel)
			rc = KY_ERR_NOMEM;
		else
			json_array_append_new(releases, rel);
	}
	for (size_t i = 0; i < n; i++)
		prow_free(&rows[i]);
	free(rows);
	char uri[700], pol[700];
	snprintf(uri, sizeof(uri), "%s/api/v1/municipalities/%s/desk/ocds.json", *base_url ? base_url : "http://localhost", slug);
	snprintf(pol, sizeof(pol), "%s/api/v1/municipalities/%s/desk/ocds-policy", *base_url ? base_url : "http://localhost",
		 slug);
	if (!rc) {
		*out = json_pack("{s:s, s:s, s:o, s:{s:s}, s:s, s:s, s:o}", "uri", uri, "version", "1.1", "publishedDate",
				 iso(latest ? latest : now), "publisher", "name", tname, "license",
				 "https://creativecommons.org/licenses/by/4.0/", "publicationPolicy", pol, "releases", releases);
		if (!*out)
			rc = KY_ERR_NOMEM;
	} else {
		json_decref(releases);
	}
	free(tname);
	return rc;
}

/* GET /api/v1/municipalities/{slug}/desk/ocds.json */
void ky_h_desk_ocds(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid;
	if (!ky_desk_muni(req, resp, &tid))
		return;
	json_t *pkg = NULL;
	enum ky_err rc = ky_desk_ocds_package(req->db, tid, req->params[0], req->app->base_url, &pkg);
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	/* A release package needs at least one release (OCDS 1.1 minItems 1): with nothing at
	 * selection or later there is nothing to publish yet, so no package either. */
	if (!json_array_size(json_object_get(pkg, "releases"))) {
		json_decref(pkg);
		ky_problem(req, resp, 404, "no_releases", NULL,
			   "この自治体には、まだ実施者選定以降に進んだ提案がないため、公開できるOCDSリリースがありません",
			   "This municipality has no proposal at the selection of the implementer or later yet, so there is no "
			   "OCDS release to publish");
		return;
	}
	ky_resp_json(req, resp, 200, pkg);
}

/* GET /api/v1/municipalities/{slug}/desk/ocds-policy - what the export leaves out, and why. */
void ky_h_desk_ocds_policy(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid;
	if (!ky_desk_muni(req, resp, &tid))
		return;
	ky_resp_json(req, resp, 200,
		     json_pack("{s:s, s:s, s:s}", "policy", policy_ja, "policy_en", policy_en, "ocid_prefix",
			       ky_arena_printf(req->arena, "ocds-kyoso-%s-", req->params[0])));
}

/* kyoso export ocds --municipality SLUG [--out FILE] [--db URL] [--config FILE] [--SETTING V]:
 * writes the release package (pretty-printed JSON) to FILE or standard output. argv[0] is
 * "export". Exit 0, 1 on failure, 2 on usage errors, 3 when the municipality has nothing to
 * export yet (no proposal at selection or later; nothing is written). */
int ky_desk_ocds_cli(int argc, char **argv);
int ky_desk_ocds_cli(int argc, char **argv)
{
	const char *slug = NULL, *outpath = NULL, *config = NULL;
	struct ky_config cfg;
	char err[512];
	ky_config_defaults(&cfg);
	if (argc < 2 || strcmp(argv[1], "ocds")) {
		fputs("usage: kyoso export ocds --municipality SLUG [--out FILE] [--db URL]\n", stderr);
		return 2;
	}
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			config = argv[i + 1];
	if (config && ky_config_load_file(&cfg, config, err, sizeof(err))) {
		fprintf(stderr, "kyoso: %s\n", err);
		return 2;
	}
	if (ky_config_load_env(&cfg, environ, err, sizeof(err))) {
		fprintf(stderr, "kyoso: %s\n", err);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) || i + 1 >= argc) {
			fprintf(stderr, "kyoso: unexpected argument %s; usage: kyoso export ocds --municipality SLUG [--out FILE]\n", a);
			return 2;
		}
		const char *v = argv[++i];
		if (!strcmp(a, "--municipality"))
			slug = v;
		else if (!strcmp(a, "--out"))
			outpath = v;
		else if (!strcmp(a, "--config"))
			continue;
		else if (ky_config_set(&cfg, a + 2, v, a, err, sizeof(err))) {
			fprintf(stderr, "kyoso: %s\n", err);
			return 2;
		}
	}
	if (!slug) {
		fputs("kyoso: export ocds needs --municipality SLUG\n", stderr);
		return 2;
	}
	struct ky_db *db = NULL;
	int applied = 0;
	if (ky_db_open(cfg.db, &db, err, sizeof(err))) {
		fprintf(stderr, "kyoso: cannot open database (setting 'db'): %s\n", err);
		return 1;
	}
	if (ky_db_migrate(db, &applied, err, sizeof(err))) {
		fprintf(stderr, "kyoso: migration failed: %s\n", err);
		ky_db_close(db);
		return 1;
	}
	int64_t tid = 0;
	json_t *pkg = NULL;
	enum ky_err rc = ky_tenant_by_slug(db, slug, "municipality", &tid);
	if (rc == KY_ERR_NOT_FOUND) {
		fprintf(stderr, "kyoso: no municipality %s\n", slug);
		ky_db_close(db);
		return 1;
	}
	char base[600];
	if (cfg.public_url[0])
		snprintf(base, sizeof(base), "%s", cfg.public_url);
	else
		snprintf(base, sizeof(base), "http://%s", cfg.listen);
	size_t bl = strlen(base);
	while (bl && base[bl - 1] == '/')
		base[--bl] = '\0';
	if (!rc)
		rc = ky_desk_ocds_package(db, tid, slug, base, &pkg);
	ky_db_close(db);
	if (rc) {
		fprintf(stderr, "kyoso: export failed (%d)\n", (int)rc);
		return 1;
	}
	if (!json_array_size(json_object_get(pkg, "releases"))) {
		fprintf(stderr,
			"kyoso: nothing to export: %s has no proposal at the selection of the implementer or later yet "
			"(an OCDS release package needs at least one release); no file written\n",
			slug);
		json_decref(pkg);
		return 3;
	}
	FILE *f = outpath ? fopen(outpath, "w") : stdout;
	if (!f) {
		fprintf(stderr, "kyoso: cannot write %s\n", outpath);
		json_decref(pkg);
		return 1;
	}
	int bad = json_dumpf(pkg, f, JSON_INDENT(2)) != 0;
	fputc('\n', f);
	if (outpath && fclose(f) != 0)
		bad = 1;
	else if (!outpath)
		fflush(stdout);
	json_decref(pkg);
	if (bad) {
		fprintf(stderr, "kyoso: cannot write the package\n");
		return 1;
	}
	if (outpath)
		fprintf(stderr, "wrote %s\n", outpath);
	return 0;
}
