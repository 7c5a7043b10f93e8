/* seed_desk.c - the demo world's co-creation desk: かもめ市's co-creation list with four
 * challenges, and proposals from うみねこテック and わかば交通 at several stages, with public
 * decisions and reasons, a private dialogue and one confidential document. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "audit/audit.h"
#include "core/time.h"

#define DAY 86400000LL

struct seed_ch {
	const char *dept, *title, *background, *outcome, *g1, *g2, *g3, *g4, *field;
	int budget;
};

static const struct seed_ch challenges[] = {
	{"交通政策課", "路線バスの利用者減少に対応した、地域の移動手段の確保",
	 "市内の路線バスは10年で利用者が約3割減り、郊外の3路線は運行本数の削減が続いています。一方で、高齢の方を中心に"
	 "通院や買い物の移動に困っているという声が増えています。",
	 "郊外に住む方が、予約すれば30分以内に乗れる移動手段を確保したい。", "通院・買い物の移動にかかる待ち時間を減らす",
	 "路線維持の補助金を増やさずに運行を続ける", "乗降データに基づいて運行計画を見直せる体制をつくる",
	 "高齢の方が外出しやすくなり、地域のつながりが保たれる", "交通", 1},
	{"子育て支援課", "保育所の入所申請手続きのオンライン化",
	 "保育所の入所申請は紙の書類で受け付けており、毎年11月には窓口に長い列ができます。書類の不備による差し戻しも多く、"
	 "保護者と職員の双方に負担がかかっています。",
	 "保護者がスマートフォンから申請でき、書類の不備がその場でわかるようにしたい。", "仕事を休まずに申請できる",
	 "審査にかかる職員の時間を半分にする", "他の子育て関連の手続きにも広げられる仕組みにする",
	 "子育てしやすいまちとして選ばれる", "子育て", 1},
	{"環境政策課", "海岸に流れ着くごみの把握と回収の効率化",
	 "かもめ海岸には毎年約40トンのごみが流れ着きます。回収はボランティアの清掃活動に頼っており、どこにどれだけのごみが"
	 "あるのかを市が把握できていません。",
	 "ごみの場所と量を把握し、回収の計画を立てられるようにしたい。", "きれいな海岸を楽しめる",
	 "回収の委託費用を増やさずに回収量を増やす", "データを近隣の市町と共有できる", "清掃活動に参加する人を増やす", "環境",
	 0},
	{"観光振興課", "港周辺の空き店舗を活用したにぎわいづくり",
	 "フェリーターミナル周辺の商店街では、空き店舗が15軒を超えました。観光客はターミナルから直接観光地へ向かい、"
	 "商店街に立ち寄る人はわずかです。",
	 "観光客と市民が立ち寄りたくなる場所を、空き店舗を使ってつくりたい。", "港の周辺で過ごす時間が楽しくなる",
	 "市の財政負担なしで運営が続く", "地元の事業者が新しく店を開くきっかけになる", "港町の文化を伝える", "観光", 0},
};

struct seed_ev {
	const char *move, *from, *to, *role, *reason, *decision;
	int days_ago;
};

struct seed_prop {
	int org;       /* 0 うみねこテック, 1 わかば交通 */
	int challenge; /* index into challenges, -1 for free */
	const char *field, *title, *summary, *stage, *decision, *reason, *method, *grounds, *waiting;
	int submitted_days_ago, decided_days_ago;
	struct seed_ev ev[8];
};

static const struct seed_prop props[] = {
	{0, 1, "", "LINEで完結する保育所入所申請", "市の公式LINEアカウントから保育所の入所申請ができるようにします。入力の途中で書類の不足を知らせ、"
						   "審査に必要な項目を職員の画面に自動で整理します。",
	 "agreement",
	 "adopt",
	 "保護者の負担軽減と審査時間の短縮の両方に効果が見込まれ、市の課題に合致するため採用します。",
	 "negotiated",
	 "提案者が開発した申請画面の仕組みを用いるため、地方自治法施行令第167条の2第1項第2号により随意契約とします。",
	 "desk",
	 150,
	 90,
	 {{"submit", "draft", "received", "proposer", "", NULL, 150}, {"start_dialogue", "received", "dialogue", "desk", "", NULL, 140}, {"start_review", "dialogue", "review", "desk", "", NULL, 120}, {"decide", "review", "decided", "desk", "保護者の負担軽減と審査時間の短縮の両方に効果が見込まれ、市の課題に合致するため採用します。", "adopt", 90}, {"start_selection", "decided", "selection", "desk", "提案者が開発した申請画面の仕組みを用いるため、地方自治法施行令第167条の2第1項第2号により随意契約とします。", NULL, 80}, {"sign_agreement", "selection", "agreement", "desk", "", NULL, 45}}},
	{1, 0, "", "AI配車によるデマンド交通の実証運行", "郊外の3地区で、予約に応じてAIが経路を決める乗合タクシーを半年間試験運行し、利用状況と経費を検証します。", "review", NULL, NULL, NULL, NULL, "department", 40, 0, {{"submit", "draft", "received", "proposer", "", NULL, 40}, {"start_dialogue", "received", "dialogue", "desk", "", NULL, 35}, {"start_review", "dialogue", "review", "desk", "", NULL, 12}}},
	{0, -1, "健康", "スマートメーターのデータを使った高齢者の見守り", "電力のスマートメーターの使用量の変化から、一人暮らしの高齢の方の異変を早く見つけ、家族や民生委員に知らせます。", "ended", "not_adopted", "市では令和7年度から同じ目的の見守り事業を社会福祉協議会に委託しており、内容が重なるため今回は採用しません。", NULL, NULL, "none", 100, 50, {{"submit", "draft", "received", "proposer", "", NULL, 100}, {"start_review", "received", "review", "desk", "", NULL, 85}, {"decide", "review", "ended", "desk", "市では令和7年度から同じ目的の見守り事業を社会福祉協議会に委託しており、内容が重なるため今回は採用しません。", "not_adopted", 50}}},
	{1, -1, "観光", "フェリーの到着に合わせた港まち周遊バス", "フェリーの到着時刻に合わせて、ターミナルと商店街、かもめ灯台を結ぶ周遊バスを土日に運行します。", "received", NULL, NULL, NULL, NULL, "desk", 70, 0, {{"submit", "draft", "received", "proposer", "", NULL, 70}}},
	{0, 2, "", "写真で報告する漂着ごみマップ", "海岸を訪れた人がスマートフォンで漂着ごみの写真を撮って送ると、位置と量が地図に集まり、回収の計画に使えます。", "dialogue", NULL, NULL, NULL, NULL, "proposer", 20, 0, {{"submit", "draft", "received", "proposer", "", NULL, 20}, {"start_dialogue", "received", "dialogue", "desk", "", NULL, 14}}},
};

static enum ky_err id_of(struct ky_db *db, const char *sql, const char *arg, int64_t *out)
{
	return ky_db_query_int(db, sql, KY_PARAMS(KY_VTEXT(arg)), 1, out);
}

enum ky_err ky_desk_seed_demo(struct ky_db *db, int64_t kamome_id);
enum ky_err ky_desk_seed_demo(struct ky_db *db, int64_t kamome_id)
{
	int64_t now = ky_now_ms(), desk = 0, orgs[2] = {0, 0}, authors[2] = {0, 0}, ch[4] = {0};
	enum ky_err rc = id_of(db, "SELECT id FROM users WHERE email = ?", "suzuki@city.kamome.example", &desk);
	if (!rc)
		rc = id_of(db, "SELECT id FROM organizations WHERE name = ?", "うみねこテック株式会社", &orgs[0]);
	if (!rc)
		rc = id_of(db, "SELECT id FROM organizations WHERE name = ?", "わかば交通株式会社", &orgs[1]);
	if (!rc)
		rc = id_of(db, "SELECT id FROM users WHERE email = ?", "info@umineko-tech.example", &authors[0]);
	if (!rc)
		rc = id_of(db, "SELECT id FROM users WHERE email = ?", "contact@wakaba-bus.example", &authors[1]);
	for (size_t i = 0; !rc && i < KY_COUNT(challenges); i++) {
		const struct seed_ch *c = &challenges[i];
		int64_t at = now - (int64_t)(200 - i) * DAY;
		struct ky_rows *r = NULL;
		rc = KY_QUERY(db,
			      "INSERT INTO desk_challenges (tenant_id, department, title, background, desired_outcome, goal_residents,"
			      " goal_financial, goal_growth, goal_region, policy_field, budget_available, answer_deadline,"
			      " list_review_at, status, created_by, created_at, updated_at, published_at)"
			      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?) RETURNING id",
			      &r, KY_VINT(kamome_id), KY_VTEXT(c->dept), KY_VTEXT(c->title), KY_VTEXT(c->background),
			      KY_VTEXT(c->outcome), KY_VTEXT(c->g1), KY_VTEXT(c->g2), KY_VTEXT(c->g3), KY_VTEXT(c->g4),
			      KY_VTEXT(c->field), KY_VINT(c->budget), KY_VINT(now + (int64_t)(60 + 30 * i) * DAY),
			      KY_VINT(now + 120 * DAY), KY_VINT(desk), KY_VINT(at), KY_VINT(at), KY_VINT(at));
		if (!rc) {
			if (ky_rows_next(r) == 1)
				ch[i] = ky_rows_int(r, 0);
			ky_rows_free(r);
		}
	}
	for (size_t i = 0; !rc && i < KY_COUNT(props); i++) {
		const struct seed_prop *p = &props[i];
		int64_t sub = now - p->submitted_days_ago * DAY, pid = 0;
		bool closed = !strcmp(p->stage, "ended");
		struct ky_rows *r = NULL;
		rc = KY_QUERY(
			db,
			"INSERT INTO desk_proposals (tenant_id, kind, challenge_id, policy_field, organization_id, created_by, title,"
			" summary, stage, decision, decision_reason, decided_at, selection_method, selection_grounds,"
			" assigned_officer_id, waiting_on, answer_due_at, terms_version, terms_accepted_at, submitted_at, closed_at,"
			" created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '2026-04', ?, ?, ?, ?, ?)"
			" RETURNING id",
			&r, KY_VINT(kamome_id), KY_VTEXT(p->challenge >= 0 ? "theme" : "free"),
			p->challenge >= 0 ? KY_VINT(ch[p->challenge]) : KY_VNULL, KY_VTEXT(p->field), KY_VINT(orgs[p->org]),
			KY_VINT(authors[p->org]), KY_VTEXT(p->title), KY_VTEXT(p->summary), KY_VTEXT(p->stage),
			KY_VTEXT(p->decision), KY_VTEXT(p->reason), p->decision ? KY_VINT(now - p->decided_days_ago * DAY) : KY_VNULL,
			KY_VTEXT(p->method), KY_VTEXT(p->grounds), i == 3 ? KY_VNULL : KY_VINT(desk), KY_VTEXT(p->waiting),
			KY_VINT(sub + 60 * DAY), KY_VINT(sub), KY_VINT(sub),
			closed ? KY_VINT(now - p->decided_days_ago * DAY) : KY_VNULL, KY_VINT(sub - 3 * DAY), KY_VINT(now));
		if (!rc) {
			if (ky_rows_next(r) == 1)
				pid = ky_rows_int(r, 0);
			ky_rows_free(r);
		}
		for (int e = 0; !rc && e < 8 && p->ev[e].move; e++) {
			const struct seed_ev *ev = &p->ev[e];
			rc = KY_EXEC(db,
				     "INSERT INTO desk_events (proposal_id, tenant_id, move, from_stage, to_stage, actor_role, actor_id,"
				     " reason, decision, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				     NULL, KY_VINT(pid), KY_VINT(kamome_id), KY_VTEXT(ev->move), KY_VTEXT(ev->from), KY_VTEXT(ev->to),
				     KY_VTEXT(ev->role), KY_VINT(!strcmp(ev->role, "desk") ? desk : authors[p->org]),
				     KY_VTEXT(ev->reason), KY_VTEXT(ev->decision), KY_VINT(now - ev->days_ago * DAY));
			if (!rc) {
				json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:s}", "move", ev->move, "from", ev->from, "to", ev->to,
						      "actor_role", ev->role, "reason", ev->reason);
				char target[64];
				snprintf(target, sizeof(target), "desk_proposal#%" PRId64, pid);
				struct ky_audit_entry a = {.actor_id = !strcmp(ev->role, "desk") ? desk : authors[p->org],
							   .tenant_id = kamome_id,
							   .action = "desk.proposal.move",
							   .target = target,
							   .detail = d,
							   .public_ = true};
				rc = d ? ky_audit_append(db, &a, NULL) : KY_ERR_NOMEM;
				json_decref(d);
			}
		}
		if (!rc)
			rc = KY_EXEC(db,
				     "INSERT INTO desk_documents (proposal_id, tenant_id, title, body, visibility, created_by, created_at,"
				     " updated_at) VALUES (?, ?, '提案の概要', ?, 'public', ?, ?, ?)",
				     NULL, KY_VINT(pid), KY_VINT(kamome_id), KY_VTEXT(p->summary), KY_VINT(authors[p->org]), KY_VINT(sub),
				     KY_VINT(sub));
		if (!rc && i == 0) {
			rc = KY_EXEC(db,
				     "INSERT INTO desk_documents (proposal_id, tenant_id, title, body, visibility, confidentiality_reason,"
				     " created_by, created_at, updated_at) VALUES (?, ?, ?, ?, 'confidential', ?, ?, ?, ?)",
				     NULL, KY_VINT(pid), KY_VINT(kamome_id), KY_VTEXT("申請画面の設計と費用の内訳"),
				     KY_VTEXT("入力チェックの仕組み（特許出願中）の詳細と、開発・運用費用の内訳（1件あたりの単価を含む）を記載しています。"),
				     KY_VTEXT("特許出願中の入力チェックの仕組みと、他の自治体との取引にも使う単価を含むため、公開すると当社の競争上の地位が損なわれます。"),
				     KY_VINT(authors[0]), KY_VINT(sub), KY_VINT(sub));
		}
		if (!rc && (i == 1 || i == 4)) {
			rc = KY_EXEC(db,
				     "INSERT INTO desk_messages (proposal_id, tenant_id, author_id, author_role, body, created_at)"
				     " VALUES (?, ?, ?, 'desk', ?, ?), (?, ?, ?, 'proposer', ?, ?)",
				     NULL, KY_VINT(pid), KY_VINT(kamome_id), KY_VINT(desk),
				     KY_VTEXT("ご提案ありがとうございます。担当課と一度お打ち合わせの場を設けたいと考えています。ご都合のよい日を"
					      "いくつかお知らせください。"),
				     KY_VINT(sub + 2 * DAY), KY_VINT(pid), KY_VINT(kamome_id), KY_VINT(authors[p->org]),
				     KY_VTEXT("来週の火曜日か木曜日の午後でしたら伺えます。資料を事前にお送りします。"), KY_VINT(sub + 3 * DAY));
		}
		if (!rc && i == 1)
			rc = KY_EXEC(db,
				     "INSERT INTO desk_meetings (proposal_id, tenant_id, kind, held_at, attendees, notes, created_by, created_at)"
				     " VALUES (?, ?, 'dialogue', ?, ?, ?, ?, ?)",
				     NULL, KY_VINT(pid), KY_VINT(kamome_id), KY_VINT(sub + 10 * DAY),
				     KY_VTEXT("交通政策課 2名、共創推進室 鈴木、わかば交通 渡辺"),
				     KY_VTEXT("実証運行の地区と期間、運行データの提供範囲、国の補助金の活用可能性について意見を交換した。"),
				     KY_VINT(desk), KY_VINT(sub + 10 * DAY));
	}
	/* Reverse proposals (逆プロポ) and the case library: seed_desk_reverse.c. */
	enum ky_err ky_desk_reverse_seed_demo(struct ky_db * db, int64_t kamome_id);
	if (!rc)
		rc = ky_desk_reverse_seed_demo(db, kamome_id);
	/* Selection, agreement and monitoring: seed_desk_select.c. */
	enum ky_err ky_desk_select_seed_demo(struct ky_db * db, int64_t kamome_id);
	if (!rc)
		rc = ky_desk_select_seed_demo(db, kamome_id);
	return rc;
}
