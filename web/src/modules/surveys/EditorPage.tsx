// Staff pages: the survey editor (create / edit, publish, close) and paper answer entry.
import { useState } from 'preact/hooks';
import { api } from '../../api';
import { ErrorBox, Field, FormMessages, Live, Loading, PageHeading, SelectField, SubmitButton, useForm, useTitle } from '../../components';
import { useAsync } from '../../hooks';
import { t, useLang, type MessageKey } from '../../i18n';
import { navigate, type Params } from '../../router';
import { meStore } from '../../session';
import { useStore } from '../../store';
import { LoginRequired } from '../../pages/NotFound';
import { AnswerForm } from './AnswerForm';
import { apiBase, pageBase, type Question, type QuestionType, type Survey } from './types';
import './surveys.css';

interface QDraft {
  type: QuestionType;
  text: string;
  required: boolean;
  choices: string;
  max: string;
  labels: string;
  top_n: string;
  max_length: string;
}

const TYPES: QuestionType[] = ['single', 'multiple', 'scale5', 'ranking', 'text'];

function toDraft(q?: Question): QDraft {
  return {
    type: q?.type ?? 'single',
    text: q?.text ?? '',
    required: q?.required ?? false,
    choices: (q?.choices ?? []).join('\n'),
    max: q?.max && q.choices && q.max < q.choices.length ? String(q.max) : '',
    labels: (q?.labels ?? []).join('\n'),
    top_n: q?.top_n && q.choices && q.top_n < q.choices.length ? String(q.top_n) : '',
    max_length: q?.max_length ? String(q.max_length) : '',
  };
}

function lines(s: string): string[] {
  return s
    .split('\n')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

function fromDraft(d: QDraft): Question {
  const q: Question = { type: d.type, text: d.text, required: d.required };
  if (d.type === 'single' || d.type === 'multiple' || d.type === 'ranking') q.choices = lines(d.choices);
  if (d.type === 'multiple' && d.max) q.max = Number(d.max);
  if (d.type === 'ranking' && d.top_n) q.top_n = Number(d.top_n);
  if (d.type === 'scale5' && lines(d.labels).length) q.labels = d.labels.split('\n').map((x) => x.trim());
  if (d.type === 'text' && d.max_length) q.max_length = Number(d.max_length);
  return q;
}

/** Unix ms <-> the value of <input type="datetime-local"> in the browser's time zone. */
function toLocal(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function fromLocal(s: string): number | undefined {
  const ms = new Date(s).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

export function EditorPage({ params }: { params: Params }) {
  useLang();
  const slug = params.slug ?? '';
  const pid = params.pid ?? '';
  const sid = params.sid;
  const me = useStore(meStore);
  const base = apiBase(slug, pid);
  const sv = useAsync(() => (sid ? api<Survey>('GET', `${base}/${encodeURIComponent(sid)}`) : Promise.resolve(undefined)), [base, sid, me?.id]);
  const title = sid ? t('surveys.editorEdit') : t('surveys.editorNew');
  useTitle(title);
  if (me === null) return <LoginRequired title={title} />;
  if (me === undefined || (sid && sv.loading && !sv.data)) {
    return (
      <>
        <PageHeading>{title}</PageHeading>
        <Loading />
      </>
    );
  }
  if (sv.error) {
    return (
      <>
        <PageHeading>{title}</PageHeading>
        <ErrorBox>{sv.error.message}</ErrorBox>
      </>
    );
  }
  return <Editor key={sv.data?.id ?? 0} slug={slug} pid={pid} initial={sv.data} title={title} onChange={sv.reload} />;
}

function Editor({ slug, pid, initial, title, onChange }: { slug: string; pid: string; initial?: Survey; title: string; onChange: () => void }) {
  const form = useForm();
  const actions = useForm();
  const now = Date.now();
  const [v, setV] = useState({
    title: initial?.title ?? '',
    description: initial?.description ?? '',
    opens_at: toLocal(initial?.opens_at ?? now),
    closes_at: toLocal(initial?.closes_at ?? now + 14 * 24 * 3600 * 1000),
    eligibility: initial?.eligibility ?? 'logged_in',
    results_visibility: initial?.results_visibility ?? 'after_close',
    districts: (initial?.districts ?? []).join('\n'),
  });
  const [qs, setQs] = useState<QDraft[]>(() => (initial?.questions?.length ? initial.questions.map(toDraft) : [toDraft()]));
  const locked = !!initial?.questions_locked;
  const set = (k: keyof typeof v) => (x: string) => setV((p) => ({ ...p, [k]: x }));
  const setQ = (i: number, patch: Partial<QDraft>) => setQs((p) => p.map((q, k) => (k === i ? { ...q, ...patch } : q)));
  const base = apiBase(slug, pid);

  async function save(e: Event) {
    e.preventDefault();
    await form.run(async () => {
      const body: Record<string, unknown> = {
        title: v.title,
        description: v.description,
        opens_at: fromLocal(v.opens_at),
        closes_at: fromLocal(v.closes_at),
        eligibility: v.eligibility,
        results_visibility: v.results_visibility,
      };
      if (!locked) {
        body.questions = qs.map(fromDraft);
        body.districts = lines(v.districts);
      }
      if (initial) {
        await api<Survey>('PATCH', `${base}/${initial.id}`, body);
        onChange();
        return t('surveys.f.saved');
      }
      const s = await api<Survey>('POST', base, body);
      navigate(`${pageBase(slug, pid)}/${s.id}/edit`);
      return undefined;
    });
  }

  async function act(what: 'publish' | 'close') {
    if (!initial) return;
    await actions.run(async () => {
      await api<Survey>('POST', `${base}/${initial.id}/${what}`, {});
      onChange();
      return what === 'publish' ? t('surveys.published') : t('surveys.closed');
    });
  }

  const idp = 'se';
  return (
    <>
      <PageHeading>{title}</PageHeading>
      <p>
        <a href={pageBase(slug, pid)}>{t('surveys.back')}</a>
        {initial && (
          <>
            {' ・ '}
            <a href={`${pageBase(slug, pid)}/${initial.id}`}>{t('surveys.toSurvey')}</a>
          </>
        )}
      </p>
      {initial && (
        <section class="panel" aria-labelledby="se-actions">
          <h2 id="se-actions">{t(`surveys.state.${initial.state}` as MessageKey)}</h2>
          {actions.error && <ErrorBox>{actions.error.message}</ErrorBox>}
          <Live message={actions.done} />
          <div class="button-row">
            {initial.status === 'draft' && (
              <button type="button" class="btn btn-primary" disabled={actions.busy} onClick={() => act('publish')}>
                {t('surveys.publish')}
              </button>
            )}
            {initial.status === 'published' && (
              <button type="button" class="btn btn-danger" disabled={actions.busy} onClick={() => act('close')}>
                {t('surveys.close')}
              </button>
            )}
          </div>
        </section>
      )}
      <form ref={form.formRef} class="form" onSubmit={save} noValidate>
        <FormMessages form={form} idPrefix={idp} />
        <Field form={form} idPrefix={idp} name="title" label={t('surveys.f.title')} value={v.title} onInput={set('title')} required maxLength={200} />
        <Field form={form} idPrefix={idp} name="description" label={t('surveys.f.description')} value={v.description} onInput={set('description')} multiline rows={4} />
        <Field form={form} idPrefix={idp} name="opens_at" type="datetime-local" label={t('surveys.f.opens')} value={v.opens_at} onInput={set('opens_at')} required />
        <Field form={form} idPrefix={idp} name="closes_at" type="datetime-local" label={t('surveys.f.closes')} value={v.closes_at} onInput={set('closes_at')} required />
        <SelectField
          form={form}
          idPrefix={idp}
          name="eligibility"
          label={t('surveys.f.eligibility')}
          value={v.eligibility}
          onChange={set('eligibility')}
          options={['logged_in', 'email_verified', 'residents'].map((x) => ({ value: x, label: t(`surveys.f.elig.${x}` as MessageKey) }))}
        />
        <SelectField
          form={form}
          idPrefix={idp}
          name="results_visibility"
          label={t('surveys.f.visibility')}
          value={v.results_visibility}
          onChange={set('results_visibility')}
          options={['after_close', 'always'].map((x) => ({ value: x, label: t(`surveys.f.vis.${x}` as MessageKey) }))}
        />
        {locked && <p class="notice notice-info">{t('surveys.f.locked')}</p>}
        {!locked && (
          <>
            <Field form={form} idPrefix={idp} name="districts" label={t('surveys.f.districts')} value={v.districts} onInput={set('districts')} multiline rows={3} />
            <h2>{t('surveys.f.questions')}</h2>
            {qs.map((q, i) => (
              <fieldset class="survey-q" key={i}>
                <legend>{t('surveys.f.qn', { n: i + 1 })}</legend>
                <SelectField
                  form={form}
                  idPrefix={idp}
                  name={`questions[${i}].type`}
                  label={t('surveys.f.qtype')}
                  value={q.type}
                  onChange={(x) => setQ(i, { type: x as QuestionType })}
                  options={TYPES.map((x) => ({ value: x, label: t(`surveys.type.${x}` as MessageKey) }))}
                />
                <Field form={form} idPrefix={idp} name={`questions[${i}].text`} label={t('surveys.f.qtext')} value={q.text} onInput={(x) => setQ(i, { text: x })} required />
                <div class="choice">
                  <input type="checkbox" id={`${idp}-q${i}-required`} checked={q.required} onChange={(e) => setQ(i, { required: (e.currentTarget as HTMLInputElement).checked })} />
                  <label for={`${idp}-q${i}-required`}>{t('surveys.f.qrequired')}</label>
                </div>
                {(q.type === 'single' || q.type === 'multiple' || q.type === 'ranking') && (
                  <Field form={form} idPrefix={idp} name={`questions[${i}].choices`} label={t('surveys.f.choices')} value={q.choices} onInput={(x) => setQ(i, { choices: x })} multiline rows={4} required />
                )}
                {q.type === 'multiple' && (
                  <Field form={form} idPrefix={idp} name={`questions[${i}].max`} type="number" inputMode="numeric" label={t('surveys.f.max')} value={q.max} onInput={(x) => setQ(i, { max: x })} min={1} />
                )}
                {q.type === 'ranking' && (
                  <Field form={form} idPrefix={idp} name={`questions[${i}].top_n`} type="number" inputMode="numeric" label={t('surveys.f.topN')} value={q.top_n} onInput={(x) => setQ(i, { top_n: x })} min={1} />
                )}
                {q.type === 'scale5' && (
                  <Field form={form} idPrefix={idp} name={`questions[${i}].labels`} label={t('surveys.f.labels')} value={q.labels} onInput={(x) => setQ(i, { labels: x })} multiline rows={5} />
                )}
                {q.type === 'text' && (
                  <Field form={form} idPrefix={idp} name={`questions[${i}].max_length`} type="number" inputMode="numeric" label={t('surveys.f.maxLength')} value={q.max_length} onInput={(x) => setQ(i, { max_length: x })} min={1} max={4000} />
                )}
                {qs.length > 1 && (
                  <button type="button" class="btn btn-secondary btn-small" onClick={() => setQs((p) => p.filter((_, k) => k !== i))}>
                    {t('surveys.f.removeQuestion', { n: i + 1 })}
                  </button>
                )}
              </fieldset>
            ))}
            <p>
              <button type="button" class="btn btn-secondary" onClick={() => setQs((p) => [...p, toDraft()])}>
                {t('surveys.f.addQuestion')}
              </button>
            </p>
          </>
        )}
        <div class="button-row">
          <SubmitButton form={form} label={t('surveys.f.save')} />
        </div>
      </form>
    </>
  );
}

export function PaperPage({ params }: { params: Params }) {
  useLang();
  const slug = params.slug ?? '';
  const pid = params.pid ?? '';
  const sid = params.sid ?? '';
  const me = useStore(meStore);
  const base = `${apiBase(slug, pid)}/${encodeURIComponent(sid)}`;
  const sv = useAsync(() => api<Survey>('GET', base), [base, me?.id]);
  const [msg, setMsg] = useState<string | null>(null);
  const [n, setN] = useState(0);
  useTitle(t('surveys.paperTitle'));
  if (me === null) return <LoginRequired title={t('surveys.paperTitle')} />;
  return (
    <>
      <PageHeading>{t('surveys.paperTitle')}</PageHeading>
      {sv.loading && !sv.data && <Loading />}
      {sv.error && <ErrorBox>{sv.error.message}</ErrorBox>}
      {sv.data && (
        <>
          <p>
            <strong>{sv.data.title}</strong> ・ <a href={`${pageBase(slug, pid)}/${sv.data.id}`}>{t('surveys.toSurvey')}</a>
          </p>
          <p class="hint">{t('surveys.paperHint')}</p>
          <Live message={msg} />
          <AnswerForm
            key={n}
            survey={sv.data}
            base={base}
            mode="paper"
            onSaved={(m) => {
              setMsg(m);
              setN((x) => x + 1);
            }}
          />
        </>
      )}
    </>
  );
}
