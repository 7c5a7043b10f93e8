/* seed_library.c - a third demo process in かもめ市 whose current phase opens drafts (たたき台),
 * suggested changes and an opinion survey, so a person trying the demo can walk the whole
 * journey today: read the draft, suggest a change, answer the survey, see live results.
 * Fictional content only. Written with the same tables the drafts and surveys parts use. */
#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/time.h"
#include "modules/delib/delib.h"

#define DAY (24LL * 3600 * 1000)

static enum ky_err id_of(struct ky_db *db, const char *sql, const struct ky_val *p, int n, int64_t *id)
{
	return ky_db_query_int(db, sql, p, n, id);
}

static const char *const sections[][4] = {
	{"1. 開館時間の見直しの考え方",
	 "市立図書館は現在、火曜日から日曜日の午前9時から午後5時まで開館しています。仕事や学校の帰りに立ち寄りたいという声が多く寄せられています。",
	 "利用者アンケートでは、平日の夕方以降の利用を希望する方が全体の4割を超えました。", NULL},
	{"2. たたき台（案）",
	 "平日は午前10時から午後8時まで開館し、開館時間を1日あたり2時間延長します。",
	 "その代わりに、月曜日に加えて毎月第3木曜日を館内整理日として休館します。",
	 "延長する時間帯は、学習席の予約を不要とし、だれでも利用できるようにします。"},
	{"3. 今後の進め方",
	 "皆さんからの修正提案と意向調査の結果をふまえて、来年度からの試行を判断します。", NULL, NULL},
};

enum ky_err ky_delib_seed_library(struct ky_db *db, int64_t kamome_id, int64_t staff_id, int64_t resident_id)
{
	int64_t now = ky_now_ms(), pid = 0, did = 0, sid = 0, suggest_par = 0, suggest_text = 0;
	struct ky_arena *a = ky_arena_new(1u << 20);
	if (!a)
		return KY_ERR_NOMEM;
	const char *body = "市立図書館の開館時間を、平日の夜まで延ばす案を検討しています。\n\n"
			   "市がまとめた**たたき台**への修正提案と、**意向調査**へのご回答をお待ちしています。";
	char *html = ky_markdown_html(a, body);
	enum ky_err rc = id_of(db,
			       "INSERT INTO delib_processes (tenant_id, title, summary, body, body_html, status, created_by,"
			       " created_at, updated_at, published_at) VALUES (?, ?, ?, ?, ?, 'published', ?, ?, ?, ?) RETURNING id",
			       KY_PARAMS(KY_VINT(kamome_id), KY_VTEXT("市立図書館の開館時間を考える"),
					 KY_VTEXT("平日夜の開館延長について、たたき台と意向調査でご意見をうかがいます。"), KY_VTEXT(body),
					 KY_VTEXT(html ? html : ""), KY_VINT(staff_id), KY_VINT(now - 40 * DAY), KY_VINT(now),
					 KY_VINT(now - 40 * DAY)),
			       9, &pid);
	static const struct {
		const char *title, *desc, *actions;
		int64_t from, to;
	} phases[] = {
		{"アイデア募集", "開館時間についてのご要望を募集しました。", "idea,comment,support", -40, -20},
		{"たたき台と意向調査", "市のたたき台への修正提案と、意向調査への回答を受け付けます。", "comment,suggest,survey", -20, 25},
		{"結果報告", "皆さんの声をどのように反映したかを報告します。", "", 25, 120},
	};
	for (int i = 0; !rc && i < 3; i++)
		rc = KY_EXEC(db,
			     "INSERT INTO delib_phases (process_id, position, title, description, starts_at, ends_at, actions)"
			     " VALUES (?, ?, ?, ?, ?, ?, ?)",
			     NULL, KY_VINT(pid), KY_VINT(i + 1), KY_VTEXT(phases[i].title), KY_VTEXT(phases[i].desc),
			     KY_VINT(now + phases[i].from * DAY), KY_VINT(now + phases[i].to * DAY), KY_VTEXT(phases[i].actions));
	/* The draft, published, version 1. */
	if (!rc)
		rc = id_of(db,
			   "INSERT INTO delib_drafts (process_id, tenant_id, title, status, current_version, created_by, created_at,"
			   " updated_at, published_at) VALUES (?, ?, ?, 'published', 1, ?, ?, ?, ?) RETURNING id",
			   KY_PARAMS(KY_VINT(pid), KY_VINT(kamome_id), KY_VTEXT("市立図書館の開館時間の見直し（たたき台）"),
				     KY_VINT(staff_id), KY_VINT(now - 19 * DAY), KY_VINT(now - 19 * DAY), KY_VINT(now - 19 * DAY)),
			   7, &did);
	if (!rc)
		rc = KY_EXEC(db, "INSERT INTO delib_draft_versions (draft_id, version, created_at, created_by) VALUES (?, 1, ?, ?)",
			     NULL, KY_VINT(did), KY_VINT(now - 19 * DAY), KY_VINT(staff_id));
	for (int s = 0; !rc && s < 3; s++) {
		int64_t secid = 0;
		rc = id_of(db, "INSERT INTO delib_draft_sections (draft_id, position, title) VALUES (?, ?, ?) RETURNING id",
			   KY_PARAMS(KY_VINT(did), KY_VINT(s + 1), KY_VTEXT(sections[s][0])), 3, &secid);
		for (int p = 1; !rc && p < 4 && sections[s][p]; p++) {
			int64_t parid = 0, tid = 0;
			rc = id_of(db, "INSERT INTO delib_draft_paragraphs (draft_id, section_id, position) VALUES (?, ?, ?) RETURNING id",
				   KY_PARAMS(KY_VINT(did), KY_VINT(secid), KY_VINT(p)), 3, &parid);
			if (!rc)
				rc = id_of(db,
					   "INSERT INTO delib_draft_texts (paragraph_id, version_from, body, created_at) VALUES (?, 1, ?, ?)"
					   " RETURNING id",
					   KY_PARAMS(KY_VINT(parid), KY_VTEXT(sections[s][p]), KY_VINT(now - 19 * DAY)), 3, &tid);
			if (s == 1 && p == 2) {
				suggest_par = parid;
				suggest_text = tid;
			}
		}
	}
	if (!rc && resident_id)
		rc = KY_EXEC(db,
			     "INSERT INTO delib_suggestions (draft_id, tenant_id, paragraph_id, author_id, base_text_id, base_version,"
			     " body, reason, created_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)",
			     NULL, KY_VINT(did), KY_VINT(kamome_id), KY_VINT(suggest_par), KY_VINT(resident_id), KY_VINT(suggest_text),
			     KY_VTEXT("その代わりに、月曜日に加えて毎月第3木曜日を館内整理日として休館します。休館日は市の広報と"
				      "図書館のホームページで1か月前までにお知らせします。"),
			     KY_VTEXT("休館日が増えると知らずに来館してしまう人が出ると思うので、早めに知らせる方法も書いてほしいです。"),
			     KY_VINT(now - 3 * DAY));
	/* An accepted suggestion (version 2 records it) and a declined one with its reason. */
	int64_t kenji = 0, par21 = 0, par23 = 0, t21 = 0, t23 = 0, acc = 0;
	if (!rc)
		rc = ky_db_query_int(db, "SELECT id FROM users WHERE email = 'kenji@example.jp'", NULL, 0, &kenji);
	if (!rc)
		rc = ky_db_query_int(db,
				     "SELECT p.id FROM delib_draft_paragraphs p JOIN delib_draft_sections s ON s.id = p.section_id"
				     " WHERE p.draft_id = ? AND s.position = 2 AND p.position = 1",
				     KY_PARAMS(KY_VINT(did)), 1, &par21);
	if (!rc)
		rc = ky_db_query_int(db,
				     "SELECT p.id FROM delib_draft_paragraphs p JOIN delib_draft_sections s ON s.id = p.section_id"
				     " WHERE p.draft_id = ? AND s.position = 2 AND p.position = 3",
				     KY_PARAMS(KY_VINT(did)), 1, &par23);
	if (!rc)
		rc = ky_db_query_int(db, "SELECT id FROM delib_draft_texts WHERE paragraph_id = ?", KY_PARAMS(KY_VINT(par21)), 1, &t21);
	if (!rc)
		rc = ky_db_query_int(db, "SELECT id FROM delib_draft_texts WHERE paragraph_id = ?", KY_PARAMS(KY_VINT(par23)), 1, &t23);
	const char *accepted_text = "平日は午前10時から午後8時まで、土曜日は午前9時から午後6時まで開館し、開館時間を1週間あたり"
				    "11時間延長します。";
	if (!rc)
		rc = id_of(db,
			   "INSERT INTO delib_suggestions (draft_id, tenant_id, paragraph_id, author_id, base_text_id, base_version, body,"
			   " reason, status, decision_reason, decided_by, decided_at, accepted_version, like_count, created_at)"
			   " VALUES (?, ?, ?, ?, ?, 1, ?, ?, 'accepted', ?, ?, ?, 2, 0, ?) RETURNING id",
			   KY_PARAMS(KY_VINT(did), KY_VINT(kamome_id), KY_VINT(par21), KY_VINT(kenji), KY_VINT(t21),
				     KY_VTEXT(accepted_text),
				     KY_VTEXT("土曜日に部活動や仕事がある家族も多いので、土曜日も夕方まで開けてほしいです。"),
				     KY_VTEXT("土曜日の利用者数の調査でも夕方の利用が多かったため、ご提案を採用しました。"),
				     KY_VINT(staff_id), KY_VINT(now - 8 * DAY), KY_VINT(now - 15 * DAY)),
			   11, &acc);
	if (!rc)
		rc = KY_EXEC(db, "INSERT INTO delib_draft_texts (paragraph_id, version_from, body, suggestion_id, created_at) VALUES (?, 2, ?, ?, ?)",
			     NULL, KY_VINT(par21), KY_VTEXT(accepted_text), KY_VINT(acc), KY_VINT(now - 8 * DAY));
	if (!rc)
		rc = KY_EXEC(db,
			     "INSERT INTO delib_draft_versions (draft_id, version, created_at, created_by, suggestion_id, paragraph_id,"
			     " author_id) VALUES (?, 2, ?, ?, ?, ?, ?)",
			     NULL, KY_VINT(did), KY_VINT(now - 8 * DAY), KY_VINT(staff_id), KY_VINT(acc), KY_VINT(par21), KY_VINT(kenji));
	if (!rc)
		rc = KY_EXEC(db, "UPDATE delib_drafts SET current_version = 2, updated_at = ? WHERE id = ?", NULL,
			     KY_VINT(now - 8 * DAY), KY_VINT(did));
	if (!rc)
		rc = KY_EXEC(db,
			     "INSERT INTO delib_suggestions (draft_id, tenant_id, paragraph_id, author_id, base_text_id, base_version, body,"
			     " reason, status, decision_reason, decided_by, decided_at, like_count, created_at)"
			     " VALUES (?, ?, ?, ?, ?, 1, ?, ?, 'declined', ?, ?, ?, 0, ?)",
			     NULL, KY_VINT(did), KY_VINT(kamome_id), KY_VINT(par23), KY_VINT(resident_id), KY_VINT(t23),
			     KY_VTEXT("延長する時間帯は、学習席をすべて中高生専用にします。"),
			     KY_VTEXT("夜は中高生の自習に使いたいという声が多いと思います。"),
			     KY_VTEXT("夜に学習席を使いたい社会人の方からのご要望も多いため、専用席にはせず、だれでも使える形を維持します。"),
			     KY_VINT(staff_id), KY_VINT(now - 7 * DAY), KY_VINT(now - 14 * DAY));
	/* A survey that has closed, with results now open. */
	int64_t closed_sid = 0;
	if (!rc)
		rc = id_of(db,
			   "INSERT INTO delib_surveys (process_id, tenant_id, title, description, opens_at, closes_at, eligibility,"
			   " results_visibility, status, questions, districts, created_by, created_at, updated_at, published_at,"
			   " closed_at) VALUES (?, ?, ?, ?, ?, ?, 'logged_in', 'after_close', 'closed', ?, ?, ?, ?, ?, ?, ?)"
			   " RETURNING id",
			   KY_PARAMS(KY_VINT(pid), KY_VINT(kamome_id), KY_VTEXT("図書館の利用状況アンケート（締め切りました）"),
				     KY_VTEXT("アイデア募集の期間に行った、図書館の利用状況についてのアンケートです。"),
				     KY_VINT(now - 38 * DAY), KY_VINT(now - 22 * DAY),
				     KY_VTEXT("[{\"type\":\"single\",\"text\":\"図書館をどのくらいの頻度で利用しますか。\",\"required\":true,"
					      "\"choices\":[\"週に1回以上\",\"月に1〜3回\",\"年に数回\",\"ほとんど利用しない\"]}]"),
				     KY_VTEXT("[\"中央地区\",\"港地区\",\"北部地区\"]"), KY_VINT(staff_id), KY_VINT(now - 38 * DAY),
				     KY_VINT(now - 22 * DAY), KY_VINT(now - 38 * DAY), KY_VINT(now - 22 * DAY)),
			   13, &closed_sid);
	static const char *ages2[] = {"20代", "30代", "40代", "50代", "60代", "70代以上"};
	for (int i = 0; !rc && i < 40; i++) {
		char answers[16], key[33];
		unsigned char rnd[16];
		snprintf(answers, sizeof(answers), "[%d]", (i * 5 + i / 7) % 4);
		randombytes_buf(rnd, sizeof(rnd));
		sodium_bin2hex(key, sizeof(key), rnd, sizeof(rnd));
		rc = KY_EXEC(db,
			     "INSERT INTO delib_survey_responses (survey_id, user_id, respondent_key, source, age_band, district,"
			     " answers, entered_by, created_at, updated_at) VALUES (?, NULL, ?, 'paper', ?, ?, ?, ?, ?, ?)",
			     NULL, KY_VINT(closed_sid), KY_VTEXT(key), KY_VTEXT(ages2[(i * 2) % 6 < 4 ? (i * 2) % 6 : i % 6]),
			     KY_VTEXT(i % 3 ? "中央地区" : "港地区"), KY_VTEXT(answers), KY_VINT(staff_id), KY_VINT(now - 30 * DAY),
			     KY_VINT(now - 30 * DAY));
	}
	/* The survey, open now, results shown while it runs (always), with paper answers. */
	static const char *questions =
		"[{\"type\":\"single\",\"text\":\"平日の開館時間を午後8時まで延ばす案に賛成ですか。\",\"required\":true,"
		"\"choices\":[\"賛成\",\"どちらかといえば賛成\",\"どちらかといえば反対\",\"反対\"]},"
		"{\"type\":\"multiple\",\"text\":\"夜の時間帯に利用したいサービスを選んでください（2つまで）。\",\"required\":false,"
		"\"choices\":[\"本の貸し出し・返却\",\"学習席\",\"新聞・雑誌の閲覧\",\"講座・イベント\"],\"max\":2},"
		"{\"type\":\"scale5\",\"text\":\"第3木曜日の休館が増えることは、どのくらい困りますか。\",\"required\":true,"
		"\"labels\":[\"まったく困らない\",\"あまり困らない\",\"どちらともいえない\",\"少し困る\",\"とても困る\"]},"
		"{\"type\":\"text\",\"text\":\"そのほかご意見があればお書きください。\",\"required\":false,\"max_length\":1000}]";
	static const char *districts = "[\"中央地区\",\"港地区\",\"北部地区\"]";
	if (!rc)
		rc = id_of(db,
			   "INSERT INTO delib_surveys (process_id, tenant_id, title, description, opens_at, closes_at, eligibility,"
			   " results_visibility, status, questions, districts, created_by, created_at, updated_at, published_at)"
			   " VALUES (?, ?, ?, ?, ?, ?, 'logged_in', 'always', 'published', ?, ?, ?, ?, ?, ?) RETURNING id",
			   KY_PARAMS(KY_VINT(pid), KY_VINT(kamome_id), KY_VTEXT("図書館の開館時間についての意向調査"),
				     KY_VTEXT("たたき台の案について、皆さんのお考えをお聞かせください。回答は締め切りまで変更できます。"),
				     KY_VINT(now - 10 * DAY), KY_VINT(now + 25 * DAY), KY_VTEXT(questions), KY_VTEXT(districts),
				     KY_VINT(staff_id), KY_VINT(now - 10 * DAY), KY_VINT(now - 10 * DAY), KY_VINT(now - 10 * DAY)),
			   12, &sid);
	static const char *ages[] = {"20代", "30代", "40代", "50代", "60代", "70代以上"};
	static const char *dists[] = {"中央地区", "港地区", "北部地区"};
	for (int i = 0; !rc && i < 36; i++) {
		char answers[160], key[33];
		unsigned char rnd[16];
		/* A plausible spread: younger and central respondents favour the longer hours. */
		int stance = (i * 7 + (i / 6)) % 4;
		if (i % 6 < 3 && stance > 1)
			stance -= 2;
		snprintf(answers, sizeof(answers), "[%d,[%d,%d],%d,\"\"]", stance, i % 4, (i + 1) % 4, 1 + (i * 3) % 5);
		randombytes_buf(rnd, sizeof(rnd));
		sodium_bin2hex(key, sizeof(key), rnd, sizeof(rnd));
		rc = KY_EXEC(db,
			     "INSERT INTO delib_survey_responses (survey_id, user_id, respondent_key, source, age_band, district,"
			     " answers, entered_by, created_at, updated_at) VALUES (?, NULL, ?, 'paper', ?, ?, ?, ?, ?, ?)",
			     NULL, KY_VINT(sid), KY_VTEXT(key), KY_VTEXT(ages[i % 6]), KY_VTEXT(dists[(i / 2) % 3]),
			     KY_VTEXT(answers), KY_VINT(staff_id), KY_VINT(now - (i % 9) * DAY), KY_VINT(now - (i % 9) * DAY));
	}
	ky_arena_free(a);
	return rc;
}

/* A process that has reached its last phase (結果報告): ideas answered by the city and a
 * published result report that links them. */
enum ky_err ky_delib_seed_finished(struct ky_db *db, int64_t kamome_id, int64_t staff_id, int64_t resident_id)
{
	int64_t now = ky_now_ms(), pid = 0, tid = 0, adopted = 0, rejected = 0, rid = 0, kenji = 0;
	struct ky_arena *a = ky_arena_new(1u << 20);
	if (!a)
		return KY_ERR_NOMEM;
	const char *body = "老朽化したかもめ中央公園の遊具を、皆さんのご意見をもとに新しくしました。";
	enum ky_err rc = ky_db_query_int(db, "SELECT id FROM users WHERE email = 'kenji@example.jp'", NULL, 0, &kenji);
	if (!rc)
		rc = id_of(db,
			   "INSERT INTO delib_processes (tenant_id, title, summary, body, body_html, status, created_by,"
			   " created_at, updated_at, published_at) VALUES (?, ?, ?, ?, ?, 'published', ?, ?, ?, ?) RETURNING id",
			   KY_PARAMS(KY_VINT(kamome_id), KY_VTEXT("かもめ中央公園の遊具を新しくする"),
				     KY_VTEXT("遊具の更新について皆さんの声を集め、結果を報告しています。"), KY_VTEXT(body),
				     KY_VTEXT(ky_markdown_html(a, body)), KY_VINT(staff_id), KY_VINT(now - 150 * DAY), KY_VINT(now),
				     KY_VINT(now - 150 * DAY)),
			   9, &pid);
	static const struct {
		const char *title, *desc, *actions;
		int64_t from, to;
	} phases[] = {
		{"アイデア募集", "どんな遊具がほしいか、アイデアを募集しました。", "idea,comment,support", -150, -120},
		{"意向調査", "候補の遊具について意向調査を行いました。", "survey", -120, -100},
		{"結果報告", "決まったことと、その理由を報告しています。", "comment", -100, 200},
	};
	for (int i = 0; !rc && i < 3; i++)
		rc = KY_EXEC(db,
			     "INSERT INTO delib_phases (process_id, position, title, description, starts_at, ends_at, actions)"
			     " VALUES (?, ?, ?, ?, ?, ?, ?)",
			     NULL, KY_VINT(pid), KY_VINT(i + 1), KY_VTEXT(phases[i].title), KY_VTEXT(phases[i].desc),
			     KY_VINT(now + phases[i].from * DAY), KY_VINT(now + phases[i].to * DAY), KY_VTEXT(phases[i].actions));
	const char *tbody = "小さな子どもから小学生まで、安心して遊べる遊具についてご意見をお寄せください。";
	if (!rc)
		rc = id_of(db,
			   "INSERT INTO delib_themes (process_id, tenant_id, title, body, body_html, category, district, created_by,"
			   " created_at, updated_at) VALUES (?, ?, ?, ?, ?, '子育て', '中央地区', ?, ?, ?) RETURNING id",
			   KY_PARAMS(KY_VINT(pid), KY_VINT(kamome_id), KY_VTEXT("新しい遊具へのご要望"), KY_VTEXT(tbody),
				     KY_VTEXT(ky_markdown_html(a, tbody)), KY_VINT(staff_id), KY_VINT(now - 150 * DAY),
				     KY_VINT(now - 150 * DAY)),
			   8, &tid);
	static const struct {
		const char *title, *body, *state, *answer;
	} ideas[] = {
		{"車いすでも遊べるブランコを", "足の不自由な子どもも一緒に遊べる、座面の大きなブランコがあるとうれしいです。", "adopted",
		 "だれもが一緒に遊べる公園を目指し、インクルーシブ遊具のブランコを設置しました。"},
		{"大型のアスレチックを", "小学生が思い切り体を動かせる大きなアスレチックがほしいです。", "rejected",
		 "敷地の広さと安全基準から大型遊具は設置できませんでしたが、低めの複合遊具で代わりの遊び場を用意しました。"},
	};
	for (int i = 0; !rc && i < 2; i++) {
		int64_t iid = 0;
		rc = id_of(db,
			   "INSERT INTO delib_ideas (theme_id, process_id, tenant_id, author_id, title, body, body_html, category,"
			   " district, state, answer, answered_by, answered_at, support_count, created_at, updated_at)"
			   " VALUES (?, ?, ?, ?, ?, ?, ?, '子育て', '中央地区', ?, ?, ?, ?, 0, ?, ?) RETURNING id",
			   KY_PARAMS(KY_VINT(tid), KY_VINT(pid), KY_VINT(kamome_id), KY_VINT(i ? kenji : resident_id),
				     KY_VTEXT(ideas[i].title), KY_VTEXT(ideas[i].body), KY_VTEXT(ky_markdown_html(a, ideas[i].body)),
				     KY_VTEXT(ideas[i].state), KY_VTEXT(ideas[i].answer), KY_VINT(staff_id), KY_VINT(now - 105 * DAY),
				     KY_VINT(now - (140 - i) * DAY), KY_VINT(now - (140 - i) * DAY)),
			   13, &iid);
		if (i == 0)
			adopted = iid;
		else
			rejected = iid;
	}
	const char *rbody = "## 決まったこと\n\n"
			    "かもめ中央公園に、車いすでも遊べるブランコを含む新しい遊具を設置しました（令和8年秋に供用開始）。\n\n"
			    "## その理由\n\n"
			    "アイデア募集と意向調査で、だれもが一緒に遊べる遊具を望む声が最も多かったためです。";
	if (!rc)
		rc = id_of(db,
			   "INSERT INTO delib_reports (process_id, tenant_id, body, body_html, status, created_by, created_at, updated_at,"
			   " published_at) VALUES (?, ?, ?, ?, 'published', ?, ?, ?, ?) RETURNING id",
			   KY_PARAMS(KY_VINT(pid), KY_VINT(kamome_id), KY_VTEXT(rbody), KY_VTEXT(ky_markdown_html(a, rbody)),
				     KY_VINT(staff_id), KY_VINT(now - 90 * DAY), KY_VINT(now - 90 * DAY), KY_VINT(now - 90 * DAY)),
			   8, &rid);
	if (!rc)
		rc = KY_EXEC(db, "INSERT INTO delib_report_links (report_id, position, kind, target_id, note) VALUES (?, 1, 'idea', ?, ?)",
			     NULL, KY_VINT(rid), KY_VINT(adopted), KY_VTEXT("このご提案をもとに、インクルーシブ遊具のブランコを選びました。"));
	if (!rc)
		rc = KY_EXEC(db, "INSERT INTO delib_report_links (report_id, position, kind, target_id, note) VALUES (?, 2, 'idea', ?, ?)",
			     NULL, KY_VINT(rid), KY_VINT(rejected), KY_VTEXT("大型遊具の代わりに、低めの複合遊具を設置しました。"));
	/* The public record of these decisions. */
	static const char *const actions[] = {"process.publish", "idea.answer", "idea.answer", "report.publish"};
	for (int i = 0; !rc && i < 4; i++) {
		char target[48];
		int64_t tgt = i == 0 ? pid : i == 1 ? adopted
				     : i == 2       ? rejected
						    : rid;
		snprintf(target, sizeof(target), "%s#%" PRId64, i == 0 ? "process" : i == 3 ? "report"
											    : "idea",
			 tgt);
		struct ky_audit_entry e = {.actor_id = staff_id, .tenant_id = kamome_id, .action = actions[i], .target = target, .public_ = true};
		rc = ky_audit_append(db, &e, NULL);
	}
	ky_arena_free(a);
	return rc;
}
