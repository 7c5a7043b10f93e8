/* seed_desk_reverse.c - the demo world's reverse proposals (逆プロポ), and its case library:
 *   - うみねこテック's open theme 「窓口のオンライン予約とキャッシュレス決済を一緒に試しませんか」
 *     with applications from かもめ市 and わかば町 (accepting until 30 days from now);
 *   - うみねこテック's closed theme 「AIチャットボットで住民からの問い合わせに24時間対応」 where
 *     the business picked わかば町 (a reverse proposal at 対話 there) and not かもめ市;
 *   - a completed かもめ市 project (公共施設予約のオンライン化) published as a case of みなと県.
 * Called from seed_desk.c inside the demo seeding transaction. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "audit/audit.h"
#include "core/time.h"

#define DAY 86400000LL

static enum ky_err one_id(struct ky_db *db, const char *sql, const char *arg, int64_t *out)
{
	return ky_db_query_int(db, sql, KY_PARAMS(KY_VTEXT(arg)), 1, out);
}

/* Reads the id a RETURNING statement gave (rc is that statement's result; *r is read after it ran). */
static enum ky_err returning(struct ky_db *db, enum ky_err rc, struct ky_rows **r, int64_t *id)
{
	(void)db;
	if (rc)
		return rc;
	*id = ky_rows_next(*r) == 1 ? ky_rows_int(*r, 0) : 0;
	ky_rows_free(*r);
	return *id ? KY_OK : KY_ERR_DB;
}

static enum ky_err theme(struct ky_db *db, int64_t org, int64_t author, const char *title, const char *summary,
			 const char *offer, const char *learn, const char *period, const char *cost, const char *field,
			 int64_t region, int64_t deadline, const char *status, const char *reason, int64_t picked_at,
			 int64_t published_at, int64_t *id)
{
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(
		db,
		"INSERT INTO desk_reverse_themes (organization_id, created_by, title, summary, offer, want_to_learn, period,"
		" cost_borne, policy_field, target_region_id, apply_deadline, status, pick_reason, picked_at, published_at,"
		" closed_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		&r, KY_VINT(org), KY_VINT(author), KY_VTEXT(title), KY_VTEXT(summary), KY_VTEXT(offer), KY_VTEXT(learn),
		KY_VTEXT(period), KY_VTEXT(cost), KY_VTEXT(field), region ? KY_VINT(region) : KY_VNULL, KY_VINT(deadline),
		KY_VTEXT(status), KY_VTEXT(reason), picked_at ? KY_VINT(picked_at) : KY_VNULL, KY_VINT(published_at),
		picked_at ? KY_VINT(picked_at) : KY_VNULL, KY_VINT(published_at - DAY), KY_VINT(picked_at ? picked_at : published_at));
	return returning(db, rc, &r, id);
}

static enum ky_err apply(struct ky_db *db, int64_t theme_id, int64_t tid, int64_t author, const char *dept,
			 const char *statement, const char *status, int64_t at)
{
	return KY_EXEC(db,
		       "INSERT INTO desk_reverse_applications (theme_id, tenant_id, department, problem_statement, status,"
		       " created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		       NULL, KY_VINT(theme_id), KY_VINT(tid), KY_VTEXT(dept), KY_VTEXT(statement), KY_VTEXT(status),
		       KY_VINT(author), KY_VINT(at), KY_VINT(at));
}

static enum ky_err event(struct ky_db *db, int64_t pid, int64_t tid, const char *move, const char *from, const char *to,
			 const char *role, int64_t actor, const char *reason, const char *decision, int64_t at)
{
	enum ky_err rc = KY_EXEC(db,
				 "INSERT INTO desk_events (proposal_id, tenant_id, move, from_stage, to_stage, actor_role, actor_id,"
				 " reason, decision, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				 NULL, KY_VINT(pid), KY_VINT(tid), KY_VTEXT(move), KY_VTEXT(from), KY_VTEXT(to), KY_VTEXT(role),
				 KY_VINT(actor), KY_VTEXT(reason), KY_VTEXT(decision), KY_VINT(at));
	if (rc)
		return rc;
	json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:s}", "move", move, "from", from, "to", to, "actor_role", role, "reason",
			      reason);
	char target[64];
	snprintf(target, sizeof(target), "desk_proposal#%" PRId64, pid);
	struct ky_audit_entry a = {
		.actor_id = actor, .tenant_id = tid, .action = "desk.proposal.move", .target = target, .detail = d, .public_ = true};
	rc = d ? ky_audit_append(db, &a, NULL) : KY_ERR_NOMEM;
	json_decref(d);
	return rc;
}

enum ky_err ky_desk_reverse_seed_demo(struct ky_db *db, int64_t kamome_id);
enum ky_err ky_desk_reverse_seed_demo(struct ky_db *db, int64_t kamome_id)
{
	int64_t now = ky_now_ms(), wakaba = 0, region = 0, org = 0, biz = 0, desk = 0, tanaka = 0, t1 = 0, t2 = 0, pid = 0;
	enum ky_err rc = one_id(db, "SELECT id FROM tenants WHERE slug = ?", "wakaba", &wakaba);
	if (!rc)
		rc = one_id(db, "SELECT id FROM tenants WHERE slug = ?", "minato", &region);
	if (!rc)
		rc = one_id(db, "SELECT id FROM organizations WHERE name = ?", "うみねこテック株式会社", &org);
	if (!rc)
		rc = one_id(db, "SELECT id FROM users WHERE email = ?", "info@umineko-tech.example", &biz);
	if (!rc)
		rc = one_id(db, "SELECT id FROM users WHERE email = ?", "suzuki@city.kamome.example", &desk);
	if (!rc)
		rc = one_id(db, "SELECT id FROM users WHERE email = ?", "tanaka@town.wakaba.example", &tanaka);
	/* An open theme with two applications. */
	if (!rc)
		rc = theme(db, org, biz, "窓口のオンライン予約とキャッシュレス決済を一緒に試しませんか",
			   "住民票の写しなどの証明書を、来庁前にスマートフォンで予約し、窓口ではキャッシュレスで支払える仕組みを、"
			   "1つの自治体と一緒に試したいと考えています。",
			   "予約・決済システムの提供と設定、職員向けの操作研修、利用状況の集計（すべて当社負担）。",
			   "窓口業務の実際の流れと、高齢の方がつまずきやすい点。規模の小さな自治体で運用するときの課題。",
			   "2026年7月から2027年1月まで（6か月）", "システム利用料・導入費用・研修費用はすべて当社が負担します。",
			   "デジタル", region, now + 30 * DAY, "published", NULL, 0, now - 10 * DAY, &t1);
	if (!rc)
		rc = apply(db, t1, kamome_id, desk, "市民課",
			   "本庁舎の市民課窓口では、3月と4月の平日に最大90分の待ち時間が発生しています。証明書の交付は年間約6万件で、"
			   "うち約4割が現金での支払いです。待ち時間の短縮と、会計の締め作業の負担軽減を目指しています。",
			   "applied", now - 6 * DAY);
	if (!rc)
		rc = apply(db, t1, wakaba, tanaka, "住民課",
			   "町役場の窓口は職員3名で対応しており、月末や年度末には手続きが集中します。町内にはバスが少なく、"
			   "来庁してから長く待つことが町民の負担になっています。",
			   "applied", now - 4 * DAY);
	/* A closed theme: the business picked わかば町. */
	const char *reason = "わかば町は職員数が少ない中での運用という、当社が最も学びたい条件にあてはまり、問い合わせの記録も"
			     "3年分そろっているため、実証の効果を測りやすいと判断しました。";
	if (!rc)
		rc = theme(db, org, biz, "AIチャットボットで住民からの問い合わせに24時間対応",
			   "ごみの出し方や各種手続きなど、住民からのよくある問い合わせに、AIチャットボットが24時間答える仕組みを"
			   "一緒につくる自治体を募集しました。",
			   "チャットボットの構築と半年間の運用、回答データの整備支援（当社負担）。",
			   "自治体の問い合わせ対応の実態と、回答の正確さを保つための職員の関わり方。",
			   "2026年4月から2026年9月まで（6か月）", "構築・運用費用は当社が負担します。", "デジタル", region,
			   now - 20 * DAY, "closed", reason, now - 15 * DAY, now - 60 * DAY, &t2);
	if (!rc)
		rc = apply(db, t2, kamome_id, desk, "広報広聴課",
			   "市のコールセンターには年間約2万件の問い合わせがあり、その半分がごみの分別と収集日に関するものです。",
			   "not_picked", now - 40 * DAY);
	const char *statement = "町の電話での問い合わせは職員が兼務で受けており、閉庁後や休日の問い合わせに答えられていません。"
				"過去3年分の問い合わせ記録（約4,000件）があります。";
	if (!rc)
		rc = apply(db, t2, wakaba, tanaka, "総務課", statement, "picked", now - 35 * DAY);
	struct ky_rows *r = NULL;
	if (!rc)
		rc = returning(db,
			       KY_QUERY(db,
					"INSERT INTO desk_proposals (tenant_id, kind, policy_field, organization_id, created_by, title,"
					" summary, stage, origin, waiting_on, answer_due_at, terms_version, terms_accepted_at,"
					" submitted_at, created_at, updated_at) SELECT ?, 'reverse', policy_field, organization_id, ?,"
					" title, summary, 'dialogue', ?, 'desk', ?, '2026-04', ?, ?, ?, ? FROM desk_reverse_themes"
					" WHERE id = ? RETURNING id",
					&r, KY_VINT(wakaba), KY_VINT(biz), KY_VTEXT(""), KY_VINT(now + 45 * DAY),
					KY_VINT(now - 15 * DAY), KY_VINT(now - 15 * DAY), KY_VINT(now - 15 * DAY), KY_VINT(now),
					KY_VINT(t2)),
			       &r, &pid);
	if (!rc) {
		char origin[48];
		snprintf(origin, sizeof(origin), "reverse:%" PRId64, t2);
		rc = KY_EXEC(db, "UPDATE desk_proposals SET origin = ? WHERE id = ?", NULL, KY_VTEXT(origin), KY_VINT(pid));
	}
	if (!rc)
		rc = KY_EXEC(db, "UPDATE desk_reverse_applications SET proposal_id = ? WHERE theme_id = ? AND tenant_id = ?", NULL,
			     KY_VINT(pid), KY_VINT(t2), KY_VINT(wakaba));
	if (!rc)
		rc = event(db, pid, wakaba, "reverse_pick", "draft", "dialogue", "proposer", biz, reason, NULL, now - 15 * DAY);
	if (!rc) {
		char body[1024];
		snprintf(body, sizeof(body), "【逆プロポへの応募内容（地域の課題）】\n%s", statement);
		rc = KY_EXEC(db,
			     "INSERT INTO desk_messages (proposal_id, tenant_id, author_id, author_role, body, created_at)"
			     " VALUES (?, ?, ?, 'desk', ?, ?)",
			     NULL, KY_VINT(pid), KY_VINT(wakaba), KY_VINT(tanaka), KY_VTEXT(body), KY_VINT(now - 15 * DAY));
	}
	/* A completed かもめ市 project, published as a case of みなと県. */
	int64_t done = 0, sub = now - 400 * DAY;
	const char *title = "公共施設の予約と支払いのオンライン化";
	const char *summary = "市民センターや体育館の予約を、電話と窓口に加えてスマートフォンから24時間できるようにし、"
			      "使用料をオンラインで支払えるようにします。";
	if (!rc)
		rc = returning(db,
			       KY_QUERY(db,
					"INSERT INTO desk_proposals (tenant_id, kind, policy_field, organization_id, created_by, title,"
					" summary, stage, decision, decision_reason, decided_at, selection_method, selection_grounds,"
					" assigned_officer_id, waiting_on, answer_due_at, terms_version, terms_accepted_at, submitted_at,"
					" closed_at, created_at, updated_at) VALUES (?, 'free', 'デジタル', ?, ?, ?, ?, 'completed',"
					" 'adopt', ?, ?, 'negotiated', ?, ?, 'none', ?, '2026-04', ?, ?, ?, ?, ?) RETURNING id",
					&r, KY_VINT(kamome_id), KY_VINT(org), KY_VINT(biz), KY_VTEXT(title), KY_VTEXT(summary),
					KY_VTEXT("窓口と電話の予約受付にかかる職員の負担を減らし、利用者の利便性も高まるため採用します。"),
					KY_VINT(sub + 50 * DAY),
					KY_VTEXT("提案者の予約システムを前提とする実証のため、随意契約とします。"), KY_VINT(desk),
					KY_VINT(sub + 60 * DAY), KY_VINT(sub), KY_VINT(sub), KY_VINT(now - 30 * DAY), KY_VINT(sub - DAY),
					KY_VINT(now - 30 * DAY)),
			       &r, &done);
	static const struct {
		const char *move, *from, *to, *role, *reason, *decision;
		int days;
	} ev[] = {
		{"submit", "draft", "received", "proposer", "", NULL, 0},
		{"start_dialogue", "received", "dialogue", "desk", "", NULL, 7},
		{"start_review", "dialogue", "review", "desk", "", NULL, 30},
		{"decide", "review", "decided", "desk", "窓口と電話の予約受付にかかる職員の負担を減らし、利用者の利便性も高まるため採用します。",
		 "adopt", 50},
		{"start_selection", "decided", "selection", "desk", "提案者の予約システムを前提とする実証のため、随意契約とします。", NULL, 55},
		{"sign_agreement", "selection", "agreement", "desk", "", NULL, 80},
		{"start_monitoring", "agreement", "monitoring", "desk", "", NULL, 90},
		{"complete", "monitoring", "completed", "desk", "1年間の実証で目標を達成し、本格運用に移ったため事業を完了します。", NULL, 370},
	};
	for (size_t i = 0; !rc && i < KY_COUNT(ev); i++)
		rc = event(db, done, kamome_id, ev[i].move, ev[i].from, ev[i].to, ev[i].role,
			   !strcmp(ev[i].role, "desk") ? desk : biz, ev[i].reason, ev[i].decision, sub + ev[i].days * DAY);
	if (!rc)
		rc = KY_EXEC(db,
			     "INSERT INTO desk_documents (proposal_id, tenant_id, title, body, visibility, created_by, created_at,"
			     " updated_at) VALUES (?, ?, '提案の概要', ?, 'public', ?, ?, ?)",
			     NULL, KY_VINT(done), KY_VINT(kamome_id), KY_VTEXT(summary), KY_VINT(biz), KY_VINT(sub), KY_VINT(sub));
	if (!rc)
		rc = KY_EXEC(db,
			     "INSERT INTO desk_cases (proposal_id, tenant_id, region_id, title, summary, outcomes, kpis,"
			     " contact_department, policy_field, created_by, created_at, updated_at, published_at)"
			     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'デジタル', ?, ?, ?, ?)",
			     NULL, KY_VINT(done), KY_VINT(kamome_id), KY_VINT(region), KY_VTEXT("公共施設予約のオンライン化（かもめ市）"),
			     KY_VTEXT("市民センター8館と体育館3館の予約を、スマートフォンから24時間できるようにしました。使用料は"
				      "クレジットカードとコード決済で支払えます。"),
			     KY_VTEXT("予約の約7割がオンラインになり、窓口と電話での受付にかかる職員の時間が年間約1,200時間減りました。"
				      "夜間（18時以降）の予約が全体の3割を占め、働く世代の利用が増えました。"),
			     KY_VTEXT("オンライン予約の割合 70%（目標 50%）／受付業務の時間 年1,200時間削減（目標 800時間）"),
			     KY_VTEXT("かもめ市 共創推進室"), KY_VINT(desk), KY_VINT(now - 20 * DAY), KY_VINT(now - 20 * DAY),
			     KY_VINT(now - 20 * DAY));
	return rc;
}
