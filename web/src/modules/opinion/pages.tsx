// The opinion map (意見マップ, issue 5): the list of conversations, the voting page (one statement
// at a time, big 賛成 / 反対 / パス buttons), the map and printable report, and the staff page
// (edit, publish/close, seed statements, moderation queue). API: docs/openapi.yaml, tag opinion.
import { useEffect, useState } from 'preact/hooks';
import { API_BASE, api } from '../../api';
import { ErrorBox, Field, FormMessages, Live, Loading, PageHeading, SelectField, SubmitButton, useForm, useTitle } from '../../components';
import { useAsync } from '../../hooks';
import { formatNumber, formatTime, t, useLang, type MessageKey } from '../../i18n';
import { useQuery, type Params } from '../../router';
import { meStore, navigateWithFlash } from '../../session';
import { useStore } from '../../store';
import './opinion.css';
import { ThemeSelect } from './theme';

interface Conversation {
  id: number;
  municipality: string;
  theme_id: number | null;
  /** the attached theme, when the viewer may see it (the "back to the theme" link) */
  theme: { id: number; title: string; process_id: number } | null;
  topic: string;
  description: string;
  moderation: 'pre' | 'post';
  participant_statements: boolean;
  status: 'draft' | 'open' | 'closed';
  n_statements: number;
  n_participants: number;
  can_manage: boolean;
  n_pending?: number;
}
interface Statement {
  id: number;
  body: string;
  seed: boolean;
  state?: 'pending' | 'accepted' | 'rejected' | 'meta';
}
interface Next {
  statement: { id: number; body: string } | null;
  voted: number;
  total: number;
  remaining: number;
  conversation_status: string;
}
interface Counts {
  statement_id: number;
  body: string;
  agree: number;
  disagree: number;
  pass: number;
  total: number;
  agree_pct: number;
  disagree_pct: number;
  pass_pct: number;
  repful_for?: 'agree' | 'disagree';
}
interface Results {
  status: 'ok' | 'not_enough_votes';
  n_participants: number;
  n_votes: number;
  k: number;
  groups: { id: number; label: string; size: number; representative: Counts[] }[];
  consensus: { agree: Counts[]; disagree: Counts[] };
  group_aware_consensus: { agree: { statement_id: number; body: string; probability: number }[] };
  points: [number, number, number][];
  computed_at: number | null;
}
interface Position {
  participated: boolean;
  group: number | null;
  label: string | null;
  x: number | null;
  y: number | null;
}

const base = (slug: string) => `/municipalities/${encodeURIComponent(slug)}/opinion/conversations`;
const page = (slug: string, cid?: string | number, sub = '') =>
  `/m/${encodeURIComponent(slug)}/opinion${cid !== undefined ? `/${encodeURIComponent(String(cid))}` : ''}${sub}`;

export function OpinionListPage({ params }: { params: Params }) {
  useLang();
  const slug = params.slug ?? '';
  useTitle(t('opinion.listTitle'));
  const list = useAsync(() => api<{ items: Conversation[]; can_manage: boolean }>('GET', base(slug)), [slug]);
  const form = useForm();
  const query = useQuery();
  const [topic, setTopic] = useState('');
  const [description, setDescription] = useState('');
  const [moderation, setModeration] = useState('post');
  const [allow, setAllow] = useState(true);
  // ?theme=N (the link on a theme's page) preselects that theme
  const [theme, setTheme] = useState(() => /^[1-9][0-9]*$/.test(query.get('theme') ?? '') ? (query.get('theme') as string) : '');
  return (
    <>
      <PageHeading>{t('opinion.listTitle')}</PageHeading>
      <p>{t('opinion.listLead')}</p>
      {list.loading && <Loading />}
      {list.error && <ErrorBox>{list.error.message}</ErrorBox>}
      {list.data && list.data.items.length === 0 && <p>{t('opinion.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <ul class="link-list">
          {list.data.items.map((c) => (
            <li key={c.id}>
              <a href={page(slug, c.id)}>{c.topic}</a> <span class="badge">{t(`opinion.status.${c.status}` as MessageKey)}</span>{' '}
              <span class="muted">{t('opinion.participants', { n: formatNumber(c.n_participants) })}</span>
            </li>
          ))}
        </ul>
      )}
      {list.data?.can_manage && (
        <section class="panel" aria-labelledby="op-create-h">
          <h2 id="op-create-h">{t('opinion.createTitle')}</h2>
          <form
            class="form"
            ref={form.formRef}
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              void form.run(async () => {
                const c = await api<Conversation>('POST', base(slug), {
                  topic,
                  description,
                  moderation,
                  participant_statements: allow,
                  theme_id: theme ? Number(theme) : 0,
                });
                navigateWithFlash(page(slug, c.id, '/manage'), t('opinion.saved'));
              });
            }}
          >
            <FormMessages form={form} idPrefix="op-create" />
            <Field form={form} idPrefix="op-create" name="topic" label={t('opinion.topic')} hint={t('opinion.topicHint')} value={topic} onInput={setTopic} required maxLength={200} />
            <Field form={form} idPrefix="op-create" name="description" label={t('opinion.description')} value={description} onInput={setDescription} multiline rows={4} maxLength={4000} />
            <ThemeSelect form={form} idPrefix="op-create" slug={slug} value={theme} onChange={setTheme} />
            <SelectField
              form={form}
              idPrefix="op-create"
              name="moderation"
              label={t('opinion.moderation')}
              value={moderation}
              onChange={setModeration}
              options={[
                { value: 'post', label: t('opinion.moderation.post') },
                { value: 'pre', label: t('opinion.moderation.pre') },
              ]}
            />
            <div class="field">
              <label>
                <input type="checkbox" name="participant_statements" checked={allow} onChange={(e) => setAllow((e.currentTarget as HTMLInputElement).checked)} />{' '}
                {t('opinion.allowStatements')}
              </label>
            </div>
            <SubmitButton form={form} label={t('opinion.create')} />
          </form>
        </section>
      )}
    </>
  );
}

/** "テーマ「…」に戻る": the theme page of the process this conversation belongs to. */
function ThemeLink({ slug, c }: { slug: string; c: Conversation | null | undefined }) {
  if (!c?.theme) return null;
  const href = `/m/${encodeURIComponent(slug)}/processes/${c.theme.process_id}/themes/${c.theme.id}`;
  return (
    <>
      {' ・ '}
      <a href={href}>{t('opinion.toTheme', { title: c.theme.title })}</a>
    </>
  );
}

export function OpinionVotePage({ params }: { params: Params }) {
  useLang();
  const slug = params.slug ?? '';
  const cid = params.cid ?? '';
  const me = useStore(meStore);
  const conv = useAsync(() => api<Conversation>('GET', `${base(slug)}/${encodeURIComponent(cid)}`), [slug, cid]);
  const [next, setNext] = useState<Next | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  useTitle(conv.data?.topic ?? t('opinion.listTitle'));

  async function loadNext() {
    try {
      setNext(await api<Next>('GET', `${base(slug)}/${encodeURIComponent(cid)}/next`));
    } catch (e) {
      setErr((e as Error).message);
    }
  }
  useEffect(() => {
    if (me) void loadNext();
  }, [slug, cid, me?.id]);

  async function vote(v: 1 | -1 | 0) {
    if (!next?.statement || busy) return;
    setBusy(true);
    setErr(null);
    try {
      await api('PUT', `${base(slug)}/${encodeURIComponent(cid)}/statements/${next.statement.id}/vote`, { vote: v });
      setMsg(t(v === 1 ? 'opinion.voted.agree' : v === -1 ? 'opinion.voted.disagree' : 'opinion.voted.pass'));
      await loadNext();
      document.getElementById('op-statement')?.focus();
    } catch (e) {
      setErr((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const c = conv.data;
  return (
    <>
      <PageHeading>{c?.topic ?? t('opinion.listTitle')}</PageHeading>
      <p class="op-noprint">
        <a href={page(slug)}>{t('opinion.back')}</a>
        <ThemeLink slug={slug} c={conv.data} />
      </p>
      {conv.loading && <Loading />}
      {conv.error && <ErrorBox>{conv.error.message}</ErrorBox>}
      {c && (
        <>
          {c.description && <p>{c.description}</p>}
          <p>
            <a href={page(slug, cid, '/map')}>{t('opinion.toMap')}</a>
            {c.can_manage && (
              <>
                {' ・ '}
                <a href={page(slug, cid, '/manage')}>{t('opinion.toManage')}</a>
              </>
            )}
          </p>
          {c.status === 'closed' && <p class="notice notice-info">{t('opinion.closedNote')}</p>}
          {c.status === 'draft' && <p class="notice notice-info">{t('opinion.notOpen')}</p>}
          {me === null && c.status === 'open' && (
            <p>
              {t('opinion.loginToVote')} <a href={`/login?next=${encodeURIComponent(page(slug, cid))}`}>{t('opinion.login')}</a>
            </p>
          )}
          <Live message={msg} />
          {err && <ErrorBox>{err}</ErrorBox>}
          {me && next && c.status === 'open' && (
            <section aria-labelledby="op-vote-h">
              <h2 id="op-vote-h">{t('opinion.voteTitle')}</h2>
              <label for="op-progress">{t('opinion.progress', { voted: formatNumber(next.voted), total: formatNumber(next.total) })}</label>
              <progress id="op-progress" class="op-progress" max={Math.max(next.total, 1)} value={next.voted} aria-label={t('opinion.progressLabel')} />
              {next.statement ? (
                <div class="op-card">
                  <p class="op-statement" id="op-statement" tabIndex={-1}>
                    {next.statement.body}
                  </p>
                  <div class="op-votes" role="group" aria-labelledby="op-vote-h">
                    <button type="button" class="btn btn-primary" disabled={busy} onClick={() => void vote(1)}>
                      {t('opinion.agree')}
                    </button>
                    <button type="button" class="btn btn-danger" disabled={busy} onClick={() => void vote(-1)}>
                      {t('opinion.disagree')}
                    </button>
                    <button type="button" class="btn btn-secondary" disabled={busy} onClick={() => void vote(0)}>
                      {t('opinion.pass')}
                    </button>
                  </div>
                </div>
              ) : (
                <p class="notice notice-success">{t('opinion.allDone')}</p>
              )}
            </section>
          )}
          {me && c.status === 'open' && c.participant_statements && <AddStatement slug={slug} cid={cid} pre={c.moderation === 'pre'} onAdded={() => void loadNext()} />}
        </>
      )}
    </>
  );
}

function AddStatement({ slug, cid, pre, onAdded, seed = false }: { slug: string; cid: string; pre: boolean; onAdded: () => void; seed?: boolean }) {
  const form = useForm();
  const [body, setBody] = useState('');
  const prefix = seed ? 'op-seed' : 'op-add';
  return (
    <section class="panel" aria-labelledby={`${prefix}-h`}>
      <h2 id={`${prefix}-h`}>{t(seed ? 'opinion.seedTitle' : 'opinion.addTitle')}</h2>
      {pre && !seed && <p class="hint">{t('opinion.addPre')}</p>}
      <form
        class="form"
        ref={form.formRef}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void form.run(async () => {
            const s = await api<Statement>('POST', `${base(slug)}/${encodeURIComponent(cid)}/statements`, { body });
            setBody('');
            onAdded();
            return seed ? t('opinion.seedAdded') : s.state === 'pending' ? t('opinion.addedPending') : t('opinion.added');
          });
        }}
      >
        <FormMessages form={form} idPrefix={prefix} />
        <Field form={form} idPrefix={prefix} name="body" label={t(seed ? 'opinion.seedBody' : 'opinion.addBody')} hint={seed ? undefined : t('opinion.addHint')} value={body} onInput={setBody} multiline rows={3} maxLength={400} required />
        <SubmitButton form={form} label={t(seed ? 'opinion.seedAdd' : 'opinion.add')} />
      </form>
    </section>
  );
}

/** A group's marker: a different shape per group, so colour is never the only cue. */
function Marker({ g, x, y, r = 4 }: { g: number; x: number; y: number; r?: number }) {
  const cls = `op-g${g % 5}`;
  switch (g % 5) {
    case 1:
      return <rect class={cls} x={x - r} y={y - r} width={2 * r} height={2 * r} />;
    case 2:
      return <polygon class={cls} points={`${x},${y - r - 1} ${x - r - 1},${y + r} ${x + r + 1},${y + r}`} />;
    case 3:
      return <polygon class={cls} points={`${x},${y - r - 1} ${x + r + 1},${y} ${x},${y + r + 1} ${x - r - 1},${y}`} />;
    case 4:
      return <path class={cls} stroke-width={2} fill="none" d={`M${x - r},${y - r}L${x + r},${y + r}M${x - r},${y + r}L${x + r},${y - r}`} />;
    default:
      return <circle class={cls} cx={x} cy={y} r={r} />;
  }
}

function Bar({ c }: { c: Counts }) {
  const a = c.total ? (100 * c.agree) / c.total : 0;
  const d = c.total ? (100 * c.disagree) / c.total : 0;
  const text = t('opinion.bars', { a: c.agree_pct, na: c.agree, d: c.disagree_pct, nd: c.disagree, p: c.pass_pct, np: c.pass });
  return (
    <>
      <svg class="op-bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true" focusable="false">
        <rect class="op-bar-a" x={0} y={0} width={a} height={6} />
        <rect class="op-bar-d" x={a} y={0} width={d} height={6} />
        <rect class="op-bar-p" x={a + d} y={0} width={Math.max(0, 100 - a - d)} height={6} />
      </svg>
      <span class="hint">{text}</span>
    </>
  );
}

export function OpinionMapPage({ params }: { params: Params }) {
  useLang();
  const slug = params.slug ?? '';
  const cid = params.cid ?? '';
  const me = useStore(meStore);
  const conv = useAsync(() => api<Conversation>('GET', `${base(slug)}/${encodeURIComponent(cid)}`), [slug, cid]);
  const res = useAsync(() => api<Results>('GET', `${base(slug)}/${encodeURIComponent(cid)}/results`), [slug, cid]);
  const [pos, setPos] = useState<Position | null>(null);
  useEffect(() => {
    if (me) api<Position>('GET', `${base(slug)}/${encodeURIComponent(cid)}/me/position`).then(setPos, () => setPos(null));
  }, [slug, cid, me?.id]);
  const topic = conv.data?.topic ?? '';
  useTitle(t('opinion.mapTitle', { topic }));
  const r = res.data;
  const W = 400;
  const H = 300;
  let sx = (x: number) => x;
  let sy = (y: number) => y;
  if (r && r.points.length) {
    const xs = r.points.map((p) => p[0]).concat(pos?.x != null ? [pos.x] : []);
    const ys = r.points.map((p) => p[1]).concat(pos?.y != null ? [pos.y] : []);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    sx = (x) => 20 + ((x - x0) / (x1 - x0 || 1)) * (W - 40);
    sy = (y) => 20 + ((y1 - y) / (y1 - y0 || 1)) * (H - 40);
  }
  const shape = (g: number) => t(`opinion.shape.${g % 5}` as MessageKey);
  return (
    <>
      <PageHeading>{t('opinion.mapTitle', { topic })}</PageHeading>
      <p class="op-noprint">
        <a href={page(slug, cid)}>{t('opinion.backToVote')}</a>
        <ThemeLink slug={slug} c={conv.data} />
      </p>
      {(res.loading || conv.loading) && <Loading />}
      {res.error && <ErrorBox>{res.error.message}</ErrorBox>}
      {r && (
        <>
          {r.computed_at && <p class="muted">{t('opinion.computedAt', { time: formatTime(r.computed_at) })}</p>}
          {r.status !== 'ok' ? (
            <p class="notice notice-info">{t('opinion.notEnough')}</p>
          ) : (
            <>
              <p id="op-summary">{t('opinion.summary', { participants: formatNumber(r.n_participants), votes: formatNumber(r.n_votes), k: r.k })}</p>
              {pos?.participated && <p>{pos.label ? t('opinion.yourGroup', { label: pos.label }) : t('opinion.yourNoGroup')}</p>}
              <figure>
                <svg class="op-map" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="op-map-title op-map-desc">
                  <title id="op-map-title">{t('opinion.mapFigure')}</title>
                  <desc id="op-map-desc">
                    {t('opinion.mapDesc')} {r.groups.map((g) => t('opinion.legend', { label: g.label, shape: shape(g.id), n: formatNumber(g.size) })).join('、')}
                  </desc>
                  {r.points.map((p, i) => (
                    <Marker key={i} g={p[2]} x={sx(p[0])} y={sy(p[1])} r={3} />
                  ))}
                  {pos?.x != null && pos.y != null && (
                    <g>
                      <circle class="op-me" cx={sx(pos.x)} cy={sy(pos.y)} r={8} />
                      <text class="op-me-label" x={sx(pos.x) + 11} y={sy(pos.y) + 5}>
                        {t('opinion.you')}
                      </text>
                    </g>
                  )}
                </svg>
                <figcaption>
                  <ul class="op-legend">
                    {r.groups.map((g) => (
                      <li key={g.id}>
                        <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
                          <Marker g={g.id} x={8} y={8} r={5} />
                        </svg>
                        {t('opinion.legend', { label: g.label, shape: shape(g.id), n: formatNumber(g.size) })}
                      </li>
                    ))}
                  </ul>
                </figcaption>
              </figure>
              <section aria-labelledby="op-groups-h">
                <h2 id="op-groups-h">{t('opinion.groupsTitle')}</h2>
                {r.groups.map((g) => (
                  <section key={g.id} aria-labelledby={`op-group-${g.id}`}>
                    <h3 id={`op-group-${g.id}`}>
                      {t('opinion.groupName', { label: g.label })}（{t('opinion.groupSize', { n: formatNumber(g.size) })}）
                    </h3>
                    <ul class="op-rep-list">
                      {g.representative.map((s) => (
                        <li key={s.statement_id}>
                          <strong>{t(s.repful_for === 'agree' ? 'opinion.repAgree' : 'opinion.repDisagree')}</strong>：{s.body}
                          <br />
                          <Bar c={s} />
                        </li>
                      ))}
                    </ul>
                  </section>
                ))}
              </section>
            </>
          )}
          <section aria-labelledby="op-cons-h">
            <h2 id="op-cons-h">{t('opinion.consensusTitle')}</h2>
            <h3>{t('opinion.consensusAgree')}</h3>
            {r.consensus.agree.length === 0 ? (
              <p>{t('opinion.noneYet')}</p>
            ) : (
              <ul class="op-rep-list" id="op-consensus">
                {r.consensus.agree.map((s) => (
                  <li key={s.statement_id}>
                    {s.body}
                    <br />
                    <Bar c={s} />
                  </li>
                ))}
              </ul>
            )}
            {r.consensus.disagree.length > 0 && (
              <>
                <h3>{t('opinion.consensusDisagree')}</h3>
                <ul class="op-rep-list">
                  {r.consensus.disagree.map((s) => (
                    <li key={s.statement_id}>
                      {s.body}
                      <br />
                      <Bar c={s} />
                    </li>
                  ))}
                </ul>
              </>
            )}
            {r.group_aware_consensus.agree.length > 0 && (
              <>
                <h3>{t('opinion.gacTitle')}</h3>
                <ul class="op-rep-list">
                  {r.group_aware_consensus.agree.map((s) => (
                    <li key={s.statement_id}>
                      {s.body}
                      <br />
                      <span class="hint">{t('opinion.gacProb', { p: Math.round(s.probability * 100) })}</span>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </section>
          <p class="op-noprint">
            <button type="button" class="btn btn-secondary" onClick={() => window.print()}>
              {t('opinion.print')}
            </button>{' '}
            <a href={`${API_BASE}${base(slug)}/${encodeURIComponent(cid)}/votes.csv`} download>
              {t('opinion.csv')}
            </a>
          </p>
        </>
      )}
    </>
  );
}

export function OpinionManagePage({ params }: { params: Params }) {
  useLang();
  const slug = params.slug ?? '';
  const cid = params.cid ?? '';
  const url = `${base(slug)}/${encodeURIComponent(cid)}`;
  const conv = useAsync(() => api<Conversation>('GET', url), [url]);
  const stmts = useAsync(() => api<{ items: Statement[] }>('GET', `${url}/statements?limit=500`), [url]);
  const form = useForm();
  const [topic, setTopic] = useState('');
  const [description, setDescription] = useState('');
  const [theme, setTheme] = useState('');
  const [msg, setMsg] = useState<string | null>(null);
  const [err, setErr] = useState<string | null>(null);
  useEffect(() => {
    if (conv.data) {
      setTopic(conv.data.topic);
      setDescription(conv.data.description);
      setTheme(conv.data.theme_id ? String(conv.data.theme_id) : '');
    }
  }, [conv.data?.id]);
  const c = conv.data;
  useTitle(t('opinion.manageTitle', { topic: c?.topic ?? '' }));
  async function act(fn: () => Promise<unknown>, done: string) {
    setErr(null);
    try {
      await fn();
      setMsg(done);
      conv.reload();
      stmts.reload();
    } catch (e) {
      setErr((e as Error).message);
    }
  }
  const moderate = (id: number, state: 'accepted' | 'rejected' | 'meta') =>
    act(() => api('PUT', `${url}/statements/${id}/moderation`, { state }), t('opinion.moderated', { state: t(`opinion.state.${state}` as MessageKey) }));
  const pending = stmts.data?.items.filter((s) => s.state === 'pending') ?? [];
  const row = (s: Statement) => (
    <li key={s.id}>
      {s.body} <span class="badge">{t(`opinion.state.${s.state ?? 'accepted'}` as MessageKey)}</span>
      <div class="op-states">
        {s.state !== 'accepted' && (
          <button type="button" class="btn btn-small btn-primary" onClick={() => void moderate(s.id, 'accepted')}>
            {t('opinion.accept')}
          </button>
        )}
        {s.state !== 'rejected' && (
          <button type="button" class="btn btn-small btn-danger" onClick={() => void moderate(s.id, 'rejected')}>
            {t('opinion.reject')}
          </button>
        )}
        {s.state !== 'meta' && (
          <button type="button" class="btn btn-small btn-secondary" onClick={() => void moderate(s.id, 'meta')}>
            {t('opinion.meta')}
          </button>
        )}
      </div>
    </li>
  );
  return (
    <>
      <PageHeading>{t('opinion.manageTitle', { topic: c?.topic ?? '' })}</PageHeading>
      <p>
        <a href={page(slug, cid)}>{t('opinion.backToVote')}</a> ・ <a href={page(slug, cid, '/map')}>{t('opinion.toMap')}</a>
      </p>
      {conv.loading && <Loading />}
      {conv.error && <ErrorBox>{conv.error.message}</ErrorBox>}
      <Live message={msg} />
      {err && <ErrorBox>{err}</ErrorBox>}
      {c && (
        <>
          <p>
            <span class="badge">{t(`opinion.status.${c.status}` as MessageKey)}</span>{' '}
            {c.status === 'draft' && (
              <button type="button" class="btn btn-primary" onClick={() => void act(() => api('POST', `${url}/publish`), t('opinion.published'))}>
                {t('opinion.publish')}
              </button>
            )}
            {c.status === 'open' && (
              <button type="button" class="btn btn-danger" onClick={() => void act(() => api('POST', `${url}/close`), t('opinion.closed'))}>
                {t('opinion.close')}
              </button>
            )}
          </p>
          {c.status !== 'closed' && (
            <form
              class="form panel"
              ref={form.formRef}
              noValidate
              onSubmit={(e) => {
                e.preventDefault();
                void form.run(async () => {
                  await api('PUT', url, { topic, description, theme_id: theme ? Number(theme) : 0 });
                  conv.reload();
                  return t('opinion.saved');
                });
              }}
            >
              <FormMessages form={form} idPrefix="op-edit" />
              <Field form={form} idPrefix="op-edit" name="topic" label={t('opinion.topic')} value={topic} onInput={setTopic} required maxLength={200} />
              <Field form={form} idPrefix="op-edit" name="description" label={t('opinion.description')} value={description} onInput={setDescription} multiline rows={4} maxLength={4000} />
              <ThemeSelect form={form} idPrefix="op-edit" slug={slug} value={theme} onChange={setTheme} />
              <SubmitButton form={form} label={t('opinion.save')} />
            </form>
          )}
          {c.status !== 'closed' && <AddStatement slug={slug} cid={cid} pre={false} seed onAdded={() => stmts.reload()} />}
          <section aria-labelledby="op-queue-h">
            <h2 id="op-queue-h">{t('opinion.queueTitle')}</h2>
            {pending.length === 0 ? <p>{t('opinion.queueEmpty')}</p> : <ul class="op-rep-list">{pending.map(row)}</ul>}
          </section>
          <section aria-labelledby="op-all-h">
            <h2 id="op-all-h">{t('opinion.allTitle')}</h2>
            {stmts.data && <ul class="op-rep-list">{stmts.data.items.filter((s) => s.state !== 'pending').map(row)}</ul>}
          </section>
        </>
      )}
    </>
  );
}
