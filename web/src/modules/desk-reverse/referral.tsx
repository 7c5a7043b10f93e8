// Referral (横展開): the proposer's consent form (which public documents to share), the desk's
// referral form and list, the desk's inbox of referrals received and sent, a referral's page
// (public summary and shared documents) with 「協議を始める」, and the desk's case publishing form.
import { useEffect, useState } from 'preact/hooks';
import { api, type Page } from '../../api';
import { ErrorBox, Field, FormMessages, Loading, PageHeading, SelectField, SubmitButton, Time, useForm, useTitle } from '../../components';
import { useAsync } from '../../hooks';
import { t } from '../../i18n';
import type { Params } from '../../router';
import { meStore, navigateWithFlash } from '../../session';
import { useStore } from '../../store';
import { Forbidden, LoginRequired, NotFound } from '../../pages/NotFound';
import { deskBase, type Case, type Referral, type ReferralState } from './api';
import { Paras } from './common';
import './desk-reverse.css';

interface Doc {
  id: number;
  title: string;
  visibility: 'public' | 'confidential';
}

export function ReferralPage({ params }: { params: Params }) {
  const slug = params.slug ?? '';
  const id = params.id ?? '';
  const me = useStore(meStore);
  const base = `${deskBase(slug)}/proposals/${encodeURIComponent(id)}`;
  const st = useAsync(() => api<ReferralState>('GET', `${base}/referral`), [base, me?.id]);
  const docs = useAsync(() => api<{ documents: Doc[] }>('GET', base), [base, me?.id]);
  useTitle(t('desk-reverse.referral.title'));
  if (me === null) return <LoginRequired title={t('desk-reverse.referral.title')} />;
  if (st.loading && !st.data) return <Loading />;
  if (st.error?.status === 404) return <NotFound />;
  if (st.error || !st.data) return <ErrorBox>{st.error?.message}</ErrorBox>;
  const s = st.data;
  const proposer = s.my_roles.includes('proposer');
  const desk = s.my_roles.includes('desk');
  return (
    <>
      <PageHeading>{t('desk-reverse.referral.title')}</PageHeading>
      <p>
        {t('desk-reverse.referral.proposal')}：<a href={`/m/${slug}/desk/proposals/${s.proposal.id}`}>{s.proposal.title}</a>
      </p>
      <p class="lead">{t('desk-reverse.referral.lead')}</p>
      <p>
        {s.consent?.active ? (
          <>{t('desk-reverse.referral.consentActive', { date: new Date(s.consent.consented_at).toLocaleDateString('ja-JP', { timeZone: 'Asia/Tokyo' }) })}</>
        ) : s.consent ? (
          t('desk-reverse.referral.consentRevoked')
        ) : (
          t('desk-reverse.referral.consentNone')
        )}
      </p>
      {proposer && <ConsentForm base={base} state={s} docs={(docs.data?.documents ?? []).filter((d) => d.visibility === 'public')} reload={st.reload} />}
      {desk && <ReferForm base={base} state={s} reload={st.reload} />}
      <section class="panel" aria-labelledby="dr-ref-list">
        <h2 id="dr-ref-list">{t('desk-reverse.referral.list')}</h2>
        {s.referrals.length === 0 ? (
          <p>{t('desk-reverse.referral.none')}</p>
        ) : (
          <ul class="plain-list">
            {s.referrals.map((r) => (
              <li key={r.id}>
                {r.to.name}（{t(`desk-reverse.referral.status.${r.status}` as 'desk-reverse.referral.status.referred')}・<Time ms={r.created_at} />）
              </li>
            ))}
          </ul>
        )}
      </section>
      {desk && s.proposal.stage === 'completed' && (
        <p>
          {s.case ? (
            <a href={`/r/${s.case.region}/desk/cases/${s.case.id}`}>{t('desk-reverse.referral.caseOpen')}</a>
          ) : (
            <a class="btn btn-secondary" href={`/m/${slug}/desk/proposals/${s.proposal.id}/case`}>
              {t('desk-reverse.referral.caseLink')}
            </a>
          )}
        </p>
      )}
      <p>
        <a href={`/m/${slug}/desk/proposals/${s.proposal.id}`}>{t('desk-reverse.referral.back')}</a>
      </p>
    </>
  );
}

function ConsentForm({ base, state, docs, reload }: { base: string; state: ReferralState; docs: Doc[]; reload: () => void }) {
  const form = useForm();
  const [ids, setIds] = useState<number[]>(state.shared_document_ids);
  const [note, setNote] = useState(state.consent?.note ?? '');
  useEffect(() => setIds(state.shared_document_ids), [state.shared_document_ids.join(',')]);
  async function submit(e: Event) {
    e.preventDefault();
    await form.run(async () => {
      await api('PUT', `${base}/referral-consent`, { shared_document_ids: ids, note });
      reload();
      return t('desk-reverse.referral.consented');
    });
  }
  async function revoke() {
    await form.run(async () => {
      await api('DELETE', `${base}/referral-consent`);
      reload();
      return t('desk-reverse.referral.revoked');
    });
  }
  return (
    <section class="panel" aria-labelledby="dr-consent">
      <h2 id="dr-consent">{t('desk-reverse.referral.consentTitle')}</h2>
      <form class="form" ref={form.formRef} onSubmit={submit} noValidate>
        <FormMessages form={form} idPrefix="dr-consent" />
        <fieldset class="dr-fieldset" id="dr-consent-shared_document_ids" tabIndex={-1}>
          <legend>{t('desk-reverse.referral.docs')}</legend>
          {docs.length === 0 && <p>{t('desk-reverse.referral.docsNone')}</p>}
          {docs.map((d) => (
            <label class="dr-check" key={d.id}>
              <input
                type="checkbox"
                name="shared_document_ids"
                checked={ids.includes(d.id)}
                onChange={(e) => {
                  const on = (e.currentTarget as HTMLInputElement).checked;
                  setIds(on ? [...ids, d.id] : ids.filter((x) => x !== d.id));
                }}
              />
              <span>{d.title}</span>
            </label>
          ))}
        </fieldset>
        <Field form={form} idPrefix="dr-consent" name="note" label={t('desk-reverse.referral.note')} value={note} onInput={setNote} multiline rows={3} maxLength={2000} />
        <div class="button-row">
          <SubmitButton form={form} label={t('desk-reverse.referral.consent')} />
          {state.consent?.active && (
            <button type="button" class="btn btn-secondary" disabled={form.busy} onClick={revoke}>
              {t('desk-reverse.referral.revoke')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

function ReferForm({ base, state, reload }: { base: string; state: ReferralState; reload: () => void }) {
  const form = useForm();
  const targets = state.region_municipalities.filter((m) => !state.referrals.some((r) => r.to.slug === m.slug));
  const [target, setTarget] = useState(targets[0]?.slug ?? '');
  const [note, setNote] = useState('');
  useEffect(() => {
    if (!targets.some((m) => m.slug === target)) setTarget(targets[0]?.slug ?? '');
  }, [targets.length]);
  async function submit(e: Event) {
    e.preventDefault();
    await form.run(async () => {
      await api('POST', `${base}/referrals`, { target, note });
      setNote('');
      reload();
      return t('desk-reverse.referral.referred');
    });
  }
  return (
    <section class="panel" aria-labelledby="dr-refer">
      <h2 id="dr-refer">{t('desk-reverse.referral.referTitle')}</h2>
      {!state.consent?.active ? (
        <p>{t('desk-reverse.referral.needConsent')}</p>
      ) : targets.length === 0 ? (
        <p>{t('desk-reverse.referral.none')}</p>
      ) : (
        <form class="form" ref={form.formRef} onSubmit={submit} noValidate>
          <FormMessages form={form} idPrefix="dr-refer" />
          <SelectField form={form} idPrefix="dr-refer" name="target" label={t('desk-reverse.referral.target')} value={target} onChange={setTarget} options={targets.map((m) => ({ value: m.slug, label: m.name }))} />
          <Field form={form} idPrefix="dr-refer" name="note" label={t('desk-reverse.referral.note')} value={note} onInput={setNote} multiline rows={3} maxLength={2000} />
          <SubmitButton form={form} label={t('desk-reverse.referral.refer')} />
        </form>
      )}
    </section>
  );
}

export function ReferralInboxPage({ params }: { params: Params }) {
  const slug = params.slug ?? '';
  const me = useStore(meStore);
  const recv = useAsync(() => api<Page<Referral>>('GET', `${deskBase(slug)}/referrals?direction=received`), [slug, me?.id]);
  const sent = useAsync(() => api<Page<Referral>>('GET', `${deskBase(slug)}/referrals?direction=sent`), [slug, me?.id]);
  useTitle(t('desk-reverse.inbox.title'));
  if (me === null) return <LoginRequired title={t('desk-reverse.inbox.title')} />;
  if (recv.loading && !recv.data) return <Loading />;
  if (recv.error?.status === 403) return <Forbidden />;
  if (recv.error?.status === 404) return <NotFound />;
  if (recv.error) return <ErrorBox>{recv.error.message}</ErrorBox>;
  const list = (items: Referral[] | undefined, sentSide: boolean) =>
    !items?.length ? (
      <p>{t('desk-reverse.inbox.none')}</p>
    ) : (
      <ul class="card-list">
        {items.map((r) => (
          <li key={r.id}>
            <a class="card-link" href={`/m/${slug}/desk/referrals/${r.id}`}>
              <span class="card-title">{r.proposal.title}</span>
              <span class="card-meta">{r.proposal.business_name}</span>
              <span class="card-meta">
                {sentSide ? t('desk-reverse.inbox.to', { name: r.to.name }) : t('desk-reverse.inbox.from', { name: r.from.name })} ・{' '}
                {t(`desk-reverse.referral.status.${r.status}` as 'desk-reverse.referral.status.referred')}
              </span>
            </a>
          </li>
        ))}
      </ul>
    );
  return (
    <>
      <PageHeading>{t('desk-reverse.inbox.title')}</PageHeading>
      <section class="panel" aria-labelledby="dr-recv">
        <h2 id="dr-recv">{t('desk-reverse.inbox.received')}</h2>
        {list(recv.data?.items, false)}
      </section>
      <section class="panel" aria-labelledby="dr-sent">
        <h2 id="dr-sent">{t('desk-reverse.inbox.sent')}</h2>
        {list(sent.data?.items, true)}
      </section>
    </>
  );
}

export function ReferralDetailPage({ params }: { params: Params }) {
  const slug = params.slug ?? '';
  const rid = params.rid ?? '';
  const me = useStore(meStore);
  const r = useAsync(() => api<Referral>('GET', `${deskBase(slug)}/referrals/${encodeURIComponent(rid)}`), [slug, rid, me?.id]);
  const form = useForm();
  const [stage, setStage] = useState('dialogue');
  useTitle(r.data?.proposal.title ?? t('desk-reverse.inbox.detailTitle'));
  if (me === null) return <LoginRequired title={t('desk-reverse.inbox.detailTitle')} />;
  if (r.loading && !r.data) return <Loading />;
  if (r.error?.status === 403) return <Forbidden />;
  if (r.error?.status === 404) return <NotFound />;
  if (r.error || !r.data) return <ErrorBox>{r.error?.message}</ErrorBox>;
  const d = r.data;
  async function consult(e: Event) {
    e.preventDefault();
    let url = '';
    const ok = await form.run(async () => {
      url = (await api<{ url: string }>('POST', `${deskBase(slug)}/referrals/${rid}/consult`, { stage })).url;
    });
    if (ok) navigateWithFlash(url, t('desk-reverse.inbox.opened'));
  }
  return (
    <>
      <PageHeading>{d.proposal.title}</PageHeading>
      <dl class="facts">
        <div>
          <dt>{t('desk-reverse.theme.business')}</dt>
          <dd>{d.proposal.business_name}</dd>
        </div>
        <div>
          <dt>{t('desk-reverse.inbox.detailTitle')}</dt>
          <dd>
            {t('desk-reverse.inbox.from', { name: d.from.name })} → {d.to.name}（<Time ms={d.created_at} />）
          </dd>
        </div>
        {d.proposal.policy_field && (
          <div>
            <dt>{t('desk-reverse.theme.policyField')}</dt>
            <dd>{d.proposal.policy_field}</dd>
          </div>
        )}
      </dl>
      <section class="panel" aria-labelledby="dr-rs">
        <h2 id="dr-rs">{t('desk-reverse.theme.summary')}</h2>
        <Paras text={d.proposal.summary} />
        <p>
          <a href={`/m/${d.from.slug}/desk/proposals/${d.proposal.id}`}>{t('desk-reverse.cases.record')}</a>
        </p>
      </section>
      {d.note && (
        <section class="panel" aria-labelledby="dr-rn">
          <h2 id="dr-rn">{t('desk-reverse.inbox.note')}</h2>
          <Paras text={d.note} />
        </section>
      )}
      <section class="panel" aria-labelledby="dr-rd">
        <h2 id="dr-rd">{t('desk-reverse.inbox.sharedDocs')}</h2>
        {!d.shared_documents?.length && <p>{t('desk-reverse.inbox.sharedNone')}</p>}
        {d.shared_documents?.map((doc) => (
          <article key={doc.id} class="callout">
            <h3>{doc.title}</h3>
            <Paras text={doc.body} />
            {doc.attachments.length > 0 && (
              <ul class="plain-list">
                {doc.attachments.map((a) => (
                  <li key={a.id}>
                    <a href={a.url} download>
                      {a.filename}
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </article>
        ))}
      </section>
      {d.my_side === 'target' && (
        <section class="panel" aria-labelledby="dr-consult">
          <h2 id="dr-consult">{t('desk-reverse.inbox.consultTitle')}</h2>
          {d.opened_proposal_id ? (
            <p>
              <a href={`/m/${slug}/desk/proposals/${d.opened_proposal_id}`}>{t('desk-reverse.inbox.openedLink')}</a>
            </p>
          ) : (
            <form class="form" ref={form.formRef} onSubmit={consult} noValidate>
              <p>{t('desk-reverse.inbox.consultLead')}</p>
              <FormMessages form={form} idPrefix="dr-consult" />
              <SelectField
                form={form}
                idPrefix="dr-consult"
                name="stage"
                label={t('desk-reverse.inbox.stage')}
                value={stage}
                onChange={setStage}
                options={[
                  { value: 'dialogue', label: t('desk-reverse.inbox.stageDialogue') },
                  { value: 'received', label: t('desk-reverse.inbox.stageReceived') },
                ]}
              />
              <SubmitButton form={form} label={t('desk-reverse.inbox.consult')} />
            </form>
          )}
        </section>
      )}
      <p>
        <a href={`/m/${slug}/desk/referrals`}>{t('desk-reverse.inbox.title')}</a>
      </p>
    </>
  );
}

export function CasePublishPage({ params }: { params: Params }) {
  const slug = params.slug ?? '';
  const id = params.id ?? '';
  const me = useStore(meStore);
  const form = useForm();
  const st = useAsync(() => api<ReferralState>('GET', `${deskBase(slug)}/proposals/${encodeURIComponent(id)}/referral`), [slug, id, me?.id]);
  const [f, setF] = useState({ title: '', summary: '', outcomes: '', kpis: '', contact_department: '' });
  useTitle(t('desk-reverse.case.publishTitle'));
  useEffect(() => {
    if (st.data && !f.title) setF((x) => ({ ...x, title: st.data!.proposal.title }));
  }, [st.data?.proposal.id]);
  if (me === null) return <LoginRequired title={t('desk-reverse.case.publishTitle')} />;
  if (st.loading && !st.data) return <Loading />;
  if (st.error?.status === 404) return <NotFound />;
  if (st.error || !st.data) return <ErrorBox>{st.error?.message}</ErrorBox>;
  if (!st.data.my_roles.includes('desk')) return <Forbidden />;
  const set = (k: keyof typeof f) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  async function submit(e: Event) {
    e.preventDefault();
    let c: Case | null = null;
    const ok = await form.run(async () => {
      c = await api<Case>('POST', `${deskBase(slug)}/proposals/${id}/case`, f);
    });
    if (ok && c) navigateWithFlash(`/r/${(c as Case).region.slug}/desk/cases/${(c as Case).id}`, t('desk-reverse.case.published'));
  }
  return (
    <>
      <PageHeading>{t('desk-reverse.case.publishTitle')}</PageHeading>
      <p>
        {t('desk-reverse.referral.proposal')}：<a href={`/m/${slug}/desk/proposals/${id}`}>{st.data.proposal.title}</a>
      </p>
      {st.data.proposal.stage !== 'completed' ? (
        <p>{t('desk-reverse.case.notCompleted')}</p>
      ) : st.data.case ? (
        <p>
          <a href={`/r/${st.data.case.region}/desk/cases/${st.data.case.id}`}>{t('desk-reverse.referral.caseOpen')}</a>
        </p>
      ) : (
        <form class="form" ref={form.formRef} onSubmit={submit} noValidate>
          <p>{t('desk-reverse.case.publishLead')}</p>
          <FormMessages form={form} idPrefix="dr-case" />
          <Field form={form} idPrefix="dr-case" name="title" label={t('desk-reverse.case.title')} value={f.title} onInput={set('title')} required maxLength={200} />
          <Field form={form} idPrefix="dr-case" name="summary" label={t('desk-reverse.case.summary')} value={f.summary} onInput={set('summary')} multiline rows={4} required maxLength={4000} />
          <Field form={form} idPrefix="dr-case" name="outcomes" label={t('desk-reverse.case.outcomes')} value={f.outcomes} onInput={set('outcomes')} multiline rows={4} maxLength={4000} />
          <Field form={form} idPrefix="dr-case" name="kpis" label={t('desk-reverse.case.kpis')} hint={t('desk-reverse.case.kpisHint')} value={f.kpis} onInput={set('kpis')} multiline rows={3} maxLength={4000} />
          <Field form={form} idPrefix="dr-case" name="contact_department" label={t('desk-reverse.case.contact')} value={f.contact_department} onInput={set('contact_department')} required maxLength={100} />
          <SubmitButton form={form} label={t('desk-reverse.case.publish')} />
        </form>
      )}
    </>
  );
}

