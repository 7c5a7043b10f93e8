/* seed_opinion.c - the demo world's opinion map: かもめ市 asks about the station square (駅前広場).
 *
 * 320 generated residents (accounts without a password, so nobody can log in as them) vote on 16
 * statements in three planted patterns - car access first, a place for people and events, and
 * families/elderly comfort - with statements that every group agrees on, so the map shows groups
 * and consensus. The demo resident haruka@example.jp has voted too (with the second pattern), so
 * her own position shows on the map. Votes are drawn from a fixed LCG: every seed is the same.
 * The map is computed here, inside the seed's transaction, so `make run` shows it at once. */
#include <inttypes.h>
#include <stdio.h>

#include "auth/crypto.h"
#include "core/time.h"
#include "modules/opinion/live.h"

#define N_RESIDENTS 320

struct seed_stmt {
	const char *body;
	int agree[3]; /* percent agreeing in groups A, B, C */
};

static const struct seed_stmt stmts[] = {
	{"駅前広場の送迎用の乗降スペースを広げてほしい", {90, 15, 30}},
	{"駅前広場の駐車場を減らして、歩行者の空間にすべきだ", {8, 90, 25}},
	{"週末は広場でマルシェやイベントを開いてほしい", {25, 92, 20}},
	{"夜間の照明を明るくして、安心して歩けるようにしてほしい", {85, 88, 92}},
	{"木陰やベンチを増やして、ひと休みできる場所にしてほしい", {20, 35, 95}},
	{"タクシー乗り場を駅の出口の近くに移してほしい", {85, 20, 30}},
	{"自転車の駐輪場を広場の地下にまとめるべきだ", {60, 70, 35}},
	{"子どもが遊べる噴水や遊具を置いてほしい", {15, 20, 92}},
	{"エレベーターと段差のない通路を整えてほしい", {80, 85, 97}},
	{"バスの乗り場をひとつにまとめて、分かりやすくしてほしい", {75, 70, 85}},
	{"広場の整備に市の予算をあまり使わないでほしい", {75, 15, 35}},
	{"キッチンカーを常設して、昼食を買えるようにしてほしい", {25, 85, 20}},
	{"車の通り抜けを禁止して、広場を歩行者専用にすべきだ", {5, 88, 25}},
	{"授乳室や子ども用トイレを駅前につくってほしい", {20, 30, 95}},
	{"広場のデザインは市民のワークショップで決めてほしい", {35, 90, 40}},
	{"雨の日でも濡れずにバスに乗れる屋根をつけてほしい", {88, 80, 94}},
};
#define N_STMTS ((int)(sizeof(stmts) / sizeof(stmts[0])))

static uint32_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

static enum ky_err add_vote(struct ky_db *db, int64_t conv, int64_t sid, int64_t uid, int64_t pidx, int64_t sidx,
			    int v, int64_t now)
{
	return KY_EXEC(db,
		       "INSERT INTO opinion_votes (statement_id, user_id, conversation_id, pidx, sidx, vote, created_at,"
		       " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		       NULL, KY_VINT(sid), KY_VINT(uid), KY_VINT(conv), KY_VINT(pidx), KY_VINT(sidx), KY_VINT(v), KY_VINT(now),
		       KY_VINT(now));
}

static int draw(uint64_t *s, int agree_pct)
{
	int r = (int)(lcg(s) % 100);
	if (r < agree_pct)
		return 1;
	/* Most of the rest disagree; some pass. */
	return r < agree_pct + (100 - agree_pct) * 8 / 10 ? -1 : 0;
}

enum ky_err ky_seed_opinion(struct ky_db *db, int64_t kamome_id, int64_t staff_id, int64_t resident_id)
{
	int64_t now = ky_now_ms(), t0 = now - 12LL * 24 * 3600 * 1000, conv = 0, sid[N_STMTS];
	char key[KY_TOKEN_CHARS + 1];
	ky_token_new(key);
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(
		db,
		"INSERT INTO opinion_conversations (tenant_id, topic, description, moderation, participant_statements, status,"
		" pseudonym_key, change_seq, n_participants, n_statements, created_by, created_at, updated_at, opened_at)"
		" VALUES (?, ?, ?, 'pre', 1, 'open', ?, 0, ?, ?, ?, ?, ?, ?) RETURNING id",
		&r, KY_VINT(kamome_id), KY_VTEXT("駅前広場をどんな場所にしたいですか"),
		KY_VTEXT("かもめ駅前広場の再整備に向けて、市民の皆さんのご意見をお聞きします。表示される意見に「賛成」「反対」"
			 "「パス」で答えてください。意見のまとまり（グループ）と、皆さんに共通する意見を地図にしてお示しします。"),
		KY_VTEXT(key), KY_VINT(N_RESIDENTS + 1), KY_VINT(N_STMTS), KY_VINT(staff_id), KY_VINT(t0), KY_VINT(t0),
		KY_VINT(t0));
	if (!rc) {
		conv = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) : 0;
		rc = conv ? KY_OK : KY_ERR_DB;
	}
	ky_rows_free(r);
	for (int j = 0; !rc && j < N_STMTS; j++) {
		r = NULL;
		rc = KY_QUERY(db,
			      "INSERT INTO opinion_statements (conversation_id, sidx, body, author_id, seed, state, created_at)"
			      " VALUES (?, ?, ?, ?, 1, 'accepted', ?) RETURNING id",
			      &r, KY_VINT(conv), KY_VINT(j), KY_VTEXT(stmts[j].body), KY_VINT(staff_id), KY_VINT(t0));
		if (!rc) {
			sid[j] = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) : 0;
			rc = sid[j] ? KY_OK : KY_ERR_DB;
		}
		ky_rows_free(r);
	}
	uint64_t s = 20260522;
	/* haruka (pidx 0) votes with the second pattern. */
	if (!rc)
		rc = KY_EXEC(db, "INSERT INTO opinion_participants (conversation_id, user_id, pidx, created_at) VALUES (?, ?, 0, ?)",
			     NULL, KY_VINT(conv), KY_VINT(resident_id), KY_VINT(t0));
	for (int j = 0; !rc && j < N_STMTS; j++)
		rc = add_vote(db, conv, sid[j], resident_id, 0, j, stmts[j].agree[1] >= 50 ? 1 : -1, t0);
	for (int i = 0; !rc && i < N_RESIDENTS; i++) {
		int64_t uid = 0, pidx = i + 1;
		/* Group sizes roughly 40 % / 35 % / 25 %. */
		int g = i % 20 < 8 ? 0 : i % 20 < 15 ? 1
						     : 2;
		char email[80];
		snprintf(email, sizeof(email), "resident-%03d@demo.kamome.example", i + 1);
		r = NULL;
		rc = KY_QUERY(db,
			      "INSERT INTO users (email, email_verified, display_name, lang, created_at) VALUES (?, 1, ?, 'ja', ?)"
			      " RETURNING id",
			      &r, KY_VTEXT(email), KY_VTEXT("かもめ市民（デモ用の生成データ）"), KY_VINT(t0));
		if (!rc) {
			uid = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) : 0;
			rc = uid ? KY_OK : KY_ERR_DB;
		}
		ky_rows_free(r);
		if (!rc)
			rc = KY_EXEC(db,
				     "INSERT INTO opinion_participants (conversation_id, user_id, pidx, created_at) VALUES (?, ?, ?, ?)",
				     NULL, KY_VINT(conv), KY_VINT(uid), KY_VINT(pidx), KY_VINT(t0));
		for (int j = 0; !rc && j < N_STMTS; j++) {
			if (lcg(&s) % 100 < 15)
				continue; /* not everyone sees every statement */
			rc = add_vote(db, conv, sid[j], uid, pidx, j, draw(&s, stmts[j].agree[g]), t0 + i * 60000LL);
		}
	}
	/* One statement from a resident waits in the moderation queue. */
	if (!rc)
		rc = KY_EXEC(db,
			     "INSERT INTO opinion_statements (conversation_id, sidx, body, author_id, seed, state, created_at)"
			     " VALUES (?, ?, ?, ?, 0, 'pending', ?)",
			     NULL, KY_VINT(conv), KY_VINT(N_STMTS), KY_VTEXT("広場に無料Wi-Fiを整備してほしい"), KY_VINT(resident_id),
			     KY_VINT(now));
	if (!rc)
		rc = KY_EXEC(db, "UPDATE opinion_conversations SET n_statements = ? WHERE id = ?", NULL, KY_VINT(N_STMTS + 1),
			     KY_VINT(conv));
	if (!rc)
		rc = ky_opinion_recompute_in_tx(db, conv);
	return rc;
}
