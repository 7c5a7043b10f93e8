/* seed_desk_select.c - the demo world's selection, agreement and monitoring: a finished
 * proposal competition (公募型プロポーザル) for かもめ市's harbour-shops challenge with two bids,
 * two evaluators' scores and a published result, an agreement with parties and KPIs, and a
 * monitoring report; plus the agreement of the negotiated LINE application proposal. So
 * `kyoso export ocds --municipality kamome` has something to export. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "audit/audit.h"
#include "core/time.h"

#define DAY ((int64_t)86400000)

static enum ky_err one_id(struct ky_db *db, const char *sql, const char *arg, int64_t *out)
{
	return ky_db_query_int(db, sql, KY_PARAMS(KY_VTEXT(arg)), 1, out);
}

static enum ky_err ins(struct ky_db *db, const char *sql, const struct ky_val *v, int n, int64_t *id)
{
	struct ky_rows *r = NULL;
	enum ky_err rc = ky_db_query(db, sql, v, n, &r);
	if (!rc) {
		if (ky_rows_next(r) == 1)
			*id = ky_rows_int(r, 0);
		ky_rows_free(r);
	}
	return rc;
}

#define INS(db, sql, id, ...) ins((db), (sql), KY_PARAMS(__VA_ARGS__), KY_NPARAMS(__VA_ARGS__), (id))

struct ev {
	const char *move, *from, *to, *reason, *decision;
	int days_ago;
};

static enum ky_err event(struct ky_db *db, int64_t pid, int64_t tid, int64_t actor, const struct ev *e, int64_t now)
{
	enum ky_err rc = KY_EXEC(db,
				 "INSERT INTO desk_events (proposal_id, tenant_id, move, from_stage, to_stage, actor_role, actor_id, reason,"
				 " decision, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				 NULL, KY_VINT(pid), KY_VINT(tid), KY_VTEXT(e->move), KY_VTEXT(e->from), KY_VTEXT(e->to),
				 KY_VTEXT(strcmp(e->move, "submit") ? "desk" : "proposer"), KY_VINT(actor), KY_VTEXT(e->reason),
				 KY_VTEXT(e->decision), KY_VINT(now - e->days_ago * DAY));
	if (rc)
		return rc;
	json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:s}", "move", e->move, "from", e->from, "to", e->to, "actor_role",
			      strcmp(e->move, "submit") ? "desk" : "proposer", "reason", e->reason);
	char target[64];
	snprintf(target, sizeof(target), "desk_proposal#%" PRId64, pid);
	struct ky_audit_entry a = {
		.actor_id = actor, .tenant_id = tid, .action = "desk.proposal.move", .target = target, .detail = d, .public_ = true};
	rc = d ? ky_audit_append(db, &a, NULL) : KY_ERR_NOMEM;
	json_decref(d);
	return rc;
}

static const char reason_adopt[] = "空き店舗の活用と出店者の育成を同時に進められ、市の財政負担もないため採用します。";
static const char grounds[] = "同様の運営ノウハウを持つ事業者が市内外にあるため、公募型プロポーザルで実施者を選定します。"
			      "原提案者には提案の独自性を評価して5点を加点します。";

enum ky_err ky_desk_select_seed_demo(struct ky_db *db, int64_t kamome_id);
enum ky_err ky_desk_select_seed_demo(struct ky_db *db, int64_t kamome_id)
{
	int64_t now = ky_now_ms(), desk = 0, sato = 0, yamada = 0, umineko = 0, wakaba = 0, author = 0, ch = 0, pid = 0;
	enum ky_err rc = one_id(db, "SELECT id FROM users WHERE email = ?", "suzuki@city.kamome.example", &desk);
	if (!rc)
		rc = one_id(db, "SELECT id FROM users WHERE email = ?", "sato@city.kamome.example", &sato);
	if (!rc)
		rc = one_id(db, "SELECT id FROM users WHERE email = ?", "yamada@city.kamome.example", &yamada);
	if (!rc)
		rc = one_id(db, "SELECT id FROM users WHERE email = ?", "info@umineko-tech.example", &author);
	if (!rc)
		rc = one_id(db, "SELECT id FROM organizations WHERE name = ?", "うみねこテック株式会社", &umineko);
	if (!rc)
		rc = one_id(db, "SELECT id FROM organizations WHERE name = ?", "わかば交通株式会社", &wakaba);
	if (!rc)
		rc = one_id(db, "SELECT id FROM desk_challenges WHERE title = ?", "港周辺の空き店舗を活用したにぎわいづくり", &ch);
	if (rc)
		return rc;
	const char *summary = "フェリーターミナル前の空き店舗2軒を改装し、地元の飲食店や農家が日替わりで出店できるシェアキッチンを"
			      "運営します。出店の予約と売上の管理をスマートフォンで行い、来店者数を毎月公開します。";
	int64_t sub = now - 240 * DAY;
	rc = INS(db,
		 "INSERT INTO desk_proposals (tenant_id, kind, challenge_id, organization_id, created_by, title, summary, stage,"
		 " decision, decision_reason, decided_at, selection_method, selection_grounds, assigned_officer_id, waiting_on,"
		 " answer_due_at, terms_version, terms_accepted_at, submitted_at, created_at, updated_at)"
		 " VALUES (?, 'theme', ?, ?, ?, ?, ?, 'monitoring', 'adopt', ?, ?, 'proposal_competition', ?, ?, 'none', ?, '2026-04',"
		 " ?, ?, ?, ?) RETURNING id",
		 &pid, KY_VINT(kamome_id), KY_VINT(ch), KY_VINT(umineko), KY_VINT(author),
		 KY_VTEXT("港まちシェアキッチンによる空き店舗の活用"), KY_VTEXT(summary), KY_VTEXT(reason_adopt),
		 KY_VINT(now - 200 * DAY), KY_VTEXT(grounds), KY_VINT(desk), KY_VINT(sub + 60 * DAY), KY_VINT(sub),
		 KY_VINT(sub), KY_VINT(sub - 5 * DAY), KY_VINT(now - 30 * DAY));
	const struct ev evs[] = {
		{"submit", "draft", "received", "", NULL, 240},
		{"start_review", "received", "review", "", NULL, 230},
		{"decide", "review", "decided", reason_adopt, "adopt", 200},
		{"start_selection", "decided", "selection", grounds, NULL, 190},
		{"sign_agreement", "selection", "agreement", "", NULL, 120},
		{"start_monitoring", "agreement", "monitoring", "", NULL, 100},
	};
	for (size_t i = 0; !rc && i < KY_COUNT(evs); i++)
		rc = event(db, pid, kamome_id, !strcmp(evs[i].move, "submit") ? author : desk, &evs[i], now);
	if (!rc)
		rc = KY_EXEC(db,
			     "INSERT INTO desk_documents (proposal_id, tenant_id, section, title, body, visibility, created_by, created_at,"
			     " updated_at) VALUES (?, ?, 'proposal', '提案の概要', ?, 'public', ?, ?, ?)",
			     NULL, KY_VINT(pid), KY_VINT(kamome_id), KY_VTEXT(summary), KY_VINT(author), KY_VINT(sub), KY_VINT(sub));
	/* The competition: call, criteria, two bids, two evaluators, published. */
	int64_t sel = 0, c[3] = {0}, bid_u = 0, bid_w = 0;
	if (!rc)
		rc = INS(db,
			 "INSERT INTO desk_selections (proposal_id, tenant_id, method, call_summary, call_opens_at, call_closes_at,"
			 " incentive, incentive_points, created_at, updated_at) VALUES (?, ?, 'proposal_competition', ?, ?, ?, ?, 5, ?, ?)"
			 " RETURNING id",
			 &sel, KY_VINT(pid), KY_VINT(kamome_id),
			 KY_VTEXT("フェリーターミナル前の空き店舗2軒を活用したシェアキッチンの運営事業者を募集します。"
				  "市の財政負担はありません。"),
			 KY_VINT(now - 188 * DAY), KY_VINT(now - 160 * DAY), KY_VTEXT("原提案者に5点を加点します"),
			 KY_VINT(now - 190 * DAY), KY_VINT(now - 150 * DAY));
	const char *cn[3] = {"運営経費", "提案内容", "地域への貢献"};
	const int cw[3] = {30, 50, 20};
	for (int i = 0; !rc && i < 3; i++)
		rc = INS(db,
			 "INSERT INTO desk_criteria (selection_id, tenant_id, position, name, weight) VALUES (?, ?, ?, ?, ?) RETURNING id", &c[i], KY_VINT(sel), KY_VINT(kamome_id), KY_VINT(i), KY_VTEXT(cn[i]), KY_VINT(cw[i]));
	if (!rc)
		rc = INS(db,
			 "INSERT INTO desk_bids (selection_id, tenant_id, organization_id, original_proposer, summary, created_by,"
			 " submitted_at) VALUES (?, ?, ?, 1, ?, ?, ?) RETURNING id",
			 &bid_u, KY_VINT(sel), KY_VINT(kamome_id), KY_VINT(umineko),
			 KY_VTEXT("原提案のとおり、予約と売上管理のアプリを含めて運営します。"), KY_VINT(author),
			 KY_VINT(now - 170 * DAY));
	if (!rc)
		rc = INS(db,
			 "INSERT INTO desk_bids (selection_id, tenant_id, organization_id, original_proposer, summary, created_by,"
			 " submitted_at) VALUES (?, ?, ?, 0, ?, NULL, ?) RETURNING id",
			 &bid_w, KY_VINT(sel), KY_VINT(kamome_id), KY_VINT(wakaba),
			 KY_VTEXT("バスの待合所と一体で運営し、乗り継ぎ客の立ち寄りを増やします。"), KY_VINT(now - 165 * DAY));
	if (!rc)
		rc = KY_EXEC(db,
			     "INSERT INTO desk_bid_documents (bid_id, tenant_id, title, body, visibility, confidentiality_reason, created_at)"
			     " VALUES (?, ?, '運営費の見積と内訳', '人件費と改装費の内訳、出店料の設定根拠を記載しています。', 'confidential',"
			     " '出店料の設定根拠と人件費の単価は、他の自治体との契約にも使う当社の営業上の情報のため公開できません。', ?)",
			     NULL, KY_VINT(bid_u), KY_VINT(kamome_id), KY_VINT(now - 170 * DAY));
	const int64_t ev_ids[2] = {sato, yamada};
	/* scores[evaluator][bid][criterion]: うみねこ 30*70%+50*85%+20*80% = 79.5 avg + 5; わかば 30*80%+50*65%+20*75% = ... */
	const int scores[2][2][3] = {{{70, 90, 80}, {80, 60, 70}}, {{70, 80, 80}, {80, 70, 80}}};
	for (int e = 0; !rc && e < 2; e++) {
		rc = KY_EXEC(db,
			     "INSERT INTO desk_evaluators (selection_id, user_id, tenant_id, invited_by, invited_at, declared_at, recused,"
			     " declaration, submitted_at) VALUES (?, ?, ?, ?, ?, ?, 0, '', ?)",
			     NULL, KY_VINT(sel), KY_VINT(ev_ids[e]), KY_VINT(kamome_id), KY_VINT(desk), KY_VINT(now - 185 * DAY),
			     KY_VINT(now - 159 * DAY), KY_VINT(now - 155 * DAY));
		for (int b = 0; !rc && b < 2; b++)
			for (int i = 0; !rc && i < 3; i++)
				rc = KY_EXEC(db,
					     "INSERT INTO desk_scores (selection_id, evaluator_id, bid_id, criterion_id, tenant_id, score,"
					     " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
					     NULL, KY_VINT(sel), KY_VINT(ev_ids[e]), KY_VINT(b ? bid_w : bid_u), KY_VINT(c[i]),
					     KY_VINT(kamome_id), KY_VINT(scores[e][b][i]), KY_VINT(now - 155 * DAY));
	}
	if (!rc)
		rc = KY_EXEC(db, "UPDATE desk_selections SET published_at = ?, awarded_bid_id = ? WHERE id = ?", NULL,
			     KY_VINT(now - 150 * DAY), KY_VINT(bid_u), KY_VINT(sel));
	/* The agreement. */
	int64_t ag = 0, k1 = 0, k2 = 0, rep = 0;
	if (!rc)
		rc = INS(db,
			 "INSERT INTO desk_agreements (proposal_id, tenant_id, summary, term_start, term_end, signed_at, created_at,"
			 " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			 &ag, KY_VINT(pid), KY_VINT(kamome_id),
			 KY_VTEXT("かもめ市が空き店舗2軒を借り上げてうみねこテックに使用を許可し、うみねこテックがシェアキッチンを"
				  "3年間運営します。来店者数と出店者数を四半期ごとに報告し、連絡会で運営を見直します。"),
			 KY_VINT(now - 110 * DAY), KY_VINT(now + 985 * DAY), KY_VINT(now - 120 * DAY), KY_VINT(now - 130 * DAY),
			 KY_VINT(now - 120 * DAY));
	const char *parties[3][4] = {
		{"municipality", "かもめ市（観光振興課）", "店舗の借り上げと使用許可、周知", "建物の大規模修繕、広報紙とウェブサイトでの周知"},
		{"business", "うみねこテック株式会社", "シェアキッチンの運営", "改装、出店者の募集と予約管理、衛生管理、来店者数の集計と報告"},
		{"other", "かもめ港商店会", "出店者の紹介と地域との調整", "商店会のイベントとの連携、近隣店舗との調整"},
	};
	for (int i = 0; !rc && i < 3; i++)
		rc = KY_EXEC(db,
			     "INSERT INTO desk_agreement_parties (agreement_id, tenant_id, position, kind, name, role, responsibility)"
			     " VALUES (?, ?, ?, ?, ?, ?, ?)",
			     NULL, KY_VINT(ag), KY_VINT(kamome_id), KY_VINT(i), KY_VTEXT(parties[i][0]), KY_VTEXT(parties[i][1]),
			     KY_VTEXT(parties[i][2]), KY_VTEXT(parties[i][3]));
	char dates[200];
	snprintf(dates, sizeof(dates), "[%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 "]", now - 20 * DAY, now + 70 * DAY,
		 now + 160 * DAY, now + 250 * DAY);
	if (!rc)
		rc = INS(db,
			 "INSERT INTO desk_kpis (agreement_id, proposal_id, tenant_id, name, unit, target, reporting_dates, created_at)"
			 " VALUES (?, ?, ?, '月間来店者数', '人', 3000, ?, ?) RETURNING id",
			 &k1, KY_VINT(ag), KY_VINT(pid), KY_VINT(kamome_id), KY_VTEXT(dates), KY_VINT(now - 120 * DAY));
	if (!rc)
		rc = INS(db,
			 "INSERT INTO desk_kpis (agreement_id, proposal_id, tenant_id, name, unit, target, reporting_dates, created_at)"
			 " VALUES (?, ?, ?, '登録出店者数', '店', 12, ?, ?) RETURNING id",
			 &k2, KY_VINT(ag), KY_VINT(pid), KY_VINT(kamome_id), KY_VTEXT(dates), KY_VINT(now - 120 * DAY));
	if (!rc)
		rc = KY_EXEC(db,
			     "INSERT INTO desk_documents (proposal_id, tenant_id, section, title, body, visibility, created_by, created_at,"
			     " updated_at) VALUES (?, ?, 'agreement', '協定書（公開版）', ?, 'public', ?, ?, ?)",
			     NULL, KY_VINT(pid), KY_VINT(kamome_id),
			     KY_VTEXT("港まちシェアキッチンの運営に関する協定書。目的、期間、役割分担、KPIと報告、連絡会について定めます。"),
			     KY_VINT(desk), KY_VINT(now - 120 * DAY), KY_VINT(now - 120 * DAY));
	if (!rc)
		rc = INS(db,
			 "INSERT INTO desk_reports (proposal_id, tenant_id, period, period_end, narrative, created_by, created_at)"
			 " VALUES (?, ?, '開業から3か月', ?, ?, ?, ?) RETURNING id",
			 &rep, KY_VINT(pid), KY_VINT(kamome_id), KY_VINT(now - 20 * DAY),
			 KY_VTEXT("週末はフェリーの到着に合わせて来店者が増えましたが、平日の来店者は目標を下回っています。"
				  "平日の出店者を増やすため、商店会と農家向けの説明会を開きました。"),
			 KY_VINT(author), KY_VINT(now - 15 * DAY));
	if (!rc)
		rc = KY_EXEC(db,
			     "INSERT INTO desk_kpi_actuals (report_id, kpi_id, tenant_id, actual) VALUES (?, ?, ?, 2450), (?, ?, ?, 9)",
			     NULL, KY_VINT(rep), KY_VINT(k1), KY_VINT(kamome_id), KY_VINT(rep), KY_VINT(k2), KY_VINT(kamome_id));
	if (!rc)
		rc = KY_EXEC(db,
			     "INSERT INTO desk_meetings (proposal_id, tenant_id, kind, held_at, attendees, notes, created_by, created_at)"
			     " VALUES (?, ?, 'liaison', ?, ?, ?, ?, ?)",
			     NULL, KY_VINT(pid), KY_VINT(kamome_id), KY_VINT(now - 12 * DAY),
			     KY_VTEXT("観光振興課 2名、共創推進室 鈴木、うみねこテック 2名、かもめ港商店会 1名"),
			     KY_VTEXT("第1回連絡会。平日の来店者を増やすため、朝市との同時開催と、出店料の平日割引を試すことにした。"),
			     KY_VINT(desk), KY_VINT(now - 12 * DAY));
	/* The negotiated LINE application proposal (seed_desk.c) has its agreement too. */
	int64_t line = 0, ag2 = 0;
	if (!rc)
		rc = one_id(db, "SELECT id FROM desk_proposals WHERE title = ?", "LINEで完結する保育所入所申請", &line);
	if (!rc)
		rc = INS(db,
			 "INSERT INTO desk_agreements (proposal_id, tenant_id, summary, term_start, term_end, signed_at, created_at,"
			 " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			 &ag2, KY_VINT(line), KY_VINT(kamome_id),
			 KY_VTEXT("うみねこテックが入所申請の画面を開発して1年間提供し、かもめ市が審査の手順を見直します。"),
			 KY_VINT(now - 40 * DAY), KY_VINT(now + 325 * DAY), KY_VINT(now - 45 * DAY), KY_VINT(now - 50 * DAY),
			 KY_VINT(now - 45 * DAY));
	if (!rc)
		rc = KY_EXEC(db,
			     "INSERT INTO desk_agreement_parties (agreement_id, tenant_id, position, kind, name, role, responsibility)"
			     " VALUES (?, ?, 0, 'municipality', 'かもめ市（子育て支援課）', '審査手順の見直しと利用の周知', '公式LINEアカウントの運用'),"
			     " (?, ?, 1, 'business', 'うみねこテック株式会社', '申請画面の開発と提供', '個人情報の安全管理、障害時の対応')",
			     NULL, KY_VINT(ag2), KY_VINT(kamome_id), KY_VINT(ag2), KY_VINT(kamome_id));
	snprintf(dates, sizeof(dates), "[%" PRId64 "]", now + 140 * DAY);
	if (!rc)
		rc = KY_EXEC(db,
			     "INSERT INTO desk_kpis (agreement_id, proposal_id, tenant_id, name, unit, target, reporting_dates, created_at)"
			     " VALUES (?, ?, ?, 'オンライン申請の割合', '%', 60, ?, ?)",
			     NULL, KY_VINT(ag2), KY_VINT(line), KY_VINT(kamome_id), KY_VTEXT(dates), KY_VINT(now - 45 * DAY));
	return rc;
}
