/* seed.c - the demo world (みなと県, かもめ市, わかば町, businesses, residents, staff) and generated
 * data for benchmarks. Fictional places and people only. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "auth/crypto.h"
#include "core/time.h"

enum ky_err ky_user_create(struct ky_db *db, const struct ky_config *cfg, const char *email, const char *password,
			   const char *display_name, bool verified, int64_t *id)
{
	char hash[KY_PWHASH_MAX];
	enum ky_err rc = ky_password_hash(password, cfg->password_opslimit, cfg->password_memlimit_kib, hash);
	if (rc)
		return rc;
	struct ky_rows *r = NULL;
	rc = KY_QUERY(db,
		      "INSERT INTO users (email, email_verified, password_hash, display_name, lang, created_at)"
		      " VALUES (?, ?, ?, ?, 'ja', ?) RETURNING id",
		      &r, KY_VTEXT(email), KY_VINT(verified ? 1 : 0), KY_VTEXT(hash), KY_VTEXT(display_name),
		      KY_VINT(ky_now_ms()));
	if (rc)
		return rc;
	int64_t uid = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) : 0;
	ky_rows_free(r);
	if (!uid)
		return KY_ERR_DB;
	if (id)
		*id = uid;
	char target[32];
	snprintf(target, sizeof(target), "user#%" PRId64, uid);
	struct ky_audit_entry e = {.actor_id = 0, .action = "user.create", .target = target};
	return ky_audit_append(db, &e, NULL);
}

static enum ky_err tenant(struct ky_db *db, const char *kind, int64_t parent, const char *slug, const char *name,
			  const char *name_en, const char *desc, const char *desc_en, int64_t pop, const char *contact,
			  int64_t *id)
{
	struct ky_rows *r = NULL;
	int64_t now = ky_now_ms();
	enum ky_err rc = KY_QUERY(db,
				  "INSERT INTO tenants (kind, parent_id, slug, name, name_en, description, description_en,"
				  " population, contact_email, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
				  " RETURNING id",
				  &r, KY_VTEXT(kind), parent ? KY_VINT(parent) : KY_VNULL, KY_VTEXT(slug), KY_VTEXT(name),
				  KY_VTEXT(name_en), KY_VTEXT(desc), KY_VTEXT(desc_en), pop ? KY_VINT(pop) : KY_VNULL,
				  KY_VTEXT(contact), KY_VINT(now), KY_VINT(now));
	if (rc)
		return rc;
	*id = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) : 0;
	ky_rows_free(r);
	return *id ? KY_OK : KY_ERR_DB;
}

static enum ky_err org(struct ky_db *db, const char *name, const char *desc, int64_t *id)
{
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(db, "INSERT INTO organizations (name, description, created_at) VALUES (?, ?, ?) RETURNING id",
				  &r, KY_VTEXT(name), KY_VTEXT(desc), KY_VINT(ky_now_ms()));
	if (rc)
		return rc;
	*id = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) : 0;
	ky_rows_free(r);
	return *id ? KY_OK : KY_ERR_DB;
}

struct demo_user {
	const char *email, *name, *role, *where; /* where: tenant slug, "org:N" index, or NULL */
};

static const struct demo_user demo_users[] = {
	{"admin@kyoso.example", "kyoso 運営事務局", "platform_admin", NULL},
	{"kobayashi@pref.minato.example", "小林 誠（みなと県 デジタル推進課）", "region_coordinator", "minato"},
	{"yamada@city.kamome.example", "山田 花子（かもめ市 企画政策課）", "municipality_admin", "kamome"},
	{"sato@city.kamome.example", "佐藤 健（かもめ市 市民協働課）", "staff", "kamome"},
	{"suzuki@city.kamome.example", "鈴木 由美（かもめ市 共創推進室）", "desk_officer", "kamome"},
	{"tanaka@town.wakaba.example", "田中 一郎（わかば町 総務課）", "municipality_admin", "wakaba"},
	{"haruka@example.jp", "中村 はるか", "resident", "kamome"},
	{"kenji@example.jp", "高橋 健二", "resident", "wakaba"},
	{"info@umineko-tech.example", "伊藤 彩（うみねこテック）", "business_admin", "org:0"},
	{"contact@wakaba-bus.example", "渡辺 翔（わかば交通）", "business_admin", "org:1"},
};

enum ky_err ky_delib_seed_demo(struct ky_db *db, int64_t kamome_id, int64_t wakaba_id, int64_t staff_user_id,
			       int64_t resident_user_id);
enum ky_err ky_delib_seed_library(struct ky_db *db, int64_t kamome_id, int64_t staff_id, int64_t resident_id);
enum ky_err ky_delib_seed_finished(struct ky_db *db, int64_t kamome_id, int64_t staff_id, int64_t resident_id);
enum ky_err ky_desk_seed_demo(struct ky_db *db, int64_t kamome_id);
enum ky_err ky_seed_opinion(struct ky_db *db, int64_t kamome_id, int64_t staff_id, int64_t resident_id);

enum ky_err ky_seed_demo(struct ky_db *db, const struct ky_config *cfg, char *err, size_t errlen)
{
	int64_t have = 0;
	if (ky_db_query_int(db, "SELECT COUNT(*) FROM kv_settings WHERE key = 'demo'", NULL, 0, &have) == KY_OK && have) {
		snprintf(err, errlen, "the database already holds the demo world");
		return KY_ERR_CONFLICT;
	}
	enum ky_err rc = ky_db_begin(db);
	if (rc) {
		snprintf(err, errlen, "cannot start a transaction: %s", ky_db_errmsg(db));
		return rc;
	}
	int64_t minato, kamome, wakaba, orgs[3];
	rc = tenant(db, "region", 0, "minato", "みなと県", "Minato Prefecture",
		    "海と山に囲まれた、人口およそ90万人の県です。県内の市町村と力を合わせ、住民の皆さんや事業者の皆さんとの"
		    "共創によるまちづくりを進めています。",
		    "A prefecture of about 900,000 people between the sea and the mountains, working with its municipalities, "
		    "residents and businesses to shape public services together.",
		    900000, "kyoso@pref.minato.example", &minato);
	if (!rc)
		rc = tenant(db, "municipality", minato, "kamome", "かもめ市", "Kamome City",
			    "人口およそ12万人の港町です。駅前のにぎわいづくり、子育て支援、公共施設の使い方について、"
			    "市民の皆さんと一緒に考え、決めていきます。",
			    "A port city of about 120,000 people. Together with residents we plan the station area, support for "
			    "families with children and the future of public facilities.",
			    120000, "kyoso@city.kamome.example", &kamome);
	if (!rc)
		rc = tenant(db, "municipality", minato, "wakaba", "わかば町", "Wakaba Town",
			    "茶畑と里山の広がる、人口およそ1万5千人の町です。地域の足（公共交通）の見直しや、空き家の活用に"
			    "ついて、町民の皆さんの声をお聞きしています。",
			    "A town of about 15,000 people among tea fields and wooded hills. We are asking residents about local "
			    "transport and the reuse of empty houses.",
			    15000, "kyoso@town.wakaba.example", &wakaba);
	if (!rc)
		rc = org(db, "うみねこテック株式会社",
			 "かもめ市に本社を置くIT企業です。自治体向けの業務アプリや、住民向けのLINEサービスの開発を手がけています。",
			 &orgs[0]);
	if (!rc)
		rc = org(db, "わかば交通株式会社", "わかば町を中心に、路線バスと予約制のデマンド交通を運行しています。", &orgs[1]);
	if (!rc)
		rc = org(db, "株式会社しおかぜ設計", "まちづくりと公共空間のデザインを専門とする設計事務所です。", &orgs[2]);
	for (size_t i = 0; !rc && i < sizeof(demo_users) / sizeof(demo_users[0]); i++) {
		const struct demo_user *u = &demo_users[i];
		int64_t uid = 0, t = 0, o = 0;
		rc = ky_user_create(db, cfg, u->email, KY_DEMO_PASSWORD, u->name, true, &uid);
		if (rc)
			break;
		if (u->where && !strncmp(u->where, "org:", 4))
			o = orgs[u->where[4] - '0'];
		else if (u->where)
			t = !strcmp(u->where, "minato") ? minato : !strcmp(u->where, "kamome") ? kamome
											       : wakaba;
		rc = ky_role_grant(db, 0, uid, u->role, t, o, NULL);
		if (!rc && !strcmp(u->email, "sato@city.kamome.example"))
			rc = ky_role_grant(db, 0, uid, "facilitator", kamome, 0, NULL);
	}
	if (!rc) {
		/* Deliberation: a process in each town, with themes, ideas and supports. */
		int64_t staff_id = 0, resident_id = 0;
		rc = ky_db_query_int(db, "SELECT id FROM users WHERE email = 'sato@city.kamome.example'", NULL, 0, &staff_id);
		if (!rc)
			rc = ky_db_query_int(db, "SELECT id FROM users WHERE email = 'haruka@example.jp'", NULL, 0, &resident_id);
		if (!rc)
			rc = ky_delib_seed_demo(db, kamome, wakaba, staff_id, resident_id);
		if (!rc)
			rc = ky_delib_seed_library(db, kamome, staff_id, resident_id);
		if (!rc)
			rc = ky_delib_seed_finished(db, kamome, staff_id, resident_id);
		if (!rc)
			rc = ky_desk_seed_demo(db, kamome);
		if (!rc)
			rc = ky_seed_opinion(db, kamome, staff_id, resident_id); /* src/modules/opinion/seed_opinion.c */
	}
	if (!rc)
		rc = ky_db_exec(db, "INSERT INTO kv_settings (key, value) VALUES ('demo', '1')", NULL, 0, NULL);
	if (rc) {
		snprintf(err, errlen, "seeding failed: %s (%s)", ky_err_name(rc), ky_db_errmsg(db));
		ky_db_rollback(db);
		return rc;
	}
	rc = ky_db_commit(db);
	if (rc)
		snprintf(err, errlen, "commit failed: %s", ky_db_errmsg(db));
	return rc;
}

enum ky_err ky_seed_scale(struct ky_db *db, int64_t n, char *err, size_t errlen)
{
	static const char *kinds[] = {"商店", "建設", "システム", "交通", "農園", "設計", "福祉サービス", "デザイン"};
	static const char *places[] = {"かもめ", "わかば", "みなと", "しおかぜ", "あおば", "ひかり"};
	int64_t done = 0;
	while (done < n) {
		enum ky_err rc = ky_db_begin(db);
		if (rc)
			return rc;
		int64_t batch = n - done < 5000 ? n - done : 5000;
		int64_t now = ky_now_ms();
		for (int64_t i = 0; i < batch && !rc; i++) {
			int64_t k = done + i;
			char name[160], desc[200];
			snprintf(name, sizeof(name), "株式会社%s%s %" PRId64, places[k % 6], kinds[(k / 6) % 8], k + 1);
			snprintf(desc, sizeof(desc), "%sを拠点に地域の%sを手がける事業者です（ベンチマーク用の生成データ）。",
				 places[k % 6], kinds[(k / 6) % 8]);
			rc = KY_EXEC(db, "INSERT INTO organizations (name, description, created_at) VALUES (?, ?, ?)", NULL,
				     KY_VTEXT(name), KY_VTEXT(desc), KY_VINT(now));
		}
		if (rc) {
			snprintf(err, errlen, "insert failed: %s", ky_db_errmsg(db));
			ky_db_rollback(db);
			return rc;
		}
		rc = ky_db_commit(db);
		if (rc)
			return rc;
		done += batch;
	}
	return KY_OK;
}

void ky_seed_print_logins(struct ky_db *db, const char *url)
{
	int64_t have = 0;
	if (ky_db_query_int(db, "SELECT COUNT(*) FROM kv_settings WHERE key = 'demo'", NULL, 0, &have) || !have)
		return;
	printf("\nDemo logins (password for all: %s):\n", KY_DEMO_PASSWORD);
	static const char *const org_names[] = {"うみねこテック株式会社", "わかば交通株式会社"};
	for (size_t i = 0; i < sizeof(demo_users) / sizeof(demo_users[0]); i++) {
		const char *w = demo_users[i].where;
		printf("  %-32s %-20s %s\n", demo_users[i].email, demo_users[i].role,
		       !w ? "" : strncmp(w, "org:", 4) ? w
						       : org_names[w[4] - '0']);
	}
	printf("Mails (verification, password reset) appear at %s/dev/outbox\n\n", url);
	fflush(stdout);
}
