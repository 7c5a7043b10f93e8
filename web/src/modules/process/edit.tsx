// Edit pages of the "process" part: an author edits their idea (until the first support), staff
// edit a process (text, phases, status) and a theme. The server decides every rule; these pages
// explain them (why an idea can no longer be edited, that a closed process stays as it is).
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { ErrorBox, Field, FormMessages, Loading, PageHeading, SelectField, SubmitButton, useForm, useTitle } from '../../components';
import { useAsync } from '../../hooks';
import { t, useLang, type MessageKey } from '../../i18n';
import type { Params } from '../../router';
import { navigateWithFlash } from '../../session';
import { ACTIONS, type Action, type Idea, type Process, type Theme } from './types';
import './process.css';

const enc = encodeURIComponent;
const base = (slug: string) => `/municipalities/${enc(slug)}`;
const procUrl = (slug: string, id: number | string) => `/m/${enc(slug)}/processes/${id}`;

/** Why the author can no longer edit an idea, or null when they can. */
export function ideaLockReason(i: Idea): string | null {
  if (i.editable) return null;
  if (i.state === 'withdrawn') return t('process.edit.lockedWithdrawn');
  if (i.state !== 'open') return t('process.edit.lockedAnswered');
  if (i.support_count > 0) return t('process.edit.lockedSupported');
  return t('process.edit.lockedOther');
}

/* ---------- idea (author) ---------- */

export function IdeaEditPage({ params }: { params: Params }) {
  useLang();
  const slug = params.slug ?? '';
  const id = params.id ?? '';
  const iid = params.iid ?? '';
  const idea = useAsync(() => api<Idea>('GET', `${base(slug)}/processes/${enc(id)}/ideas/${enc(iid)}`), [slug, id, iid]);
  const form = useForm();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [category, setCategory] = useState('');
  const [district, setDistrict] = useState('');
  const i = idea.data;
  useEffect(() => {
    if (!i) return;
    setTitle(i.title);
    setBody(i.body ?? '');
    setCategory(i.category);
    setDistrict(i.district);
  }, [i?.id]);
  useTitle(t('process.edit.ideaTitle'));
  const back = `${procUrl(slug, id)}/ideas/${iid}`;
  async function submit(e: Event) {
    e.preventDefault();
    await form.run(async () => {
      await api<Idea>('PUT', `${base(slug)}/processes/${enc(id)}/ideas/${enc(iid)}`, { title, body, category, district });
      navigateWithFlash(back, t('process.edit.ideaSaved'));
    });
  }
  const lock = i ? (i.mine ? ideaLockReason(i) : t('process.edit.notAuthor')) : null;
  return (
    <>
      <PageHeading>{t('process.edit.ideaTitle')}</PageHeading>
      {idea.loading && <Loading />}
      {idea.error && <ErrorBox>{idea.error.message}</ErrorBox>}
      {i && lock && <p class="notice notice-info">{lock}</p>}
      {i && !lock && (
        <>
          <p class="lead">{t('process.edit.ideaLead')}</p>
          <form class="form" ref={form.formRef} onSubmit={submit} noValidate>
            <FormMessages form={form} idPrefix="idea" />
            <Field form={form} idPrefix="idea" name="title" label={t('process.post.name')} value={title} onInput={setTitle} required maxLength={120} />
            <Field form={form} idPrefix="idea" name="body" label={t('process.post.body')} hint={t('process.post.bodyHint')} value={body} onInput={setBody} required multiline rows={8} />
            <Field form={form} idPrefix="idea" name="category" label={t('process.post.category')} value={category} onInput={setCategory} maxLength={60} />
            <Field form={form} idPrefix="idea" name="district" label={t('process.post.district')} value={district} onInput={setDistrict} maxLength={60} />
            <SubmitButton form={form} label={t('process.edit.save')} />
          </form>
        </>
      )}
      <p>
        <a href={back}>{t('process.edit.backToIdea')}</a>
      </p>
    </>
  );
}

/* ---------- process (staff) ---------- */

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

export function ProcessEditPage({ params }: { params: Params }) {
  useLang();
  const slug = params.slug ?? '';
  const id = params.id ?? '';
  const p = useAsync(() => api<Process>('GET', `${base(slug)}/processes/${enc(id)}`), [slug, id]);
  const form = useForm();
  const [title, setTitle] = useState('');
  const [summary, setSummary] = useState('');
  const [body, setBody] = useState('');
  const [status, setStatus] = useState<string>('draft');
  const [phases, setPhases] = useState<PhaseDraft[]>([]);
  const proc = p.data;
  useEffect(() => {
    if (!proc) return;
    setTitle(proc.title);
    setSummary(proc.summary);
    setBody(proc.body ?? '');
    setStatus(proc.status);
    setPhases(proc.phases.map((ph) => ({ title: ph.title, description: ph.description, start: localInput(ph.starts_at), end: localInput(ph.ends_at), actions: ph.actions })));
  }, [proc?.id]);
  useTitle(t('process.edit.processTitle'));
  const day = 24 * 3600 * 1000;
  function update(i: number, patch: Partial<PhaseDraft>) {
    setPhases(phases.map((ph, k) => (k === i ? { ...ph, ...patch } : ph)));
  }
  function add() {
    const last = phases[phases.length - 1];
    const s = last ? new Date(last.end).getTime() : Math.floor(Date.now() / 3600000) * 3600000;
    setPhases([...phases, { title: '', description: '', start: localInput(s), end: localInput(s + 30 * day), actions: [] }]);
  }
  async function submit(e: Event) {
    e.preventDefault();
    if (!proc) return;
    if (status === 'closed' && proc.status !== 'closed' && !window.confirm(t('process.confirmClose'))) return;
    await form.run(async () => {
      const toMs = (v: string, field: string) => {
        const ms = new Date(v).getTime();
        if (!v || !Number.isFinite(ms)) throw new ApiError(400, `${field}: ${t('process.form.badDate')}`, { field, code: 'validation' });
        return ms;
      };
      await api<Process>('PUT', `${base(slug)}/processes/${enc(id)}`, {
        title, summary, body,
        phases: phases.map((ph, i) => ({
          title: ph.title, description: ph.description, actions: ph.actions,
          starts_at: toMs(ph.start, `phases[${i}].starts_at`), ends_at: toMs(ph.end, `phases[${i}].ends_at`),
        })),
      });
      if (status !== proc.status) await api<Process>('POST', `${base(slug)}/processes/${enc(id)}/${status === 'published' ? 'publish' : 'close'}`);
      navigateWithFlash(procUrl(slug, id), t('process.edit.processSaved'));
    });
  }
  /* Status moves one way: draft → published → closed. */
  const statusOpts = proc
    ? (proc.status === 'draft' ? ['draft', 'published'] : proc.status === 'published' ? ['published', 'closed'] : ['closed']).map((s) => ({
        value: s,
        label: t(`process.status.${s}` as MessageKey),
      }))
    : [];
  return (
    <>
      <PageHeading>{t('process.edit.processTitle')}</PageHeading>
      {p.loading && <Loading />}
      {p.error && <ErrorBox>{p.error.message}</ErrorBox>}
      {proc && !proc.can_manage && <ErrorBox>{t('process.edit.staffOnly')}</ErrorBox>}
      {proc && proc.can_manage && proc.status === 'closed' && <p class="notice notice-info">{t('process.edit.closed')}</p>}
      {proc && proc.can_manage && proc.status !== 'closed' && (
        <form class="form" ref={form.formRef} onSubmit={submit} noValidate>
          <FormMessages form={form} idPrefix="proc" />
          <Field form={form} idPrefix="proc" name="title" label={t('process.form.name')} value={title} onInput={setTitle} required maxLength={120} />
          <Field form={form} idPrefix="proc" name="summary" label={t('process.form.summary')} hint={t('process.form.summaryHint')} value={summary} onInput={setSummary} multiline rows={2} />
          <Field form={form} idPrefix="proc" name="body" label={t('process.form.body')} hint={t('process.form.bodyHint')} value={body} onInput={setBody} multiline rows={8} />
          <SelectField form={form} idPrefix="proc" name="status" label={t('process.edit.status')} hint={t('process.edit.statusHint')} value={status} onChange={setStatus} options={statusOpts} />
          <h2>{t('process.form.phases')}</h2>
          <p class="hint">{proc.status === 'published' ? t('process.edit.phasesPublished') : t('process.form.phasesHint')}</p>
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
          <SubmitButton form={form} label={t('process.edit.save')} />
        </form>
      )}
      <p>
        <a href={procUrl(slug, id)}>{t('process.edit.backToProcess')}</a>
      </p>
    </>
  );
}

/* ---------- theme (staff) ---------- */

export function ThemeEditPage({ params }: { params: Params }) {
  useLang();
  const slug = params.slug ?? '';
  const id = params.id ?? '';
  const tid = params.tid ?? '';
  const th = useAsync(() => api<Theme>('GET', `${base(slug)}/processes/${enc(id)}/themes/${enc(tid)}`), [slug, id, tid]);
  const form = useForm();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [category, setCategory] = useState('');
  const [district, setDistrict] = useState('');
  const [limit, setLimit] = useState('0');
  const theme = th.data;
  useEffect(() => {
    if (!theme) return;
    setTitle(theme.title);
    setBody(theme.body ?? '');
    setCategory(theme.category);
    setDistrict(theme.district);
    setLimit(String(theme.support_limit));
  }, [theme?.id]);
  useTitle(t('process.edit.themeTitle'));
  const back = `${procUrl(slug, id)}/themes/${tid}`;
  async function submit(e: Event) {
    e.preventDefault();
    await form.run(async () => {
      const n = Number(limit);
      await api<Theme>('PUT', `${base(slug)}/processes/${enc(id)}/themes/${enc(tid)}`, {
        title, body, category, district, support_limit: Number.isInteger(n) ? n : -1,
      });
      navigateWithFlash(back, t('process.edit.themeSaved'));
    });
  }
  return (
    <>
      <PageHeading>{t('process.edit.themeTitle')}</PageHeading>
      {th.loading && <Loading />}
      {th.error && <ErrorBox>{th.error.message}</ErrorBox>}
      {theme && !theme.can_manage && <ErrorBox>{t('process.edit.staffOnly')}</ErrorBox>}
      {theme && theme.can_manage && (
        <form class="form" ref={form.formRef} onSubmit={submit} noValidate>
          <FormMessages form={form} idPrefix="theme" />
          <Field form={form} idPrefix="theme" name="title" label={t('process.themeForm.name')} value={title} onInput={setTitle} required maxLength={120} />
          <Field form={form} idPrefix="theme" name="body" label={t('process.themeForm.body')} hint={t('process.form.bodyHint')} value={body} onInput={setBody} multiline rows={8} />
          <Field form={form} idPrefix="theme" name="category" label={t('process.themeForm.category')} value={category} onInput={setCategory} maxLength={60} />
          <Field form={form} idPrefix="theme" name="district" label={t('process.themeForm.district')} value={district} onInput={setDistrict} maxLength={60} />
          <Field form={form} idPrefix="theme" name="support_limit" type="number" inputMode="numeric" min={0} max={1000} label={t('process.themeForm.limit')} hint={t('process.themeForm.limitHint')} value={limit} onInput={setLimit} />
          <SubmitButton form={form} label={t('process.edit.save')} />
        </form>
      )}
      <p>
        <a href={back}>{t('process.edit.backToTheme')}</a>
      </p>
    </>
  );
}
