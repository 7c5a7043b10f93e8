// Pages of participatory processes: the municipality's list, one process (timeline of phases,
// themes, staff actions), a theme with its ideas (sort/filter, support, post form), one idea with
// the city's answer, and the staff form that creates a process with its phases.
// Markdown arrives rendered by the server (raw HTML dropped), so body_html is safe to insert.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, qs, type Municipality } from '../../api';
import { ErrorBox, Field, FormMessages, Live, Loading, PageHeading, SelectField, SubmitButton, Time, useForm, useTitle } from '../../components';
import { useAsync } from '../../hooks';
import { formatTime, localized, t, useLang, type MessageKey } from '../../i18n';
import { useQuery, type Params } from '../../router';
import { meStore, navigateWithFlash, placeStore } from '../../session';
import { useStore } from '../../store';
import { ACTIONS, IDEA_STATES, type Action, type Idea, type IdeaList, type IdeaState, type Phase, type Process, type ProcessList, type Theme } from './types';
import { Comments } from '../comments';
import { ThemeConversations } from '../opinion';
import { ideaLockReason } from './edit';
import './process.css';

const enc = encodeURIComponent;
const base = (slug: string) => `/municipalities/${enc(slug)}`;
const procUrl = (slug: string, id: number | string) => `/m/${enc(slug)}/processes/${id}`;

function useMuni(slug: string) {
  const m = useAsync(() => api<Municipality>('GET', base(slug)), [slug]);
  useEffect(() => {
    if (m.data) placeStore.set({ name: m.data.name, name_en: m.data.name_en, href: `/m/${enc(m.data.slug)}` });
  }, [m.data]);
  return m.data;
}

function StatusBadge({ status }: { status: Process['status'] }) {
  const cls = status === 'published' ? 'badge badge-ok' : 'badge badge-warn';
  return <span class={cls}>{t(`process.status.${status}` as MessageKey)}</span>;
}

function stateLabel(s: IdeaState) {
  return t(`process.state.${s}` as MessageKey);
}

function Md({ html }: { html: string | undefined }) {
  if (!html) return null;
  return <div class="pr-md" dangerouslySetInnerHTML={{ __html: html }} />;
}

function NotFoundBlock({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return <ErrorBox>{error.message}</ErrorBox>;
}

/* ---------- list ---------- */

export function ProcessListPage({ params }: { params: Params }) {
  useLang();
  const slug = params.slug ?? '';
  const m = useMuni(slug);
  const list = useAsync(() => api<ProcessList>('GET', `${base(slug)}/processes${qs({ limit: 100 })}`), [slug]);
  const name = m ? localized(m.name, m.name_en) : '';
  useTitle(t('process.listTitle'));
  return (
    <>
      <PageHeading>{t('process.listTitle')}</PageHeading>
      {m && <p class="lead">{t('process.listLead', { name })}</p>}
      {list.loading && <Loading />}
      <NotFoundBlock error={list.error} />
      {list.data?.can_manage && (
        <p>
          <a class="btn btn-primary" href={`/m/${enc(slug)}/processes/new`}>
            {t('process.new')}
          </a>
        </p>
      )}
      {list.data && list.data.items.length === 0 && <p>{t('process.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <ul class="card-list">
          {list.data.items.map((p) => (
            <li key={p.id}>
              <a class="card-link" href={procUrl(slug, p.id)}>
                <span class="card-title">
                  {p.title}
                  <StatusBadge status={p.status} />
                </span>
                <span class="card-meta">
                  {p.current_phase ? t('process.currentPhase', { title: p.current_phase.title }) : t('process.noCurrentPhase')}
                </span>
                <span class="card-meta">{t('process.counts', p.counts)}</span>
                {p.summary && <span class="card-text">{p.summary}</span>}
              </a>
            </li>
          ))}
        </ul>
      )}
      {m && (
        <p>
          <a href={`/m/${enc(slug)}`}>{t('process.backToMuni', { name })}</a>
        </p>
      )}
    </>
  );
}

/* ---------- one process ---------- */

function Timeline({ phases }: { phases: Phase[] }) {
  return (
    <ol class="pr-timeline">
      {phases.map((ph) => (
        <li key={ph.id} class={`pr-${ph.state}`} aria-current={ph.current ? 'step' : undefined}>
          <p class="pr-phase-title">
            {ph.title}
            <span class={ph.current ? 'badge badge-ok' : 'badge'}>
              {t(ph.current ? 'process.phaseNow' : ph.state === 'past' ? 'process.phasePast' : 'process.phaseUpcoming')}
            </span>
          </p>
          <p class="pr-phase-meta">{t('process.phaseDates', { start: formatTime(ph.starts_at), end: formatTime(ph.ends_at) })}</p>
          {ph.actions.length > 0 && (
            <p class="pr-phase-meta">
              {t('process.phaseActions', { list: ph.actions.map((a) => t(`process.action.${a}` as MessageKey)).join(t('process.listSep')) })}
            </p>
          )}
          {ph.description && <p class="pr-phase-meta">{ph.description}</p>}
        </li>
      ))}
    </ol>
  );
}

export function ProcessPage({ params }: { params: Params }) {
  useLang();
  const slug = params.slug ?? '';
  const id = params.id ?? '';
  useMuni(slug);
  const p = useAsync(() => api<Process>('GET', `${base(slug)}/processes/${enc(id)}`), [slug, id]);
  const themes = useAsync(() => api<{ items: Theme[] }>('GET', `${base(slug)}/processes/${enc(id)}/themes`), [slug, id]);
  const [msg, setMsg] = useState<string | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const proc = p.data;
  useTitle(proc ? proc.title : t('common.loading'));

  async function transition(to: 'publish' | 'close') {
    if (to === 'close' && !window.confirm(t('process.confirmClose'))) return;
    setErr(null);
    try {
      const r = await api<Process>('POST', `${base(slug)}/processes/${enc(id)}/${to}`);
      p.setData(r);
      setMsg(t(to === 'publish' ? 'process.published' : 'process.closed'));
    } catch (e) {
      setErr(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <>
      <PageHeading>
        {proc ? proc.title : t('common.loading')}
        {proc && <StatusBadge status={proc.status} />}
      </PageHeading>
      {p.loading && <Loading />}
      <NotFoundBlock error={p.error} />
      <Live message={msg} />
      {err && <ErrorBox>{err}</ErrorBox>}
      {proc && (
        <>
          {proc.status === 'draft' && <p class="notice notice-warning">{t('process.draftNotice')}</p>}
          {proc.status === 'closed' && <p class="notice notice-info">{t('process.closedNotice')}</p>}
          {proc.summary && <p class="lead">{proc.summary}</p>}
          <p class="muted">{t('process.counts', proc.counts)}</p>
          {proc.can_manage && (
            <section aria-labelledby="pr-manage" class="panel">
              <h2 id="pr-manage">{t('process.manage')}</h2>
              <div class="button-row">
                {proc.status !== 'closed' && (
                  <a class="btn btn-secondary" href={`${procUrl(slug, proc.id)}/edit`}>
                    {t('process.edit.link')}
                  </a>
                )}
                {proc.status === 'draft' && (
                  <button type="button" class="btn btn-primary" onClick={() => transition('publish')}>
                    {t('process.publish')}
                  </button>
                )}
                {proc.status === 'published' && (
                  <button type="button" class="btn btn-secondary" onClick={() => transition('close')}>
                    {t('process.close')}
                  </button>
                )}
              </div>
            </section>
          )}
          <section aria-labelledby="pr-timeline">
            <h2 id="pr-timeline">{t('process.timeline')}</h2>
            <Timeline phases={proc.phases} />
          </section>
          <section aria-labelledby="pr-more">
            <h2 id="pr-more">{t('process.moreTitle')}</h2>
            <ul class="link-list">
              <li>
                <a href={`${procUrl(slug, proc.id)}/drafts`}>{t('process.draftsLink')}</a>
              </li>
              <li>
                <a href={`${procUrl(slug, proc.id)}/surveys`}>{t('process.surveysLink')}</a>
              </li>
              <li>
                <a href={`${procUrl(slug, proc.id)}/report`}>{t('reports.title')}</a>
              </li>
              <li>
                <a href={`/m/${enc(slug)}/search`}>{t('search.link')}</a>
              </li>
              <li>
                <a href={`${procUrl(slug, proc.id)}/workshops`}>{t('workshops.processLink')}</a>
              </li>
              <li>
                <a href={`${procUrl(slug, proc.id)}/stats`}>{t('stats.processLink')}</a>
              </li>
            </ul>
          </section>
          <section aria-labelledby="pr-themes">
            <h2 id="pr-themes">{t('process.themes')}</h2>
            {themes.data && themes.data.items.length === 0 && <p>{t('process.noThemes')}</p>}
            {themes.data && themes.data.items.length > 0 && (
              <ul class="card-list">
                {themes.data.items.map((th) => (
                  <li key={th.id}>
                    <a class="card-link" href={`${procUrl(slug, proc.id)}/themes/${th.id}`}>
                      <span class="card-title">
                        {th.title}
                        {th.hidden && <span class="badge badge-warn">{t('process.hiddenBadge')}</span>}
                      </span>
                      <span class="card-meta">{t('process.themeIdeas', { n: th.idea_count })}</span>
                      {(th.category || th.district) && <span class="card-meta">{[th.category, th.district].filter(Boolean).join(' / ')}</span>}
                    </a>
                  </li>
                ))}
              </ul>
            )}
            {proc.can_manage && proc.status !== 'closed' && <ThemeForm slug={slug} pid={proc.id} onDone={() => themes.reload()} />}
          </section>
          {proc.body_html && (
            <section aria-labelledby="pr-about">
              <h2 id="pr-about">{t('process.about')}</h2>
              <Md html={proc.body_html} />
            </section>
          )}
        </>
      )}
      <p>
        <a href={`/m/${enc(slug)}/processes`}>{t('process.backToList')}</a>
      </p>
    </>
  );
}

function ThemeForm({ slug, pid, onDone }: { slug: string; pid: number; onDone: () => void }) {
  const form = useForm();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [category, setCategory] = useState('');
  const [district, setDistrict] = useState('');
  const [limit, setLimit] = useState('0');
  async function submit(e: Event) {
    e.preventDefault();
    const ok = await form.run(async () => {
      const n = Number(limit);
      const th = await api<Theme>('POST', `${base(slug)}/processes/${pid}/themes`, {
        title, body, category, district, support_limit: Number.isInteger(n) ? n : -1,
      });
      return t('process.themeForm.saved', { title: th.title });
    });
    if (ok) {
      setTitle('');
      setBody('');
      onDone();
    }
  }
  return (
    <form class="form panel" ref={form.formRef} onSubmit={submit} noValidate aria-labelledby="pr-theme-form">
      <h3 id="pr-theme-form">{t('process.themeForm.title')}</h3>
      <FormMessages form={form} idPrefix="theme" />
      <Field form={form} idPrefix="theme" name="title" label={t('process.themeForm.name')} value={title} onInput={setTitle} required maxLength={120} />
      <Field form={form} idPrefix="theme" name="body" label={t('process.themeForm.body')} hint={t('process.form.bodyHint')} value={body} onInput={setBody} multiline rows={4} />
      <Field form={form} idPrefix="theme" name="category" label={t('process.themeForm.category')} value={category} onInput={setCategory} maxLength={60} />
      <Field form={form} idPrefix="theme" name="district" label={t('process.themeForm.district')} value={district} onInput={setDistrict} maxLength={60} />
      <Field form={form} idPrefix="theme" name="support_limit" type="number" inputMode="numeric" min={0} max={1000} label={t('process.themeForm.limit')} hint={t('process.themeForm.limitHint')} value={limit} onInput={setLimit} />
      <SubmitButton form={form} label={t('process.themeForm.save')} />
    </form>
  );
}

/* ---------- new process (staff) ---------- */

interface PhaseDraft {
  title: string;
  description: string;
  start: string;
  end: string;
  actions: Action[];
}

function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 16);
}

export function ProcessNewPage({ params }: { params: Params }) {
  useLang();
  const slug = params.slug ?? '';
  useMuni(slug);
  useTitle(t('process.form.title'));
  const form = useForm();
  const [title, setTitle] = useState('');
  const [summary, setSummary] = useState('');
  const [body, setBody] = useState('');
  const day = 24 * 3600 * 1000;
  const now = Math.floor(Date.now() / 3600000) * 3600000;
  const [phases, setPhases] = useState<PhaseDraft[]>([
    { title: 'アイデア募集', description: '', start: localInput(now), end: localInput(now + 30 * day), actions: ['idea', 'comment', 'support'] },
  ]);
  function update(i: number, patch: Partial<PhaseDraft>) {
    setPhases(phases.map((p, k) => (k === i ? { ...p, ...patch } : p)));
  }
  function add() {
    const last = phases[phases.length - 1];
    const s = last ? new Date(last.end).getTime() : now;
    setPhases([...phases, { title: '', description: '', start: localInput(s), end: localInput(s + 30 * day), actions: [] }]);
  }
  async function submit(e: Event) {
    e.preventDefault();
    await form.run(async () => {
      const toMs = (v: string, field: string) => {
        const ms = new Date(v).getTime();
        if (!v || !Number.isFinite(ms)) throw new ApiError(400, `${field}: ${t('process.form.badDate')}`, { field, code: 'validation' });
        return ms;
      };
      const p = await api<Process>('POST', `${base(slug)}/processes`, {
        title, summary, body,
        phases: phases.map((ph, i) => ({
          title: ph.title, description: ph.description, actions: ph.actions,
          starts_at: toMs(ph.start, `phases[${i}].starts_at`), ends_at: toMs(ph.end, `phases[${i}].ends_at`),
        })),
      });
      navigateWithFlash(procUrl(slug, p.id), t('process.form.saved'));
    });
  }
  return (
    <>
      <PageHeading>{t('process.form.title')}</PageHeading>
      <p class="lead">{t('process.form.lead')}</p>
      <form class="form" ref={form.formRef} onSubmit={submit} noValidate>
        <FormMessages form={form} idPrefix="proc" />
        <Field form={form} idPrefix="proc" name="title" label={t('process.form.name')} value={title} onInput={setTitle} required maxLength={120} />
        <Field form={form} idPrefix="proc" name="summary" label={t('process.form.summary')} hint={t('process.form.summaryHint')} value={summary} onInput={setSummary} multiline rows={2} />
        <Field form={form} idPrefix="proc" name="body" label={t('process.form.body')} hint={t('process.form.bodyHint')} value={body} onInput={setBody} multiline rows={6} />
        <h2>{t('process.form.phases')}</h2>
        <p class="hint">{t('process.form.phasesHint')}</p>
        {phases.map((ph, i) => (
          <fieldset key={i} class="pr-phase-edit">
            <legend>{t('process.form.phaseN', { n: i + 1 })}</legend>
            <Field form={form} idPrefix="proc" name={`phases[${i}].title`} label={t('process.form.phaseTitle')} value={ph.title} onInput={(v) => update(i, { title: v })} required maxLength={100} />
            <Field form={form} idPrefix="proc" name={`phases[${i}].description`} label={t('process.form.phaseDescription')} value={ph.description} onInput={(v) => update(i, { description: v })} multiline rows={2} />
            <Field form={form} idPrefix="proc" name={`phases[${i}].starts_at`} type="datetime-local" label={t('process.form.phaseStart')} value={ph.start} onInput={(v) => update(i, { start: v })} required />
            <Field form={form} idPrefix="proc" name={`phases[${i}].ends_at`} type="datetime-local" label={t('process.form.phaseEnd')} value={ph.end} onInput={(v) => update(i, { end: v })} required />
            <fieldset class="pr-checks">
              <legend>{t('process.form.phaseActions')}</legend>
              {ACTIONS.map((a) => (
                <label key={a}>
                  <input
                    type="checkbox"
                    name={`phases[${i}].actions`}
                    checked={ph.actions.includes(a)}
                    onChange={(e) => {
                      const on = (e.currentTarget as HTMLInputElement).checked;
                      update(i, { actions: on ? [...ph.actions, a] : ph.actions.filter((x) => x !== a) });
                    }}
                  />
                  {t(`process.action.${a}` as MessageKey)}
                </label>
              ))}
            </fieldset>
            {phases.length > 1 && (
              <button type="button" class="btn btn-secondary btn-small" onClick={() => setPhases(phases.filter((_, k) => k !== i))}>
                {t('process.form.removePhase', { n: i + 1 })}
              </button>
            )}
          </fieldset>
        ))}
        <p>
          <button type="button" class="btn btn-secondary" onClick={add}>
            {t('process.form.addPhase')}
          </button>
        </p>
        <SubmitButton form={form} label={t('process.form.save')} />
      </form>
      <p>
        <a href={`/m/${enc(slug)}/processes`}>{t('process.backToList')}</a>
      </p>
    </>
  );
}

/* ---------- theme with ideas ---------- */

function SupportButton({ slug, idea, onChange, canSupport }: { slug: string; idea: Idea; onChange: (i: Idea, msg: string | null, err: string | null) => void; canSupport: boolean }) {
  const me = useStore(meStore);
  const [busy, setBusy] = useState(false);
  if (!me) {
    return (
      <p class="pr-support">
        <span>{t('process.idea.supports', { n: idea.support_count })}</span>
        <a href={`/login?next=${enc(location.pathname)}`}>{t('process.loginToSupport')}</a>
      </p>
    );
  }
  async function toggle() {
    if (busy) return;
    setBusy(true);
    try {
      const r = await api<{ supported: boolean; support_count: number }>(
        idea.supported ? 'DELETE' : 'POST',
        `${base(slug)}/processes/${idea.process_id}/ideas/${idea.id}/support`,
      );
      onChange({ ...idea, supported: r.supported, support_count: r.support_count }, t(r.supported ? 'process.supportDone' : 'process.supportUndone', { title: idea.title }), null);
    } catch (e) {
      onChange(idea, null, e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <p class="pr-support">
      <button
        type="button"
        class="btn btn-secondary btn-small"
        aria-pressed={idea.supported ? 'true' : 'false'}
        aria-label={t('process.supportLabel', { title: idea.title })}
        disabled={busy || (!canSupport && !idea.supported) || idea.state === 'withdrawn'}
        onClick={toggle}
      >
        {idea.supported ? t('process.supported') : t('process.support')}
      </button>
      <span>{t('process.idea.supports', { n: idea.support_count })}</span>
    </p>
  );
}

/** Why an action is not open now, from the phases (the server decides; this only explains). */
function phaseNote(proc: Process, act: Action): string | null {
  if (proc.status !== 'published') return proc.status === 'closed' ? t('process.closedNotice') : null;
  if (proc.current_phase?.actions.includes(act)) return null;
  const now = Date.now();
  const next = proc.phases.find((p) => p.starts_at > now && p.actions.includes(act));
  if (next) return `${t('process.post.closed')}${t('process.post.opensAt', { title: next.title, start: formatTime(next.starts_at) })}`;
  return act === 'idea' ? t('process.post.ended') : t('process.post.closed');
}

export function ThemePage({ params }: { params: Params }) {
  useLang();
  const slug = params.slug ?? '';
  const id = params.id ?? '';
  const tid = params.tid ?? '';
  useMuni(slug);
  const me = useStore(meStore);
  const query = useQuery();
  const [sort, setSort] = useState(query.get('sort') || 'newest');
  const [category, setCategory] = useState(query.get('category') || '');
  const [district, setDistrict] = useState(query.get('district') || '');
  const [state, setState] = useState(query.get('state') || '');
  const [applied, setApplied] = useState({ sort, category, district, state });
  const [seed] = useState(() => {
    const k = 'kyoso_seed';
    let s = sessionStorage.getItem(k);
    if (!s) {
      s = String(Math.floor(Math.random() * 1000000));
      sessionStorage.setItem(k, s);
    }
    return s;
  });
  const proc = useAsync(() => api<Process>('GET', `${base(slug)}/processes/${enc(id)}`), [slug, id]);
  const theme = useAsync(() => api<Theme>('GET', `${base(slug)}/processes/${enc(id)}/themes/${enc(tid)}`), [slug, id, tid]);
  const [items, setItems] = useState<Idea[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [listErr, setListErr] = useState<ApiError | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const th = theme.data;
  useTitle(th ? th.title : t('common.loading'));

  async function load(after: number | null) {
    setLoading(true);
    try {
      const r = await api<IdeaList>('GET', `${base(slug)}/processes/${enc(id)}/themes/${enc(tid)}/ideas${qs({ ...applied, seed, limit: 20, after })}`);
      setItems(after === null ? r.items : [...items, ...r.items]);
      setNext(r.next_after);
      setListErr(null);
    } catch (e) {
      setListErr(e instanceof ApiError ? e : new ApiError(0, String(e)));
    } finally {
      setLoading(false);
    }
  }
  useEffect(() => {
    load(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [slug, id, tid, applied]);

  function apply(e: Event) {
    e.preventDefault();
    setApplied({ sort, category, district, state });
  }
  const p = proc.data;
  const ideaNote = p ? phaseNote(p, 'idea') : null;
  const supportOpen = p ? phaseNote(p, 'support') === null : false;
  const sortOpts = ['newest', 'supported', 'discussed', 'random'].map((s) => ({ value: s, label: t(`process.sort.${s}` as MessageKey) }));
  const stateOpts = [{ value: '', label: t('process.filter.all') }, ...IDEA_STATES.map((s) => ({ value: s, label: stateLabel(s) }))];
  const filterForm = useForm();

  return (
    <>
      <PageHeading>
        {th ? th.title : t('common.loading')}
        {th?.hidden && <span class="badge badge-warn">{t('process.hiddenBadge')}</span>}
      </PageHeading>
      {theme.loading && <Loading />}
      <NotFoundBlock error={theme.error} />
      {th && p && (
        <>
          <p>
            <a href={procUrl(slug, p.id)}>{t('process.backToProcess', { title: p.title })}</a>
          </p>
          {(th.category || th.district) && <p class="muted">{[th.category, th.district].filter(Boolean).join(' / ')}</p>}
          <Md html={th.body_html} />
          {th.can_manage && (
            <p>
              <a class="btn btn-secondary" href={`${procUrl(slug, p.id)}/themes/${th.id}/edit`}>
                {t('process.edit.themeLink')}
              </a>
            </p>
          )}
          {th.support_limit > 0 && me && <p class="notice notice-info">{t('process.theme.limit', { n: th.support_limit, used: th.my_support_count })}</p>}
          <Live message={msg} />
          {err && <ErrorBox>{err}</ErrorBox>}
          <ThemeConversations slug={slug} themeId={th.id} canManage={!!th.can_manage} />
          <section aria-labelledby="pr-ideas">
            <h2 id="pr-ideas">{t('process.theme.ideas')}</h2>
            <form class="pr-controls" onSubmit={apply} ref={filterForm.formRef}>
              <SelectField form={filterForm} idPrefix="f" name="sort" label={t('process.sort')} value={sort} onChange={setSort} options={sortOpts} />
              <Field form={filterForm} idPrefix="f" name="category" label={t('process.filter.category')} value={category} onInput={setCategory} />
              <Field form={filterForm} idPrefix="f" name="district" label={t('process.filter.district')} value={district} onInput={setDistrict} />
              <SelectField form={filterForm} idPrefix="f" name="state" label={t('process.filter.state')} value={state} onChange={setState} options={stateOpts} />
              <button type="submit" class="btn btn-secondary">
                {t('process.filter.apply')}
              </button>
            </form>
            <NotFoundBlock error={listErr} />
            {!loading && items.length === 0 && !listErr && <p>{t('process.noIdeas')}</p>}
            <ul class="pr-ideas">
              {items.map((i) => (
                <li key={i.id} class="pr-idea">
                  <h3>
                    <a href={`${procUrl(slug, p.id)}/ideas/${i.id}`}>{i.title}</a>
                  </h3>
                  <p class="pr-idea-meta">
                    <span class={i.state === 'open' ? 'badge' : 'badge badge-ok'}>{stateLabel(i.state)}</span>
                    <span>{t('process.idea.by', { name: i.author.name })}</span>
                    <Time ms={i.created_at} />
                    <span>{t('process.idea.comments', { n: i.comment_count })}</span>
                    {(i.category || i.district) && <span>{[i.category, i.district].filter(Boolean).join(' / ')}</span>}
                    {i.hidden && <span class="badge badge-warn">{t('process.hiddenBadge')}</span>}
                  </p>
                  <SupportButton
                    slug={slug}
                    idea={i}
                    canSupport={supportOpen}
                    onChange={(n, m, e) => {
                      setItems(items.map((x) => (x.id === n.id ? n : x)));
                      setMsg(m);
                      setErr(e);
                    }}
                  />
                </li>
              ))}
            </ul>
            {loading && <Loading />}
            {next !== null && !loading && (
              <p>
                <button type="button" class="btn btn-secondary" onClick={() => load(next)}>
                  {t('process.more')}
                </button>
              </p>
            )}
          </section>
          <section aria-labelledby="pr-post">
            <h2 id="pr-post">{t('process.post.title')}</h2>
            {ideaNote ? (
              <p class="notice notice-info">{ideaNote}</p>
            ) : !me ? (
              <p>
                {t('process.loginToPost')} <a href={`/login?next=${enc(location.pathname)}`}>{t('process.login')}</a>
              </p>
            ) : (
              <IdeaForm slug={slug} pid={p.id} tid={th.id} onDone={(i) => { setItems([i, ...items]); }} />
            )}
          </section>
          <Comments slug={slug} target={`theme:${th.id}`} />
        </>
      )}
    </>
  );
}

function IdeaForm({ slug, pid, tid, onDone }: { slug: string; pid: number; tid: number; onDone: (i: Idea) => void }) {
  const form = useForm();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [category, setCategory] = useState('');
  const [district, setDistrict] = useState('');
  async function submit(e: Event) {
    e.preventDefault();
    const ok = await form.run(async () => {
      const i = await api<Idea>('POST', `${base(slug)}/processes/${pid}/themes/${tid}/ideas`, { title, body, category, district });
      onDone(i);
      return t('process.post.done', { title: i.title });
    });
    if (ok) {
      setTitle('');
      setBody('');
    }
  }
  return (
    <form class="form" ref={form.formRef} onSubmit={submit} noValidate>
      <FormMessages form={form} idPrefix="idea" />
      <Field form={form} idPrefix="idea" name="title" label={t('process.post.name')} value={title} onInput={setTitle} required maxLength={120} />
      <Field form={form} idPrefix="idea" name="body" label={t('process.post.body')} hint={t('process.post.bodyHint')} value={body} onInput={setBody} required multiline rows={6} />
      <Field form={form} idPrefix="idea" name="category" label={t('process.post.category')} value={category} onInput={setCategory} maxLength={60} />
      <Field form={form} idPrefix="idea" name="district" label={t('process.post.district')} value={district} onInput={setDistrict} maxLength={60} />
      <SubmitButton form={form} label={t('process.post.submit')} />
    </form>
  );
}

/* ---------- one idea ---------- */

export function IdeaPage({ params }: { params: Params }) {
  useLang();
  const slug = params.slug ?? '';
  const id = params.id ?? '';
  const iid = params.iid ?? '';
  useMuni(slug);
  const idea = useAsync(() => api<Idea>('GET', `${base(slug)}/processes/${enc(id)}/ideas/${enc(iid)}`), [slug, id, iid]);
  const proc = useAsync(() => api<Process>('GET', `${base(slug)}/processes/${enc(id)}`), [slug, id]);
  const [msg, setMsg] = useState<string | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const i = idea.data;
  useTitle(i ? i.title : t('common.loading'));
  async function withdraw() {
    if (!i || !window.confirm(t('process.withdrawConfirm'))) return;
    try {
      const r = await api<Idea>('POST', `${base(slug)}/processes/${i.process_id}/ideas/${i.id}/withdraw`);
      idea.setData({ ...i, ...r });
      setMsg(t('process.withdrawn'));
    } catch (e) {
      setErr(e instanceof Error ? e.message : String(e));
    }
  }
  return (
    <>
      <PageHeading>{i ? i.title : t('common.loading')}</PageHeading>
      {idea.loading && <Loading />}
      <NotFoundBlock error={idea.error} />
      <Live message={msg} />
      {err && <ErrorBox>{err}</ErrorBox>}
      {i && (
        <>
          {i.theme && (
            <p>
              <a href={`${procUrl(slug, i.process_id)}/themes/${i.theme.id}`}>{t('process.backToTheme', { title: i.theme.title })}</a>
            </p>
          )}
          <p class="pr-idea-meta">
            <span class={i.state === 'open' ? 'badge' : 'badge badge-ok'}>{stateLabel(i.state)}</span>
            <span>{t('process.idea.by', { name: i.author.name })}</span>
            <Time ms={i.created_at} />
            {i.source !== 'online' && <span>{t(`process.idea.source.${i.source}` as MessageKey)}</span>}
          </p>
          <section aria-labelledby="pr-answer" class="pr-answer">
            <h2 id="pr-answer">{t('process.answer')}</h2>
            {i.answer ? (
              <>
                <p>
                  <strong>{stateLabel(i.answer.state)}</strong>
                </p>
                <p class="break">{i.answer.reason}</p>
                <p class="muted">{t('process.answerAt', { at: formatTime(i.answer.answered_at) })}</p>
              </>
            ) : (
              <p>{t('process.noAnswer')}</p>
            )}
          </section>
          <Md html={i.body_html} />
          <p class="pr-idea-meta">
            <span>{t('process.idea.comments', { n: i.comment_count })}</span>
          </p>
          <SupportButton
            slug={slug}
            idea={i}
            canSupport={proc.data ? phaseNote(proc.data, 'support') === null : false}
            onChange={(n, m, e) => {
              idea.setData(n);
              setMsg(m);
              setErr(e);
            }}
          />
          {i.mine && i.state === 'open' && (
            <section aria-labelledby="pr-mine" class="panel">
              <h2 id="pr-mine">{t('process.mine')}</h2>
              {i.editable ? (
                <p>
                  <a class="btn btn-secondary" href={`${procUrl(slug, i.process_id)}/ideas/${i.id}/edit`}>
                    {t('process.edit.ideaLink')}
                  </a>
                </p>
              ) : (
                <p class="notice notice-info">{ideaLockReason(i)}</p>
              )}
              <p class="hint">{t('process.withdrawHint')}</p>
              <p>
                <button type="button" class="btn btn-secondary" onClick={withdraw}>
                  {t('process.withdraw')}
                </button>
              </p>
            </section>
          )}
          {i.can_answer && i.state !== 'withdrawn' && <AnswerForm slug={slug} idea={i} onDone={(n) => idea.setData({ ...i, ...n })} />}
          <Comments slug={slug} target={`idea:${i.id}`} />
        </>
      )}
    </>
  );
}

function AnswerForm({ slug, idea, onDone }: { slug: string; idea: Idea; onDone: (i: Idea) => void }) {
  const form = useForm();
  const [state, setState] = useState<string>(idea.answer?.state ?? 'considering');
  const [reason, setReason] = useState(idea.answer?.reason ?? '');
  async function submit(e: Event) {
    e.preventDefault();
    await form.run(async () => {
      const r = await api<Idea>('PUT', `${base(slug)}/processes/${idea.process_id}/ideas/${idea.id}/answer`, { state, reason });
      onDone(r);
      return t('process.answerForm.done');
    });
  }
  const opts = (['considering', 'adopted', 'partially_adopted', 'rejected'] as IdeaState[]).map((s) => ({ value: s, label: stateLabel(s) }));
  return (
    <form class="form panel" ref={form.formRef} onSubmit={submit} noValidate aria-labelledby="pr-answer-form">
      <h2 id="pr-answer-form">{t('process.answerForm.title')}</h2>
      <FormMessages form={form} idPrefix="answer" />
      <SelectField form={form} idPrefix="answer" name="state" label={t('process.answerForm.state')} value={state} onChange={setState} options={opts} />
      <Field form={form} idPrefix="answer" name="reason" label={t('process.answerForm.reason')} value={reason} onInput={setReason} required multiline rows={5} />
      <SubmitButton form={form} label={t('process.answerForm.submit')} />
    </form>
  );
}
