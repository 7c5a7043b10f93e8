// Workshop pages: the list of a process's workshops (with the staff create form) and the page of
// one workshop (date in JST, place or online link, seats, register/cancel, waiting position,
// minutes, recorded input; staff: participants, edit, minutes, record input, CSV import).
import { useState } from 'preact/hooks';
import { api, API_BASE, ApiError } from '../../api';
import { ErrorBox, Field, FormMessages, Live, Loading, PageHeading, SelectField, SubmitButton, TableWrap, Time, useForm, useTitle } from '../../components';
import { useAsync } from '../../hooks';
import { t, useLang, type MessageKey } from '../../i18n';
import { navigate, type Params } from '../../router';
import { meStore } from '../../session';
import { useStore } from '../../store';
import { CsvImport } from './CsvImport';
import './workshops.css';

export interface Workshop {
  id: number;
  process_id: number;
  title: string;
  description: string;
  starts_at: number;
  ends_at: number;
  place: string;
  online_url: string;
  capacity: number;
  registered_count: number;
  waiting_count: number;
  seats_left: number;
  minutes_html: string | null;
  minutes_published_at: number | null;
  minutes?: string;
  my_registration: { status: 'registered' | 'waiting'; position: number | null } | null;
  staff: boolean;
}

interface Input {
  kind: 'idea' | 'comment';
  id: number;
  theme_id: number;
  idea_id: number | null;
  title: string | null;
  body_html: string;
  stance: string | null;
  source_label: string;
}

interface Participant {
  name: string;
  registered_at: number;
  position?: number;
}

export const wsApi = (slug: string, pid: string) =>
  `/municipalities/${encodeURIComponent(slug)}/processes/${encodeURIComponent(pid)}/workshops`;
export const wsPage = (slug: string, pid: string) =>
  `/m/${encodeURIComponent(slug)}/processes/${encodeURIComponent(pid)}/workshops`;

function isStaff(me: ReturnType<typeof meStore.get>, slug: string): boolean {
  return !!me && (me.platform_admin || me.roles.some((r) => r.tenant_slug === slug && ['staff', 'facilitator', 'municipality_admin'].includes(r.role)));
}

/** "2026-11-22T13:05" in JST <-> Unix ms. */
function toLocal(ms: number): string {
  const d = new Date(ms + 9 * 3600 * 1000);
  return d.toISOString().slice(0, 16);
}
function fromLocal(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(s);
  if (!m) return NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]) - 9, Number(m[5]));
}

function Seats({ w }: { w: Workshop }) {
  return (
    <span class="badge">
      {w.seats_left > 0 ? t('workshops.seatsLeft', { n: w.seats_left }) : t('workshops.full', { n: w.waiting_count })}
    </span>
  );
}

function WhenWhere({ w }: { w: Workshop }) {
  return (
    <dl class="ws-facts">
      <dt>{t('workshops.when')}</dt>
      <dd>
        <Time ms={w.starts_at} /> 〜 <Time ms={w.ends_at} />
      </dd>
      {w.place && (
        <>
          <dt>{t('workshops.where')}</dt>
          <dd>{w.place}</dd>
        </>
      )}
      {w.online_url && (
        <>
          <dt>{t('workshops.online')}</dt>
          <dd>
            <a href={w.online_url} rel="noopener noreferrer" target="_blank">
              {t('workshops.onlineLink')}
            </a>
          </dd>
        </>
      )}
      <dt>{t('workshops.capacity', { n: w.capacity })}</dt>
      <dd>
        <Seats w={w} />
      </dd>
    </dl>
  );
}

export function WorkshopList({ params }: { params: Params }) {
  useLang();
  const slug = params.slug ?? '';
  const pid = params.pid ?? '';
  const me = useStore(meStore);
  const list = useAsync(() => api<{ items: Workshop[] }>('GET', wsApi(slug, pid)), [slug, pid, me?.id]);
  useTitle(t('workshops.listTitle'));
  return (
    <>
      <PageHeading>{t('workshops.listTitle')}</PageHeading>
      <p>
        <a href={`/m/${encodeURIComponent(slug)}/processes/${encodeURIComponent(pid)}`}>{t('workshops.backProcess')}</a>
      </p>
      {list.loading && !list.data && <Loading />}
      {list.error && <ErrorBox>{list.error.message}</ErrorBox>}
      {list.data && list.data.items.length === 0 && <p>{t('workshops.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <ul class="card-list">
          {list.data.items.map((w) => (
            <li key={w.id} class="card">
              <h2 class="card-title">
                <a href={`${wsPage(slug, pid)}/${w.id}`}>{w.title}</a>
              </h2>
              <p class="card-meta">
                <Time ms={w.starts_at} /> 〜 <Time ms={w.ends_at} />
                {w.place ? `　${w.place}` : ''} <Seats w={w} />
              </p>
            </li>
          ))}
        </ul>
      )}
      {isStaff(me, slug) && (
        <section aria-labelledby="ws-new-h" class="ws-staff">
          <h2 id="ws-new-h">{t('workshops.create')}</h2>
          <WorkshopForm slug={slug} pid={pid} onSaved={(w) => navigate(`${wsPage(slug, pid)}/${w.id}`)} />
        </section>
      )}
    </>
  );
}

function WorkshopForm({ slug, pid, w, onSaved }: { slug: string; pid: string; w?: Workshop; onSaved: (w: Workshop) => void }) {
  const form = useForm();
  const start0 = Date.now() + 7 * 86400000;
  const [title, setTitle] = useState(w?.title ?? '');
  const [description, setDescription] = useState(w?.description ?? '');
  const [starts, setStarts] = useState(toLocal(w?.starts_at ?? start0 - (start0 % 3600000)));
  const [ends, setEnds] = useState(toLocal(w?.ends_at ?? start0 - (start0 % 3600000) + 2 * 3600000));
  const [place, setPlace] = useState(w?.place ?? '');
  const [url, setUrl] = useState(w?.online_url ?? '');
  const [capacity, setCapacity] = useState(String(w?.capacity ?? 20));
  const idp = w ? 'wse' : 'wsn';
  async function submit(e: Event) {
    e.preventDefault();
    await form.run(async () => {
      const body = {
        title,
        description,
        starts_at: fromLocal(starts),
        ends_at: fromLocal(ends),
        place,
        online_url: url,
        capacity: Number(capacity),
      };
      if (!Number.isFinite(body.starts_at)) throw new ApiError(400, t('workshops.f.starts'), { field: 'starts_at' });
      if (!Number.isFinite(body.ends_at)) throw new ApiError(400, t('workshops.f.ends'), { field: 'ends_at' });
      const saved = w
        ? await api<Workshop>('PATCH', `${wsApi(slug, pid)}/${w.id}`, body)
        : await api<Workshop>('POST', wsApi(slug, pid), body);
      onSaved(saved);
      return t(w ? 'workshops.editDone' : 'workshops.createDone');
    });
  }
  return (
    <form ref={form.formRef} onSubmit={submit} noValidate>
      <FormMessages form={form} idPrefix={idp} />
      <Field form={form} idPrefix={idp} name="title" label={t('workshops.f.title')} value={title} onInput={setTitle} required maxLength={120} />
      <Field form={form} idPrefix={idp} name="description" label={t('workshops.f.description')} value={description} onInput={setDescription} multiline rows={3} />
      <Field form={form} idPrefix={idp} name="starts_at" type="datetime-local" label={t('workshops.f.starts')} value={starts} onInput={setStarts} required />
      <Field form={form} idPrefix={idp} name="ends_at" type="datetime-local" label={t('workshops.f.ends')} value={ends} onInput={setEnds} required />
      <Field form={form} idPrefix={idp} name="place" label={t('workshops.f.place')} hint={t('workshops.f.placeHint')} value={place} onInput={setPlace} maxLength={200} />
      <Field form={form} idPrefix={idp} name="online_url" type="url" label={t('workshops.f.url')} value={url} onInput={setUrl} maxLength={500} />
      <Field form={form} idPrefix={idp} name="capacity" type="number" inputMode="numeric" min={1} label={t('workshops.f.capacity')} value={capacity} onInput={setCapacity} required />
      <SubmitButton form={form} label={w ? t('workshops.save') : t('workshops.create')} />
    </form>
  );
}

function Registration({ slug, pid, w, onChange }: { slug: string; pid: string; w: Workshop; onChange: (w: Workshop) => void }) {
  const me = useStore(meStore);
  const [msg, setMsg] = useState<string | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const url = `${wsApi(slug, pid)}/${w.id}/registration`;
  const my = w.my_registration;
  async function act(method: 'POST' | 'DELETE') {
    setBusy(true);
    setErr(null);
    setMsg(null);
    try {
      const n = await api<Workshop>(method, url);
      onChange(n);
      const m = n.my_registration;
      setMsg(method === 'DELETE' ? t('workshops.doneCancelled') : m?.status === 'waiting' ? t('workshops.doneWaiting', { n: m.position ?? 0 }) : t('workshops.doneRegistered'));
    } catch (e) {
      setErr(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }
  const started = Date.now() >= w.starts_at;
  return (
    <section aria-labelledby="ws-reg-h">
      <h2 id="ws-reg-h" class="visually-hidden">
        {t('workshops.register')}
      </h2>
      <Live message={msg} />
      {err && <ErrorBox>{err}</ErrorBox>}
      {my?.status === 'registered' && <p class="notice notice-success">{t('workshops.registered')}</p>}
      {my?.status === 'waiting' && <p class="notice notice-info">{t('workshops.waiting', { n: my.position ?? 0 })}</p>}
      {!me && !started && <p>{t('workshops.loginToRegister')}</p>}
      {started && !my && <p>{t('workshops.started')}</p>}
      {me && !my && !started && (
        <button type="button" class="btn btn-primary" disabled={busy} onClick={() => act('POST')}>
          {w.seats_left > 0 ? t('workshops.register') : t('workshops.registerWaiting')}
        </button>
      )}
      {me && my && (
        <button type="button" class="btn btn-secondary" disabled={busy} onClick={() => act('DELETE')}>
          {t('workshops.cancel')}
        </button>
      )}
    </section>
  );
}

function Participants({ slug, pid, w }: { slug: string; pid: string; w: Workshop }) {
  const p = useAsync(() => api<{ registered: Participant[]; waiting: Participant[] }>('GET', `${wsApi(slug, pid)}/${w.id}/participants`), [slug, pid, w.id, w.registered_count, w.waiting_count]);
  if (p.loading && !p.data) return <Loading />;
  if (p.error || !p.data) return <ErrorBox>{p.error?.message}</ErrorBox>;
  const table = (id: string, caption: string, rows: Participant[], pos: boolean) => (
    <>
      <h4 id={id}>{caption}</h4>
      {rows.length === 0 ? (
        <p>{t('workshops.participantsNone')}</p>
      ) : (
        <TableWrap labelId={id}>
          <table>
            <thead>
              <tr>
                {pos && <th scope="col">{t('workshops.colPosition')}</th>}
                <th scope="col">{t('workshops.colName')}</th>
                <th scope="col">{t('workshops.colAt')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i}>
                  {pos && <td>{r.position}</td>}
                  <td>{r.name}</td>
                  <td>
                    <Time ms={r.registered_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
  return (
    <>
      {table('ws-p-reg', t('workshops.participantsRegistered', { n: p.data.registered.length }), p.data.registered, false)}
      {table('ws-p-wait', t('workshops.participantsWaiting', { n: p.data.waiting.length }), p.data.waiting, true)}
    </>
  );
}

function MinutesForm({ slug, pid, w, onSaved }: { slug: string; pid: string; w: Workshop; onSaved: (w: Workshop) => void }) {
  const form = useForm();
  const [minutes, setMinutes] = useState(w.minutes ?? '');
  async function submit(e: Event) {
    e.preventDefault();
    await form.run(async () => {
      onSaved(await api<Workshop>('PUT', `${wsApi(slug, pid)}/${w.id}/minutes`, { minutes }));
      return t('workshops.minutesDone');
    });
  }
  return (
    <form ref={form.formRef} onSubmit={submit} noValidate>
      <FormMessages form={form} idPrefix="wsm" />
      <Field form={form} idPrefix="wsm" name="minutes" label={t('workshops.minutesField')} value={minutes} onInput={setMinutes} multiline rows={8} required />
      <SubmitButton form={form} label={t('workshops.minutesForm')} />
    </form>
  );
}

function RecordForm({ slug, pid, w, onSaved }: { slug: string; pid: string; w: Workshop; onSaved: () => void }) {
  const form = useForm();
  const themes = useAsync(() => api<{ items: { id: number; title: string }[] }>('GET', `/municipalities/${encodeURIComponent(slug)}/processes/${encodeURIComponent(pid)}/themes`), [slug, pid]);
  const [kind, setKind] = useState('idea');
  const [theme, setTheme] = useState('');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [stance, setStance] = useState('neutral');
  const items = themes.data?.items ?? [];
  const themeId = theme || (items[0] ? String(items[0].id) : '');
  async function submit(e: Event) {
    e.preventDefault();
    const ok = await form.run(async () => {
      await api('POST', `${wsApi(slug, pid)}/${w.id}/inputs`, {
        kind,
        theme_id: Number(themeId),
        title,
        body,
        ...(kind === 'comment' ? { stance } : {}),
      });
      return t('workshops.recordDone');
    });
    if (ok) {
      setTitle('');
      setBody('');
      onSaved();
    }
  }
  if (themes.loading && !themes.data) return <p>{t('workshops.themesLoading')}</p>;
  return (
    <form ref={form.formRef} onSubmit={submit} noValidate>
      <p class="hint">{t('workshops.recordHint')}</p>
      <FormMessages form={form} idPrefix="wsr" />
      <SelectField form={form} idPrefix="wsr" name="kind" label={t('workshops.f.kind')} value={kind} onChange={setKind} options={[{ value: 'idea', label: t('workshops.inputIdea') }, { value: 'comment', label: t('workshops.inputComment') }]} />
      <SelectField form={form} idPrefix="wsr" name="theme_id" label={t('workshops.f.theme')} value={themeId} onChange={setTheme} options={items.map((x) => ({ value: String(x.id), label: `${x.id}：${x.title}` }))} />
      {kind === 'idea' && <Field form={form} idPrefix="wsr" name="title" label={t('workshops.f.ideaTitle')} value={title} onInput={setTitle} maxLength={120} required />}
      <Field form={form} idPrefix="wsr" name="body" label={t('workshops.f.body')} value={body} onInput={setBody} multiline rows={4} required />
      {kind === 'comment' && (
        <SelectField form={form} idPrefix="wsr" name="stance" label={t('workshops.f.stance')} value={stance} onChange={setStance} options={['for', 'against', 'neutral'].map((s) => ({ value: s, label: t(`workshops.stance.${s}` as MessageKey) }))} />
      )}
      <SubmitButton form={form} label={t('workshops.record')} />
    </form>
  );
}

function Inputs({ slug, pid, w, tick }: { slug: string; pid: string; w: Workshop; tick: number }) {
  const list = useAsync(() => api<{ items: Input[] }>('GET', `${wsApi(slug, pid)}/${w.id}/inputs`), [slug, pid, w.id, tick]);
  if (list.loading && !list.data) return <Loading />;
  if (list.error || !list.data) return <ErrorBox>{list.error?.message}</ErrorBox>;
  if (list.data.items.length === 0) return <p>{t('workshops.inputsNone')}</p>;
  const proc = `/m/${encodeURIComponent(slug)}/processes/${encodeURIComponent(pid)}`;
  return (
    <ul class="card-list">
      {list.data.items.map((x) => (
        <li key={`${x.kind}-${x.id}`} class="card">
          <p class="card-meta">
            <span class="badge">{x.source_label}</span> {x.kind === 'idea' ? t('workshops.inputIdea') : t('workshops.inputComment')}
            {x.stance ? `（${t(`workshops.stance.${x.stance}` as MessageKey)}）` : ''}
            {' ・ '}
            <a href={`${proc}/themes/${x.theme_id}`}>{t('workshops.inputTheme', { n: x.theme_id })}</a>
          </p>
          {x.title && (
            <h3 class="card-title">
              <a href={`${proc}/themes/${x.theme_id}/ideas/${x.id}`}>{x.title}</a>
            </h3>
          )}
          <div class="ws-md" dangerouslySetInnerHTML={{ __html: x.body_html }} />
        </li>
      ))}
    </ul>
  );
}

export function WorkshopPage({ params }: { params: Params }) {
  useLang();
  const slug = params.slug ?? '';
  const pid = params.pid ?? '';
  const wid = params.wid ?? '';
  const me = useStore(meStore);
  const ws = useAsync(() => api<Workshop>('GET', `${wsApi(slug, pid)}/${encodeURIComponent(wid)}`), [slug, pid, wid, me?.id]);
  const [tick, setTick] = useState(0);
  const w = ws.data;
  useTitle(w ? w.title : t('workshops.listTitle'));
  if (!w) {
    return (
      <>
        <PageHeading>{t('workshops.listTitle')}</PageHeading>
        {ws.loading ? <Loading /> : <ErrorBox>{ws.error?.message}</ErrorBox>}
      </>
    );
  }
  return (
    <>
      <PageHeading>{w.title}</PageHeading>
      <p>
        <a href={wsPage(slug, pid)}>{t('workshops.back')}</a>
      </p>
      <WhenWhere w={w} />
      {w.description && <p class="ws-desc">{w.description}</p>}
      <Registration slug={slug} pid={pid} w={w} onChange={ws.setData} />
      <section aria-labelledby="ws-min-h">
        <h2 id="ws-min-h">{t('workshops.minutes')}</h2>
        {w.minutes_html ? <div class="ws-md" dangerouslySetInnerHTML={{ __html: w.minutes_html }} /> : <p>{t('workshops.noMinutes')}</p>}
      </section>
      <section aria-labelledby="ws-in-h">
        <h2 id="ws-in-h">{t('workshops.inputs')}</h2>
        <Inputs slug={slug} pid={pid} w={w} tick={tick} />
      </section>
      {w.staff && (
        <section aria-labelledby="ws-staff-h" class="ws-staff">
          <h2 id="ws-staff-h">{t('workshops.staffTitle')}</h2>
          <h3 id="ws-part-h">{t('workshops.participants')}</h3>
          <Participants slug={slug} pid={pid} w={w} />
          <h3>{t('workshops.record')}</h3>
          <RecordForm slug={slug} pid={pid} w={w} onSaved={() => setTick((n) => n + 1)} />
          <h3>{t('workshops.import')}</h3>
          <CsvImport url={`${API_BASE}${wsApi(slug, pid)}/${w.id}/import`} onDone={() => setTick((n) => n + 1)} />
          <h3>{t('workshops.minutesForm')}</h3>
          <MinutesForm slug={slug} pid={pid} w={w} onSaved={ws.setData} />
          <h3>{t('workshops.edit')}</h3>
          <WorkshopForm slug={slug} pid={pid} w={w} onSaved={ws.setData} />
        </section>
      )}
    </>
  );
}
