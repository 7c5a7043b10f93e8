// Result report (結果報告) of a process: the public page (decision, 「皆さんの声とその反映」, update
// notes, comments) and the staff editor (body, pickers for ideas / accepted suggestions / surveys
// with a note each, publish). API: docs/openapi.yaml, tag reports.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { ErrorBox, Field, FormMessages, Live, Loading, PageHeading, SubmitButton, Time, useForm, useTitle } from '../../components';
import { useAsync } from '../../hooks';
import { getLang, t, useLang, type MessageKey } from '../../i18n';
import { navigate, type Params } from '../../router';
import { meStore, navigateWithFlash } from '../../session';
import { useStore } from '../../store';
import { Comments } from '../comments';
import './reports.css';

type Kind = 'idea' | 'suggestion' | 'survey';

interface ReportLink {
  kind: Kind;
  id: number;
  note: string;
  available: boolean;
  title?: string;
  url: string;
  state?: string;
  answer?: string | null;
  draft_id?: number;
  body?: string;
  version?: number | null;
  results_open?: boolean;
  responses?: number;
  paper_responses?: number;
}

interface Report {
  id: number;
  process_id: number;
  process_title: string;
  status: 'draft' | 'published';
  body: string;
  body_html: string;
  links: ReportLink[];
  revisions: { at: number; note: string; changed: ('body' | 'links')[] }[];
  published_at: number | null;
  comment_target: string;
  can_edit: boolean;
}

interface Candidates {
  ideas: { id: number; title: string; state: string; answered: boolean }[];
  suggestions: { id: number; draft_id: number; draft_title: string; body: string; version: number | null }[];
  surveys: { id: number; title: string; status: string }[];
}

const apiUrl = (slug: string, pid: string) =>
  `/municipalities/${encodeURIComponent(slug)}/processes/${encodeURIComponent(pid)}/report`;
const pageUrl = (slug: string, pid: string) => `/m/${encodeURIComponent(slug)}/processes/${encodeURIComponent(pid)}/report`;
const procUrl = (slug: string, pid: string) => `/m/${encodeURIComponent(slug)}/processes/${encodeURIComponent(pid)}`;

function useStaff(slug: string): boolean {
  const me = useStore(meStore);
  return !!me && (me.platform_admin || me.roles.some((r) => r.tenant_slug === slug && ['staff', 'facilitator', 'municipality_admin'].includes(r.role)));
}

/** 「11月22日」 / "22 Nov", in Japan time. */
function shortDate(ms: number): string {
  const ja = getLang() === 'ja';
  const d = new Date(ms);
  if (ja) {
    const parts = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', month: 'numeric', day: 'numeric' }).formatToParts(d);
    const m = parts.find((p) => p.type === 'month')?.value;
    const day = parts.find((p) => p.type === 'day')?.value;
    return `${m}月${day}日`;
  }
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', month: 'short', day: 'numeric' }).format(d);
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString();
}

/** A message whose {date} is a <time> element. */
function WithTime({ k, ms }: { k: MessageKey; ms: number }) {
  const [a, b] = t(k, { date: '\u0000' }).split('\u0000');
  return (
    <>
      {a}
      <Time ms={ms} />
      {b}
    </>
  );
}

function stateLabel(state: string): string {
  return t(`process.state.${state}` as MessageKey);
}

function LinkCard({ l }: { l: ReportLink }) {
  return (
    <li class="card rp-card">
      <p class="card-meta">
        <span class="badge">{t(`reports.kind.${l.kind}` as MessageKey)}</span>
        {l.kind === 'idea' && l.state && (
          <>
            {' '}
            <span class="badge badge-ok">{stateLabel(l.state)}</span>
          </>
        )}
      </p>
      <h3 class="card-title">
        <a href={l.url}>{l.kind === 'suggestion' ? t('reports.suggestionOf', { draft: l.title ?? '' }) : l.title}</a>
      </h3>
      {!l.available && <p class="rp-muted">{t('reports.unavailable')}</p>}
      {l.kind === 'suggestion' && l.body && <blockquote class="rp-quote">{l.body}</blockquote>}
      {l.kind === 'suggestion' && l.version != null && <p class="card-meta">{t('reports.versionN', { n: l.version })}</p>}
      {l.kind === 'idea' && l.answer && (
        <p class="card-text">
          <span class="rp-label">{t('reports.answer')}：</span>
          {l.answer}
        </p>
      )}
      {l.kind === 'survey' &&
        (l.results_open ? (
          <p class="card-meta">{t('reports.responsesN', { n: l.responses ?? 0, paper: l.paper_responses ?? 0 })}</p>
        ) : (
          <p class="card-meta">{t('reports.resultsHidden')}</p>
        ))}
      {l.note && (
        <div class="rp-note">
          <p class="rp-label">{t('reports.reflected')}</p>
          <p>{l.note}</p>
        </div>
      )}
    </li>
  );
}

export function ReportPage({ params }: { params: Params }) {
  useLang();
  const slug = params.slug ?? '';
  const pid = params.pid ?? '';
  const me = useStore(meStore);
  const staff = useStaff(slug);
  const rep = useAsync(() => api<Report>('GET', apiUrl(slug, pid)), [slug, pid, me?.id]);
  const r = rep.data;
  useTitle(r ? t('reports.titleOf', { title: r.process_title }) : t('reports.title'));
  if (rep.loading && !r) {
    return (
      <>
        <PageHeading>{t('reports.title')}</PageHeading>
        <Loading />
      </>
    );
  }
  if (!r) {
    const none = rep.error?.status === 404;
    return (
      <>
        <PageHeading>{t('reports.title')}</PageHeading>
        {none ? <p>{staff ? t('reports.notYetStaff') : t('reports.notYet')}</p> : <ErrorBox>{rep.error?.message}</ErrorBox>}
        {none && staff && (
          <p>
            <a class="btn btn-primary" href={`${pageUrl(slug, pid)}/edit`}>
              {t('reports.write')}
            </a>
          </p>
        )}
        <p>
          <a href={procUrl(slug, pid)}>{t('reports.back')}</a>
        </p>
      </>
    );
  }
  return (
    <>
      <PageHeading>{t('reports.titleOf', { title: r.process_title })}</PageHeading>
      <p class="card-meta">
        {r.status === 'draft' ? (
          <span class="badge badge-warn">{t('reports.draftBadge')}</span>
        ) : (
          r.published_at && <WithTime k="reports.publishedAt" ms={r.published_at} />
        )}
      </p>
      {r.status === 'draft' && <div class="notice notice-info">{t('reports.draftNote')}</div>}
      {r.revisions.length > 0 && (
        <section aria-labelledby="rp-revs" class="rp-revs">
          <h2 id="rp-revs" class="visually-hidden">
            {t('reports.revisionsTitle')}
          </h2>
          <ul>
            {[...r.revisions].reverse().map((v) => (
              <li key={v.at}>
                <time dateTime={isoDate(v.at)}>{t('reports.updatedOn', { date: shortDate(v.at) })}</time>
                {'：'}
                {v.note}
                {v.changed.length > 0 && ` （${v.changed.map((c) => t(`reports.changed.${c}` as MessageKey)).join('・')}）`}
              </li>
            ))}
          </ul>
        </section>
      )}
      <p>
        <a href={procUrl(slug, pid)}>{t('reports.back')}</a>
        {r.can_edit && (
          <>
            {' ・ '}
            <a href={`${pageUrl(slug, pid)}/edit`}>{t('reports.edit')}</a>
          </>
        )}
      </p>
      <section aria-labelledby="rp-decision">
        <h2 id="rp-decision">{t('reports.decision')}</h2>
        <div class="rp-md" dangerouslySetInnerHTML={{ __html: r.body_html }} />
      </section>
      <section aria-labelledby="rp-voices">
        <h2 id="rp-voices">{t('reports.voices')}</h2>
        {r.links.length === 0 ? (
          <p>{t('reports.voicesNone')}</p>
        ) : (
          <ul class="card-list rp-voices">
            {r.links.map((l) => (
              <LinkCard key={`${l.kind}-${l.id}`} l={l} />
            ))}
          </ul>
        )}
      </section>
      {r.status === 'published' && <Comments slug={slug} target={r.comment_target} />}
    </>
  );
}

interface Picked {
  kind: Kind;
  id: number;
  note: string;
}

export function ReportEditPage({ params }: { params: Params }) {
  useLang();
  const slug = params.slug ?? '';
  const pid = params.pid ?? '';
  const me = useStore(meStore);
  const staff = useStaff(slug);
  const form = useForm();
  const pubForm = useForm();
  const base = apiUrl(slug, pid);
  const data = useAsync(async () => {
    const cands = await api<Candidates>('GET', `${base}/candidates`);
    let rep: Report | null = null;
    try {
      rep = await api<Report>('GET', base);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
    return { cands, rep };
  }, [base, me?.id]);
  const [body, setBody] = useState('');
  const [picked, setPicked] = useState<Picked[]>([]);
  const [revNote, setRevNote] = useState('');
  const [reason, setReason] = useState('');
  const unpubForm = useForm();
  const delForm = useForm();
  const [rep, setRep] = useState<Report | null>(null);
  const [live, setLive] = useState<string | null>(null);
  useTitle(t('reports.editorTitle'));
  useEffect(() => {
    const r = data.data?.rep;
    if (r) {
      setRep(r);
      setBody(r.body);
      setPicked(r.links.map((l) => ({ kind: l.kind, id: l.id, note: l.note })));
    }
  }, [data.data]);

  if (!staff) {
    return (
      <>
        <PageHeading>{t('reports.editorTitle')}</PageHeading>
        <ErrorBox>{t('reports.staffOnly')}</ErrorBox>
      </>
    );
  }
  if (data.loading && !data.data) {
    return (
      <>
        <PageHeading>{t('reports.editorTitle')}</PageHeading>
        <Loading />
      </>
    );
  }
  if (!data.data) {
    return (
      <>
        <PageHeading>{t('reports.editorTitle')}</PageHeading>
        <ErrorBox>{data.error?.message}</ErrorBox>
      </>
    );
  }
  const c = data.data.cands;
  const isPicked = (kind: Kind, id: number) => picked.some((p) => p.kind === kind && p.id === id);
  const toggle = (kind: Kind, id: number, on: boolean) =>
    setPicked(on ? [...picked, { kind, id, note: '' }] : picked.filter((p) => !(p.kind === kind && p.id === id)));
  const setNote = (kind: Kind, id: number, note: string) =>
    setPicked(picked.map((p) => (p.kind === kind && p.id === id ? { ...p, note } : p)));

  const published = rep?.status === 'published';

  async function save(e: Event) {
    e.preventDefault();
    await form.run(async () => {
      const links = picked.map((p) => ({ kind: p.kind, id: p.id, note: p.note }));
      const r = rep
        ? await api<Report>('PATCH', base, { body, links, ...(published ? { revision_note: revNote } : {}) })
        : await api<Report>('POST', base, { body, links });
      setRep(r);
      setRevNote('');
      if (published) navigate(pageUrl(slug, pid));
      return t('reports.saved');
    });
  }

  async function publish(e: Event) {
    e.preventDefault();
    const ok = await pubForm.run(async () => {
      await api<Report>('POST', `${base}/publish`, {});
      setLive(t('reports.published'));
    });
    if (ok) navigate(pageUrl(slug, pid));
  }

  async function unpublish(e: Event) {
    e.preventDefault();
    if (!window.confirm(t('reports.unpublishConfirm'))) return;
    await unpubForm.run(async () => {
      const r = await api<Report>('POST', `${base}/unpublish`, { reason });
      setRep(r);
      setReason('');
      setLive(t('reports.unpublished')); // the form goes away with the published state
    });
  }

  async function remove(e: Event) {
    e.preventDefault();
    if (!window.confirm(t('reports.deleteConfirm'))) return;
    const ok = await delForm.run(async () => {
      await api<null>('DELETE', base);
    });
    if (ok) navigateWithFlash(procUrl(slug, pid), t('reports.deleted'));
  }

  function picker({ kind, legend, items }: { kind: Kind; legend: string; items: { id: number; label: string; meta?: string }[] }) {
    return (
      <fieldset class="rp-pick">
        <legend>{legend}</legend>
        {items.length === 0 && <p class="rp-muted">{t('reports.pickNone')}</p>}
        <ul class="rp-pick-list">
          {items.map((it) => {
            const on = isPicked(kind, it.id);
            const id = `rp-${kind}-${it.id}`;
            const p = picked.find((x) => x.kind === kind && x.id === it.id);
            return (
              <li key={it.id}>
                <input type="checkbox" id={id} checked={on} onChange={(e) => toggle(kind, it.id, (e.currentTarget as HTMLInputElement).checked)} />{' '}
                <label for={id}>
                  {it.label}
                  {it.meta && <span class="rp-muted">（{it.meta}）</span>}
                </label>
                {on && p && (
                  <div class="field">
                    <label for={`${id}-note`}>{t('reports.noteLabel', { title: it.label })}</label>
                    <textarea id={`${id}-note`} rows={2} maxLength={500} value={p.note} onInput={(e) => setNote(kind, it.id, (e.currentTarget as HTMLTextAreaElement).value)} />
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      </fieldset>
    );
  }

  return (
    <>
      <PageHeading>{t('reports.editorTitle')}</PageHeading>
      <p>
        <a href={procUrl(slug, pid)}>{t('reports.back')}</a>
        {rep && (
          <>
            {' ・ '}
            <a href={pageUrl(slug, pid)}>{t('reports.view')}</a>
          </>
        )}
      </p>
      <Live message={live} />
      <form ref={form.formRef} onSubmit={save} noValidate>
        <FormMessages form={form} idPrefix="rp" />
        <Field form={form} idPrefix="rp" name="body" label={t('reports.body')} hint={t('reports.bodyHint')} value={body} onInput={setBody} multiline rows={10} required maxLength={20000} />
        <h2>{t('reports.pickTitle')}</h2>
        <p class="hint">{t('reports.pickHint')}</p>
        {picker({ kind: 'idea', legend: t('reports.pickIdeas'), items: c.ideas.map((i) => ({ id: i.id, label: i.title, meta: stateLabel(i.state) })) })}
        {picker({ kind: 'suggestion', legend: t('reports.pickSuggestions'), items: c.suggestions.map((s) => ({ id: s.id, label: t('reports.suggestionOf', { draft: s.draft_title }), meta: s.body.slice(0, 40) })) })}
        {picker({ kind: 'survey', legend: t('reports.pickSurveys'), items: c.surveys.map((s) => ({ id: s.id, label: s.title })) })}
        {published && (
          <Field form={form} idPrefix="rp" name="revision_note" label={t('reports.revisionNote')} hint={t('reports.revisionNoteHint')} value={revNote} onInput={setRevNote} required maxLength={200} />
        )}
        <SubmitButton form={form} label={t('reports.save')} />
      </form>
      {rep && rep.status === 'draft' && (
        <form ref={pubForm.formRef} onSubmit={publish} class="rp-publish">
          <FormMessages form={pubForm} idPrefix="rp-pub" />
          <p class="hint">{t('reports.publishHint')}</p>
          <SubmitButton form={pubForm} label={t('reports.publish')} />
        </form>
      )}
      {rep && rep.status === 'published' && (
        <form ref={unpubForm.formRef} onSubmit={unpublish} class="rp-publish" noValidate aria-labelledby="rp-unpub-h">
          <h2 id="rp-unpub-h">{t('reports.unpublishTitle')}</h2>
          <FormMessages form={unpubForm} idPrefix="rp-unpub" />
          <p class="hint">{t('reports.unpublishHint')}</p>
          <Field form={unpubForm} idPrefix="rp-unpub" name="reason" label={t('reports.unpublishReason')} hint={t('reports.unpublishReasonHint')} value={reason} onInput={setReason} required multiline rows={3} maxLength={500} />
          <SubmitButton form={unpubForm} label={t('reports.unpublish')} />
        </form>
      )}
      {rep && rep.status === 'draft' && (
        <form ref={delForm.formRef} onSubmit={remove} class="rp-publish" noValidate aria-labelledby="rp-del-h">
          <h2 id="rp-del-h">{t('reports.deleteTitle')}</h2>
          <FormMessages form={delForm} idPrefix="rp-del" />
          <p class="hint">{t('reports.deleteHint')}</p>
          <SubmitButton form={delForm} label={t('reports.delete')} />
        </form>
      )}
    </>
  );
}
