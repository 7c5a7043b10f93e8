// Pages of drafts (たたき台) and suggested changes (修正提案): the list of a process's drafts, the
// staff form to create one, the draft page (numbered sections and paragraphs; per paragraph a
// 「修正を提案」 form and the suggestions with いいね), the staff review page (accept/decline with a
// reason), and the versions page with an accessible diff between any two versions.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { ErrorBox, Field, FormMessages, Live, Loading, PageHeading, SubmitButton, Time, useForm, useTitle } from '../../components';
import { useAsync } from '../../hooks';
import { t } from '../../i18n';
import { replaceQuery, useQuery, type Params } from '../../router';
import { meStore, navigateWithFlash } from '../../session';
import { useStore } from '../../store';
import { Forbidden, LoginRequired, NotFound } from '../../pages/NotFound';
import {
  base,
  getDiff,
  getDraft,
  listDrafts,
  listSuggestions,
  listVersions,
  parseBody,
  type Draft,
  type DraftStatus,
  type Para,
  type Segment,
  type Suggestion,
} from './api';
import './drafts.css';

const page = (p: Params) => `/m/${encodeURIComponent(p.slug!)}/processes/${encodeURIComponent(p.pid!)}/drafts`;

function LoadError({ error }: { error: ApiError }) {
  if (error.status === 404) return <NotFound />;
  return <ErrorBox title={t('common.error')}>{error.message}</ErrorBox>;
}

function StatusBadge({ status }: { status: DraftStatus }) {
  const cls = status === 'final' ? 'badge badge-ok' : status === 'editing' ? 'badge badge-warn' : 'badge';
  return <span class={cls}>{t(`drafts.status.${status}`)}</span>;
}

function SuggStatus({ s }: { s: Suggestion }) {
  const cls = s.status === 'accepted' ? 'badge badge-ok' : s.status === 'declined' ? 'badge badge-warn' : 'badge';
  return <span class={cls}>{t(`drafts.sugg.${s.status}`)}</span>;
}

// ---- list and create ----

export function DraftsListPage({ params }: { params: Params }) {
  useTitle(t('drafts.listTitle'));
  const list = useAsync(() => listDrafts(params.slug!, params.pid!), [params.slug, params.pid]);
  if (list.error) return <LoadError error={list.error} />;
  if (!list.data) return <><PageHeading>{t('drafts.listTitle')}</PageHeading><Loading /></>;
  const d = list.data;
  return (
    <>
      <PageHeading>{t('drafts.listTitle')}</PageHeading>
      <p class="muted">{d.process_title}</p>
      <p>{t('drafts.listIntro')}</p>
      {d.can_manage && (
        <p>
          <a class="btn btn-secondary" href={`${page(params)}/new`}>{t('drafts.new')}</a>
        </p>
      )}
      {d.items.length === 0 ? (
        <p>{t('drafts.none')}</p>
      ) : (
        <ul class="card-list">
          {d.items.map((x) => (
            <li key={x.id}>
              <a class="card-link" href={`${page(params)}/${x.id}`}>
                <span class="card-title">{x.title}</span>
              </a>
              <p class="draft-meta">
                <StatusBadge status={x.status} /> {t('drafts.version', { n: x.current_version })}
                {x.open_suggestions ? ` ・ ${t('drafts.openSuggestions', { n: x.open_suggestions })}` : ''}
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function DraftNewPage({ params }: { params: Params }) {
  const me = useStore(meStore);
  useTitle(t('drafts.newTitle'));
  const form = useForm();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  if (me === undefined) return <Loading />;
  if (me === null) return <LoginRequired title={t('drafts.newTitle')} />;
  function onSubmit(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      const sections = parseBody(body);
      if (sections.length === 0) throw new ApiError(400, t('drafts.bodyEmpty'), { code: 'validation', field: 'body' });
      try {
        const d = await api<Draft>('POST', base(params.slug!, params.pid!), { title: title.trim(), sections });
        navigateWithFlash(`${page(params)}/${d.id}`, t('drafts.created'));
      } catch (err) {
        // Errors inside sections are shown at the body field.
        if (err instanceof ApiError && err.field?.startsWith('sections'))
          throw new ApiError(err.status, err.message, { ...err.problem, field: 'body' });
        throw err;
      }
    });
  }
  return (
    <>
      <PageHeading>{t('drafts.newTitle')}</PageHeading>
      <form class="form" noValidate onSubmit={onSubmit} ref={form.formRef}>
        <FormMessages form={form} idPrefix="draft-new" />
        <Field form={form} idPrefix="draft-new" name="title" label={t('drafts.fieldTitle')} value={title} onInput={setTitle} required maxLength={200} />
        <Field form={form} idPrefix="draft-new" name="body" label={t('drafts.fieldBody')} hint={t('drafts.fieldBodyHint')} value={body} onInput={setBody} required multiline rows={14} />
        <SubmitButton form={form} label={t('drafts.create')} />
      </form>
      <p><a href={page(params)}>{t('drafts.backList')}</a></p>
    </>
  );
}

// ---- the draft ----

export function DraftPage({ params }: { params: Params }) {
  const me = useStore(meStore);
  const q = useQuery();
  const version = Number(q.get('version')) || undefined;
  const draft = useAsync(() => getDraft(params.slug!, params.pid!, params.did!, version), [params.did, version]);
  const suggs = useAsync(() => listSuggestions(params.slug!, params.pid!, params.did!), [params.did]);
  const [msg, setMsg] = useState<string | null>(null);
  const [err, setErr] = useState<string | null>(null);
  useTitle(draft.data?.title ?? t('drafts.listTitle'));
  if (draft.error) return <LoadError error={draft.error} />;
  if (!draft.data) return <><PageHeading>{t('drafts.listTitle')}</PageHeading><Loading /></>;
  const d = draft.data;
  const latest = d.version === d.current_version;
  const canSuggest = latest && d.status === 'published';
  const here = `${page(params)}/${d.id}`;

  async function act(path: string, done: string, confirmText?: string) {
    if (confirmText && !window.confirm(confirmText)) return;
    setErr(null);
    try {
      const nd = await api<Draft>('POST', `${base(params.slug!, params.pid!)}/${d.id}/${path}`);
      draft.setData(nd);
      setMsg(done);
    } catch (e) {
      setErr(e instanceof ApiError ? e.message : String(e));
    }
  }

  return (
    <>
      <PageHeading>{d.title}</PageHeading>
      <p class="draft-meta">
        <StatusBadge status={d.status} />{' '}
        {latest ? t('drafts.version', { n: d.version }) : t('drafts.versionOf', { n: d.version, cur: d.current_version })}
        {d.published_at ? <> ・ <Time ms={d.published_at} /></> : null}
      </p>
      {d.status === 'final' && (
        <div class="notice notice-info draft-final" role="note">
          <p class="notice-title">{t('drafts.status.final')}</p>
          <p>{t('drafts.finalBanner')}</p>
        </div>
      )}
      {d.status === 'editing' && <div class="notice notice-warning"><p>{t('drafts.editingBanner')}</p></div>}
      <Live message={msg} />
      {err && <ErrorBox focus>{err}</ErrorBox>}
      <nav class="draft-links" aria-label={t('drafts.listTitle')}>
        <ul class="link-list">
          <li><a href={`${here}/versions`}>{t('drafts.versions')}</a></li>
          {d.can_manage && d.status === 'editing' && <li><a href={`${here}/edit`}>{t('drafts.edit.link')}</a></li>}
          {d.can_manage && d.status !== 'editing' && <li><a href={`${here}/review`}>{t('drafts.review')}</a></li>}
          <li><a href={page(params)}>{t('drafts.backList')}</a></li>
        </ul>
      </nav>
      {d.can_manage && d.status !== 'final' && latest && (
        <p class="draft-actions">
          {d.status === 'editing' ? (
            <button type="button" class="btn btn-primary" onClick={() => void act('publish', t('drafts.published'))}>{t('drafts.publish')}</button>
          ) : (
            <button type="button" class="btn btn-secondary" onClick={() => void act('freeze', t('drafts.frozen'), t('drafts.freezeConfirm'))}>{t('drafts.freeze')}</button>
          )}
        </p>
      )}
      {d.sections.map((s) => (
        <section key={s.id} class="draft-section" aria-labelledby={`sec-${s.id}`}>
          <h2 id={`sec-${s.id}`}>{t('drafts.section', { n: s.number, title: s.title })}</h2>
          {s.paragraphs.map((p) => (
            <Paragraph
              key={p.id}
              p={p}
              params={params}
              loggedIn={!!me}
              canSuggest={canSuggest}
              suggestions={(suggs.data ?? []).filter((x) => x.paragraph_id === p.id)}
              onChanged={() => suggs.reload()}
            />
          ))}
        </section>
      ))}
    </>
  );
}

function Paragraph(props: { p: Para; params: Params; loggedIn: boolean; canSuggest: boolean; suggestions: Suggestion[]; onChanged: () => void }) {
  const { p, params } = props;
  const [open, setOpen] = useState(false);
  const [sent, setSent] = useState<string | null>(null);
  const wasOpen = useRef(false);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // When the form closes (sent or cancelled), focus returns to the button that opened it.
    if (wasOpen.current && !open) button.current?.focus();
    wasOpen.current = open;
  }, [open]);
  const labelId = `para-${p.id}-label`;
  return (
    <div class="draft-para" id={`p-${p.id}`} role="group" aria-labelledby={labelId}>
      <p class="draft-para-label" id={labelId}>{t('drafts.paragraphLabel', { label: p.label })}</p>
      <p class="draft-para-text">{p.text}</p>
      {p.source && <p class="draft-para-source muted">{t('drafts.changedBy', { v: p.changed_in, author: p.source.author })}</p>}
      <Live message={sent} />
      {props.canSuggest && (
        props.loggedIn ? (
          !open && (
            <button type="button" ref={button} class="btn btn-secondary btn-small" aria-expanded="false" onClick={() => { setSent(null); setOpen(true); }}>
              {t('drafts.suggest')}
              <span class="visually-hidden">（{t('drafts.paragraphLabel', { label: p.label })}）</span>
            </button>
          )
        ) : (
          <p class="muted"><a href={`/login?next=${encodeURIComponent(location.pathname)}`}>{t('drafts.loginToSuggest')}</a></p>
        )
      )}
      {open && (
        <SuggestForm
          p={p}
          params={params}
          onClose={(done) => {
            setOpen(false);
            if (done) {
              setSent(t('drafts.suggestSent'));
              props.onChanged();
            }
          }}
        />
      )}
      {props.suggestions.length > 0 && (
        <div class="draft-suggs">
          <h3 class="draft-suggs-title">{t('drafts.suggestionsFor', { label: p.label, n: props.suggestions.length })}</h3>
          <ul class="plain-list">
            {props.suggestions.map((s) => (
              <SuggestionItem key={s.id} s={s} params={params} loggedIn={props.loggedIn} likeOpen={props.canSuggest} onChanged={props.onChanged} />
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function SuggestForm({ p, params, onClose }: { p: Para; params: Params; onClose: (done: boolean) => void }) {
  const form = useForm();
  const [text, setText] = useState(p.text);
  const [reason, setReason] = useState('');
  const prefix = `sugg-${p.id}`;
  useEffect(() => {
    (form.formRef.current?.querySelector('textarea') as HTMLTextAreaElement | null)?.focus();
  }, []);
  function onSubmit(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      await api('POST', `${base(params.slug!, params.pid!)}/${params.did}/suggestions`, { paragraph_id: p.id, text, reason: reason.trim() });
      onClose(true);
    });
  }
  return (
    <form class="form draft-sugg-form" noValidate onSubmit={onSubmit} ref={form.formRef} aria-label={t('drafts.suggestFor', { label: p.label })}>
      <h3>{t('drafts.suggestFor', { label: p.label })}</h3>
      <FormMessages form={form} idPrefix={prefix} />
      <Field form={form} idPrefix={prefix} name="text" label={t('drafts.suggestText')} hint={t('drafts.suggestTextHint')} value={text} onInput={setText} required multiline rows={5} maxLength={5000} />
      <Field form={form} idPrefix={prefix} name="reason" label={t('drafts.suggestReason')} hint={t('drafts.suggestReasonHint')} value={reason} onInput={setReason} required multiline rows={3} maxLength={2000} />
      <div class="draft-buttons">
        <SubmitButton form={form} label={t('drafts.suggestSend')} />
        <button type="button" class="btn btn-secondary" onClick={() => onClose(false)}>{t('drafts.cancel')}</button>
      </div>
    </form>
  );
}

function SuggestionItem({ s, params, loggedIn, likeOpen, onChanged }: { s: Suggestion; params: Params; loggedIn: boolean; likeOpen: boolean; onChanged: () => void }) {
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function toggle() {
    setBusy(true);
    setErr(null);
    try {
      await api(s.liked ? 'DELETE' : 'POST', `${base(params.slug!, params.pid!)}/${params.did}/suggestions/${s.id}/like`);
      onChanged();
    } catch (e) {
      setErr(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <li class="draft-sugg" id={`s-${s.id}`}>
      <p class="draft-sugg-head">
        <SuggStatus s={s} /> {t('drafts.suggBy', { author: s.author })} ・ <Time ms={s.created_at} />
      </p>
      <dl class="facts facts-compact">
        <div><dt>{t('drafts.suggText')}</dt><dd class="draft-pre">{s.text}</dd></div>
        <div><dt>{t('drafts.suggReason')}</dt><dd class="draft-pre">{s.reason}</dd></div>
        {s.decision_reason !== null && s.status !== 'open' && (
          <div>
            <dt>{t('drafts.suggAnswer')}</dt>
            <dd class="draft-pre">
              {s.decision_reason}
              {s.accepted_version ? <>{s.decision_reason ? ' ' : ''}（{t('drafts.suggAcceptedIn', { v: s.accepted_version })}）</> : null}
            </dd>
          </div>
        )}
      </dl>
      {s.outdated && <p class="muted">{t('drafts.outdated')}</p>}
      <p class="draft-like">
        {loggedIn && likeOpen && !s.mine && s.status === 'open' ? (
          <button type="button" class="btn btn-secondary btn-small" aria-pressed={s.liked ? 'true' : 'false'} disabled={busy} onClick={() => void toggle()}>
            {s.liked ? t('drafts.liked') : t('drafts.like')}（{s.like_count}）
          </button>
        ) : (
          <span>{t('drafts.likeCount', { n: s.like_count })}</span>
        )}
      </p>
      {err && <ErrorBox>{err}</ErrorBox>}
    </li>
  );
}

// ---- staff review ----

export function DraftReviewPage({ params }: { params: Params }) {
  const me = useStore(meStore);
  useTitle(t('drafts.reviewTitle'));
  const draft = useAsync(() => getDraft(params.slug!, params.pid!, params.did!), [params.did]);
  const suggs = useAsync(() => listSuggestions(params.slug!, params.pid!, params.did!), [params.did]);
  const [msg, setMsg] = useState<string | null>(null);
  if (me === null) return <LoginRequired title={t('drafts.reviewTitle')} />;
  if (draft.error) return <LoadError error={draft.error} />;
  if (!draft.data || !suggs.data || me === undefined) return <><PageHeading>{t('drafts.reviewTitle')}</PageHeading><Loading /></>;
  const d = draft.data;
  if (!d.can_manage) return <Forbidden detail={t('drafts.staffOnly')} />;
  const current = new Map<number, Para>();
  for (const s of d.sections) for (const p of s.paragraphs) current.set(p.id, p);
  const open = suggs.data.filter((s) => s.status === 'open');
  const answered = suggs.data.filter((s) => s.status !== 'open');
  return (
    <>
      <PageHeading>{t('drafts.reviewTitle')}</PageHeading>
      <p class="draft-meta">{d.title} ・ <StatusBadge status={d.status} /> {t('drafts.version', { n: d.current_version })}</p>
      {d.status === 'final' && <div class="notice notice-info"><p>{t('drafts.finalBanner')}</p></div>}
      <p>{t('drafts.reviewIntro')}</p>
      <p><a href={`${page(params)}/${d.id}`}>{t('drafts.back')}</a></p>
      <Live message={msg} />
      {open.length === 0 ? (
        <p>{t('drafts.reviewNone')}</p>
      ) : (
        <ul class="plain-list">
          {open.map((s) => (
            <ReviewItem
              key={s.id}
              s={s}
              cur={current.get(s.paragraph_id)}
              params={params}
              onDone={(text) => {
                setMsg(text);
                draft.reload();
                suggs.reload();
              }}
            />
          ))}
        </ul>
      )}
      {answered.length > 0 && (
        <section aria-labelledby="answered">
          <h2 id="answered">{t('drafts.answered')}</h2>
          <ul class="plain-list">
            {answered.map((s) => (
              <SuggestionItem key={s.id} s={s} params={params} loggedIn likeOpen={false} onChanged={() => suggs.reload()} />
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function ReviewItem({ s, cur, params, onDone }: { s: Suggestion; cur: Para | undefined; params: Params; onDone: (msg: string) => void }) {
  const form = useForm();
  const [reason, setReason] = useState('');
  const prefix = `review-${s.id}`;
  function onSubmit(e: Event) {
    e.preventDefault();
    const action = ((e as SubmitEvent).submitter as HTMLButtonElement | null)?.value === 'decline' ? 'decline' : 'accept';
    void form.run(async () => {
      const r = await api<Suggestion>('POST', `${base(params.slug!, params.pid!)}/${params.did}/suggestions/${s.id}/${action}`, { reason: reason.trim() });
      onDone(action === 'accept' ? t('drafts.acceptedMsg', { v: r.accepted_version ?? '' }) : t('drafts.declinedMsg'));
    });
  }
  return (
    <li class="draft-sugg panel">
      <h2 class="draft-review-title">{t('drafts.paragraphLabel', { label: s.paragraph_label })}</h2>
      <p class="draft-sugg-head">{t('drafts.suggBy', { author: s.author })} ・ <Time ms={s.created_at} /> ・ {t('drafts.likeCount', { n: s.like_count })}</p>
      <dl class="facts facts-compact">
        <div><dt>{t('drafts.current')}</dt><dd class="draft-pre">{cur?.text ?? s.base_text}</dd></div>
        <div><dt>{t('drafts.suggText')}</dt><dd class="draft-pre">{s.text}</dd></div>
        <div><dt>{t('drafts.suggReason')}</dt><dd class="draft-pre">{s.reason}</dd></div>
      </dl>
      {s.outdated && <div class="notice notice-warning"><p>{t('drafts.outdated')}</p></div>}
      <form class="form" noValidate onSubmit={onSubmit} ref={form.formRef}>
        <FormMessages form={form} idPrefix={prefix} />
        <Field form={form} idPrefix={prefix} name="reason" label={t('drafts.decisionReason')} hint={t('drafts.decisionReasonHint')} value={reason} onInput={setReason} multiline rows={3} maxLength={2000} />
        <div class="draft-buttons">
          <button type="submit" class="btn btn-primary" name="action" value="accept" disabled={form.busy}>{t('drafts.accept')}</button>
          <button type="submit" class="btn btn-secondary" name="action" value="decline" disabled={form.busy}>{t('drafts.decline')}</button>
        </div>
      </form>
    </li>
  );
}

// ---- versions and diff ----

export function DraftVersionsPage({ params }: { params: Params }) {
  useTitle(t('drafts.versionsTitle'));
  const q = useQuery();
  const draft = useAsync(() => getDraft(params.slug!, params.pid!, params.did!), [params.did]);
  const versions = useAsync(() => listVersions(params.slug!, params.pid!, params.did!), [params.did]);
  const cur = draft.data?.current_version ?? 1;
  const from = Math.min(Math.max(Number(q.get('from')) || cur - 1, 1), cur);
  const to = Math.min(Math.max(Number(q.get('to')) || cur, 1), cur);
  const [f, setF] = useState<string | null>(null);
  const [tt, setT] = useState<string | null>(null);
  const [all, setAll] = useState(false);
  const diff = useAsync(
    () => (draft.data ? getDiff(params.slug!, params.pid!, params.did!, from, to) : Promise.resolve(undefined)),
    [params.did, draft.data?.current_version, from, to],
  );
  if (draft.error) return <LoadError error={draft.error} />;
  if (!draft.data) return <><PageHeading>{t('drafts.versionsTitle')}</PageHeading><Loading /></>;
  const d = draft.data;
  const here = `${page(params)}/${d.id}`;
  const options = Array.from({ length: d.current_version }, (_, i) => i + 1);
  function onCompare(e: Event) {
    e.preventDefault();
    replaceQuery(`?from=${f ?? from}&to=${tt ?? to}`);
  }
  return (
    <>
      <PageHeading>{t('drafts.versionsTitle')}</PageHeading>
      <p class="draft-meta">{d.title} ・ <StatusBadge status={d.status} /></p>
      <p><a href={here}>{t('drafts.back')}</a></p>
      {versions.data && (
        <ol class="plain-list draft-versions" reversed>
          {versions.data.items.map((v) => (
            <li key={v.version}>
              <strong>{t('drafts.version', { n: v.version })}</strong> ・ <Time ms={v.created_at} /> ・{' '}
              {v.suggestion
                ? <a href={`${here}#s-${v.suggestion.id}`}>{t('drafts.versionFrom', { author: v.suggestion.author, label: v.suggestion.paragraph_label })}</a>
                : t('drafts.versionInitial')}
              {v.suggestion?.reason ? <span class="muted">（{v.suggestion.reason}）</span> : null}{' '}
              <a href={`${here}?version=${v.version}`}>{t('drafts.viewVersion', { n: v.version })}</a>
            </li>
          ))}
        </ol>
      )}
      <section aria-labelledby="diff-title">
        <h2 id="diff-title">{t('drafts.diffTitle')}</h2>
        <form class="form-inline" onSubmit={onCompare}>
          <div class="field">
            <label for="diff-from">{t('drafts.diffFrom')}</label>
            <select id="diff-from" name="from" value={String(f ?? from)} onChange={(e) => setF((e.currentTarget as HTMLSelectElement).value)}>
              {options.map((n) => <option key={n} value={n}>{t('drafts.version', { n })}</option>)}
            </select>
          </div>
          <div class="field">
            <label for="diff-to">{t('drafts.diffTo')}</label>
            <select id="diff-to" name="to" value={String(tt ?? to)} onChange={(e) => setT((e.currentTarget as HTMLSelectElement).value)}>
              {options.map((n) => <option key={n} value={n}>{t('drafts.version', { n })}</option>)}
            </select>
          </div>
          <button type="submit" class="btn btn-primary">{t('drafts.diffShow')}</button>
        </form>
        {diff.error && <ErrorBox>{diff.error.message}</ErrorBox>}
        {diff.data && (
          <>
            <p role="status">{t('drafts.diffSummary', { from: diff.data.from, to: diff.data.to, n: diff.data.changed_paragraphs })}</p>
            <p class="muted">{t('drafts.diffLegend')}</p>
            <p>
              <label class="draft-check">
                <input type="checkbox" checked={all} onChange={(e) => setAll((e.currentTarget as HTMLInputElement).checked)} /> {t('drafts.showUnchanged')}
              </label>
            </p>
            {diff.data.changed_paragraphs === 0 && !all && <p>{t('drafts.diffNoChange')}</p>}
            {diff.data.paragraphs.filter((p) => all || p.changed).map((p) => (
              <div key={p.id} class={`draft-para${p.changed ? ' draft-para-changed' : ''}`}>
                <h3 class="draft-para-label">{t('drafts.paragraphLabel', { label: p.label })}（{p.section_title}）</h3>
                <p class="draft-para-text draft-diff">
                  {p.segments.map((s, i) => <Seg key={i} s={s} />)}
                </p>
              </div>
            ))}
          </>
        )}
      </section>
    </>
  );
}

function Seg({ s }: { s: Segment }) {
  if (s.op === 'insert')
    return (
      <ins>
        <span class="visually-hidden">{t('drafts.ins')}</span>
        {s.text}
        <span class="visually-hidden">{t('drafts.insEnd')}</span>
      </ins>
    );
  if (s.op === 'delete')
    return (
      <del>
        <span class="visually-hidden">{t('drafts.del')}</span>
        {s.text}
        <span class="visually-hidden">{t('drafts.delEnd')}</span>
      </del>
    );
  return <>{s.text}</>;
}

