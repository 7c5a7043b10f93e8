/* seed_delib.c - demo participatory processes for `kyoso seed --demo`: in かもめ市 a published
 * process about the station square with its idea phase open now, themes, ideas and supports; in
 * わかば町 a process about on-demand transport (デマンド交通). Fictional content only. Runs inside the
 * caller's transaction. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "core/time.h"
#include "modules/delib/delib.h"

enum ky_err ky_delib_seed_demo(struct ky_db *db, int64_t kamome_id, int64_t wakaba_id, int64_t staff_user_id,
			       int64_t resident_user_id);

#define DAY (24LL * 3600 * 1000)

static enum ky_err insert_id(struct ky_db *db, struct ky_rows *r, enum ky_err rc, int64_t *id)
{
	(void)db;
	if (rc)
		return rc;
	*id = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) : 0;
	ky_rows_free(r);
	return *id ? KY_OK : KY_ERR_DB;
}

/* The seed has no request arena: ky_delib_seed_demo() owns one for the duration of the call
 * (the seed runs on one thread). */
static struct ky_arena *seed_arena;

static char *html(const char *md)
{
	return seed_arena ? ky_markdown_html(seed_arena, md) : NULL;
}

static enum ky_err process(struct ky_db *db, int64_t tenant, int64_t staff, const char *title, const char *summary,
			   const char *body, int64_t *id)
{
	int64_t now = ky_now_ms();
	const char *h = html(body);
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(db,
				  "INSERT INTO delib_processes (tenant_id, title, summary, body, body_html, status, created_by,"
				  " created_at, updated_at, published_at) VALUES (?, ?, ?, ?, ?, 'published', ?, ?, ?, ?) RETURNING id",
				  &r, KY_VINT(tenant), KY_VTEXT(title), KY_VTEXT(summary), KY_VTEXT(body), KY_VTEXT(h ? h : ""),
				  staff ? KY_VINT(staff) : KY_VNULL, KY_VINT(now - 7 * DAY), KY_VINT(now), KY_VINT(now - 7 * DAY));
	rc = insert_id(db, r, rc, id);
	if (rc)
		return rc;
	char target[40];
	snprintf(target, sizeof(target), "process#%" PRId64, *id);
	json_t *d = json_pack("{s:I, s:s, s:s, s:s}", "process_id", (json_int_t)*id, "title", title, "from", "draft", "to",
			      "published");
	struct ky_audit_entry e = {.actor_id = staff, .tenant_id = tenant, .action = "process.publish", .target = target, .detail = d, .public_ = true};
	rc = ky_audit_append(db, &e, NULL);
	json_decref(d);
	return rc;
}

static enum ky_err phase(struct ky_db *db, int64_t pid, int pos, const char *title, const char *desc, int64_t s,
			 int64_t e, const char *actions)
{
	return KY_EXEC(db,
		       "INSERT INTO delib_phases (process_id, position, title, description, starts_at, ends_at, actions)"
		       " VALUES (?, ?, ?, ?, ?, ?, ?)",
		       NULL, KY_VINT(pid), KY_VINT(pos), KY_VTEXT(title), KY_VTEXT(desc), KY_VINT(s), KY_VINT(e),
		       KY_VTEXT(actions));
}

static enum ky_err theme(struct ky_db *db, int64_t pid, int64_t tenant, int64_t staff, const char *title,
			 const char *body, const char *cat, const char *district, int64_t *id)
{
	int64_t now = ky_now_ms();
	const char *h = html(body);
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(db,
				  "INSERT INTO delib_themes (process_id, tenant_id, title, body, body_html, category, district,"
				  " created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				  &r, KY_VINT(pid), KY_VINT(tenant), KY_VTEXT(title), KY_VTEXT(body), KY_VTEXT(h ? h : ""),
				  KY_VTEXT(cat), KY_VTEXT(district), staff ? KY_VINT(staff) : KY_VNULL, KY_VINT(now), KY_VINT(now));
	return insert_id(db, r, rc, id);
}

/* An idea with supports from the given users (0 entries are skipped). */
static enum ky_err idea(struct ky_db *db, int64_t pid, int64_t tid, int64_t tenant, int64_t author, const char *title,
			const char *body, const char *cat, const char *district, int64_t age_days, const int64_t *fans,
			int nfans, int64_t *id_out)
{
	int64_t at = ky_now_ms() - age_days * DAY, id = 0;
	const char *h = html(body);
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(db,
				  "INSERT INTO delib_ideas (theme_id, process_id, tenant_id, author_id, title, body, body_html,"
				  " category, district, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				  &r, KY_VINT(tid), KY_VINT(pid), KY_VINT(tenant), author ? KY_VINT(author) : KY_VNULL,
				  KY_VTEXT(title), KY_VTEXT(body), KY_VTEXT(h ? h : ""), KY_VTEXT(cat), KY_VTEXT(district),
				  KY_VINT(at), KY_VINT(at));
	rc = insert_id(db, r, rc, &id);
	for (int i = 0; !rc && i < nfans; i++) {
		if (!fans[i] || fans[i] == author)
			continue;
		int64_t n = 0;
		rc = KY_EXEC(db,
			     "INSERT INTO delib_supports (idea_id, user_id, theme_id, created_at) VALUES (?, ?, ?, ?)"
			     " ON CONFLICT DO NOTHING",
			     &n, KY_VINT(id), KY_VINT(fans[i]), KY_VINT(tid), KY_VINT(at + DAY / 2));
		if (!rc && n == 1)
			rc = KY_EXEC(db, "UPDATE delib_ideas SET support_count = support_count + 1 WHERE id = ?", NULL,
				     KY_VINT(id));
	}
	if (!rc && id_out)
		*id_out = id;
	return rc;
}

static int64_t user_by_email(struct ky_db *db, const char *email)
{
	int64_t id = 0;
	ky_db_query_int(db, "SELECT id FROM users WHERE email = ?", KY_PARAMS(KY_VTEXT(email)), 1, &id);
	return id;
}

enum ky_err ky_delib_seed_demo(struct ky_db *db, int64_t kamome_id, int64_t wakaba_id, int64_t staff_user_id,
			       int64_t resident_user_id)
{
	int64_t now = ky_now_ms();
	int64_t kenji = user_by_email(db, "kenji@example.jp");
	int64_t biz = user_by_email(db, "info@umineko-tech.example");
	int64_t bus = user_by_email(db, "contact@wakaba-bus.example");
	int64_t tanaka = user_by_email(db, "tanaka@town.wakaba.example");
	int64_t fans[] = {resident_user_id, kenji, biz, bus};
	seed_arena = ky_arena_new(1 << 20);
	if (!seed_arena)
		return KY_ERR_NOMEM;
	int64_t pid, t1, t2, t3, answered = 0;

	/* ---- かもめ市: the station square ---- */
	enum ky_err rc = process(
		db, kamome_id, staff_user_id, "かもめ駅前広場のこれからを考える",
		"開設から30年がたったかもめ駅前広場の再整備に向けて、使い方や必要な設備について皆さんのアイデアを募集します。",
		"## この取り組みについて\n\n"
		"かもめ駅前広場は1996年の開設から30年がたち、舗装やベンチの老朽化が進んでいます。"
		"市では2028年度の再整備に向けて、**広場の使い方を市民の皆さんと一緒に考える**ことにしました。\n\n"
		"## 進め方\n\n"
		"1. アイデア募集（皆さんのアイデアと賛同を受け付けます）\n"
		"2. たたき台のブラッシュアップ（市がまとめた案に修正提案をいただきます）\n"
		"3. 意向調査\n"
		"4. 結果報告\n\n"
		"いただいたアイデアには、市が一つひとつ回答します。",
		&pid);
	int64_t s = now - 7 * DAY;
	if (!rc)
		rc = phase(db, pid, 1, "アイデア募集", "駅前広場の使い方や必要な設備について、アイデアを募集します。", s,
			   s + 37 * DAY, "idea,comment,support");
	if (!rc)
		rc = phase(db, pid, 2, "たたき台のブラッシュアップ", "いただいたアイデアをもとに市がたたき台をまとめ、修正提案を受け付けます。",
			   s + 37 * DAY, s + 65 * DAY, "comment,suggest");
	if (!rc)
		rc = phase(db, pid, 3, "意向調査", "たたき台の主な選択肢について、意向調査を行います。", s + 65 * DAY, s + 86 * DAY,
			   "survey");
	if (!rc)
		rc = phase(db, pid, 4, "結果報告", "皆さんの声をどのように反映したかを報告します。", s + 86 * DAY, s + 180 * DAY, "");
	if (!rc)
		rc = theme(db, pid, kamome_id, staff_user_id, "広場でどんなことをしたいですか",
			   "休日のイベント、日常の待ち合わせ、子どもの遊び場など、**広場でしたいこと**を教えてください。",
			   "にぎわい", "中央地区", &t1);
	if (!rc)
		rc = theme(db, pid, kamome_id, staff_user_id, "あったらいいと思う設備",
			   "ベンチ、日よけ、トイレ、駐輪場など、広場に必要だと思う設備を教えてください。", "設備", "中央地区", &t2);
	if (!rc)
		rc = theme(db, pid, kamome_id, staff_user_id, "バスやタクシーの乗り場",
			   "乗り換えのしやすさや、送迎の車の停め方について、ご意見をお寄せください。", "交通", "中央地区", &t3);
	if (!rc)
		rc = idea(db, pid, t1, kamome_id, resident_user_id, "月に一度、朝市を開いてほしい",
			  "近くの農家さんの野菜や、商店街のパン屋さんが出店する朝市があると、駅前に立ち寄る理由ができると思います。",
			  "にぎわい", "中央地区", 6, fans, 4, NULL);
	if (!rc)
		rc = idea(db, pid, t1, kamome_id, kenji, "子どもが水遊びできる場所を",
			  "夏は暑くて広場に人がいません。小さな噴水や水が出る遊び場があれば、親子連れが集まると思います。",
			  "子育て", "中央地区", 5, fans, 3, &answered);
	if (!rc)
		rc = idea(db, pid, t1, kamome_id, biz, "夜に映画の上映会を",
			  "夏の週末に、広場に大きなスクリーンを置いて野外上映会をしてはどうでしょうか。", "にぎわい", "中央地区", 3, fans,
			  2, NULL);
	if (!rc)
		rc = idea(db, pid, t2, kamome_id, resident_user_id, "木陰のあるベンチを増やしてほしい",
			  "バスを待つ間に座れる場所が少なく、夏は日差しが強いです。木を植えて、その下にベンチを置いてほしいです。",
			  "設備", "中央地区", 4, fans, 4, NULL);
	if (!rc)
		rc = idea(db, pid, t2, kamome_id, kenji, "屋根付きの駐輪場",
			  "雨の日に自転車がぬれてしまうので、屋根のある駐輪場があると助かります。", "設備", "中央地区", 2, fans, 1, NULL);
	if (!rc)
		rc = idea(db, pid, t3, kamome_id, resident_user_id, "送迎の車が停められる場所を分けてほしい",
			  "朝夕は送迎の車がバス乗り場の前に停まり、バスが入りにくくなっています。送迎用の停車スペースを分けてはどうでしょうか。",
			  "交通", "中央地区", 1, fans, 2, NULL);
	if (!rc && answered)
		rc = KY_EXEC(db,
			     "UPDATE delib_ideas SET state = 'considering', answer = ?, answered_by = ?, answered_at = ? WHERE id = ?",
			     NULL,
			     KY_VTEXT("水遊びができる場所については、維持管理の費用や安全面も含めて、たたき台の中で検討します。"),
			     KY_VINT(staff_user_id), KY_VINT(now - DAY), KY_VINT(answered));

	/* ---- わかば町: on-demand transport ---- */
	int64_t wp, wt;
	if (!rc)
		rc = process(db, wakaba_id, tanaka, "わかば町のデマンド交通を一緒に考える",
			     "路線バスの減便を受けて、予約して乗れるデマンド交通の運行について、町民の皆さんの声を聞かせてください。",
			     "## 背景\n\n町内の路線バスは2025年に減便され、通院や買い物に困っているという声が寄せられています。\n\n"
			     "町では、予約に応じて運行する**デマンド交通**の導入を検討しています。",
			     &wp);
	s = now - 3 * DAY;
	if (!rc)
		rc = phase(db, wp, 1, "アイデア募集", "運行する時間帯や行き先、予約の方法についてアイデアを募集します。", s, s + 30 * DAY,
			   "idea,comment,support");
	if (!rc)
		rc = phase(db, wp, 2, "意向調査", "運行案について意向調査を行います。", s + 30 * DAY, s + 51 * DAY, "survey");
	if (!rc)
		rc = phase(db, wp, 3, "結果報告", "調査の結果と運行計画を報告します。", s + 51 * DAY, s + 120 * DAY, "");
	if (!rc)
		rc = theme(db, wp, wakaba_id, tanaka, "どこへ、いつ行きたいですか",
			   "通院、買い物、役場の手続きなど、デマンド交通で行きたい場所と時間帯を教えてください。", "交通", "", &wt);
	if (!rc)
		rc = idea(db, wp, wt, wakaba_id, kenji, "電話でも予約できるようにしてほしい",
			  "スマートフォンを使わない高齢者も多いので、電話での予約を必ず残してください。", "交通", "東地区", 2, fans, 4,
			  NULL);
	if (!rc)
		rc = idea(db, wp, wt, wakaba_id, bus, "病院とスーパーを結ぶ便を午前中に",
			  "午前中に町立病院とスーパーを回る便があると、通院と買い物を一度に済ませられます。", "交通", "", 1, fans, 2,
			  NULL);
	ky_arena_free(seed_arena);
	seed_arena = NULL;
	return rc;
}
