// The co-creation list (共創リスト): the public list with search and filters and a follow
// button, a challenge's page (background, desired outcome, the four goal perspectives, budget,
// deadline, 「この課題に提案する」), and the desk's create/edit form.
import { useEffect, useState } from 'preact/hooks';
import { api, errorMessage, qs } from '../../api';
import { ErrorBox, Field, FormMessages, Live, Loading, PageHeading, SelectField, SubmitButton, useForm, useTitle } from '../../components';
import { useAsync } from '../../hooks';
import { t } from '../../i18n';
import { replaceQuery, useQuery, type Params } from '../../router';
import { meStore, navigateWithFlash } from '../../session';
import { useStore } from '../../store';
import { NotFound, Forbidden } from '../../pages/NotFound';
import { dateInputToMs, deskApi, deskPage, getOverview, msToDateInput, type Challenge, type ChallengeList } from './api';
import { DateOnly, DeskNav, isBusiness, Paragraphs, stageLabel, useMuni } from './common';
import './desk.css';

function FollowList({ slug, following }: { slug: string; following: boolean }) {
  const [on, setOn] = useState(following);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<string | null>(null);
  const [err, setErr] = useState<string | null>(null);
  useEffect(() => setOn(following), [following]);
  async function toggle() {
    setBusy(true);
    setErr(null);
    try {
      await api(on ? 'DELETE' : 'POST', `${deskApi(slug)}/follow`, on ? undefined : {});
      setMsg(on ? t('desk.list.unfollowed') : t('desk.list.followed'));
      setOn(!on);
    } catch (e) {
      setErr(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div class="desk-follow">
      <button type="button" class="btn btn-secondary btn-small" aria-pressed={on ? 'true' : 'false'} disabled={busy} onClick={toggle}>
        {on ? t('desk.list.following') : t('desk.list.follow')}
      </button>
      <p class="hint">{t('desk.list.followHint')}</p>
      <Live message={msg} />
      {err && <ErrorBox>{err}</ErrorBox>}
    </div>
  );
}

export function ChallengeListPage({ params }: { params: Params }) {
  const slug = params.slug ?? '';
  const me = useStore(meStore);
  const muni = useMuni(slug);
  const query = useQuery();
  const search = query.toString();
  const [q, setQ] = useState(query.get('q') ?? '');
  const [field, setField] = useState(query.get('policy_field') ?? '');
  const [status, setStatus] = useState(query.get('status') ?? '');
  const overview = useAsync(() => getOverview(slug), [slug, me?.id]);
  const list = useAsync(() => api<ChallengeList>('GET', `${deskApi(slug)}/challenges${search ? `?${search}` : ''}`), [slug, search, me?.id]);
  const form = useForm();
  const title = muni.name ? t('desk.list.titleOf', { name: muni.name }) : t('desk.list.title');
  useTitle(title);
  if (muni.notFound || overview.error?.status === 404) return <NotFound />;
  const desk = !!overview.data?.desk;
  const business = isBusiness(me);

  function onSearch(e: Event) {
    e.preventDefault();
    replaceQuery(qs({ q: q.trim(), policy_field: field, status }));
  }
  const fields = overview.data?.policy_fields ?? [];
  const items = list.data?.items ?? [];
  return (
    <>
      <PageHeading>{title}</PageHeading>
      <DeskNav slug={slug} desk={desk} business={business} />
      <p class="lead">{t('desk.list.lead')}</p>
      {list.data && (
        <p class="desk-review">
          {t('desk.list.nextReview')}
          {list.data.next_review_at ? <DateOnly ms={list.data.next_review_at} /> : t('desk.list.noReview')}
        </p>
      )}
      {me && list.data && <FollowList slug={slug} following={list.data.following} />}
      {(desk || business) && (
        <p class="button-row">
          {desk && (
            <a class="btn btn-primary" href={`${deskPage(slug)}/challenges/new`}>
              {t('desk.list.newChallenge')}
            </a>
          )}
          {business && (
            <a class="btn btn-secondary" href={`${deskPage(slug)}/proposals/new?kind=free`}>
              {t('desk.list.freeProposal')}
            </a>
          )}
        </p>
      )}
      <form class="form form-inline desk-search" role="search" aria-label={t('desk.list.searchLabel')} noValidate onSubmit={onSearch} ref={form.formRef}>
        <Field form={form} idPrefix="desk-search" name="q" label={t('desk.list.q')} type="search" value={q} onInput={setQ} maxLength={200} />
        <SelectField
          form={form}
          idPrefix="desk-search"
          name="policy_field"
          label={t('desk.field.policy')}
          value={field}
          onChange={setField}
          options={[{ value: '', label: t('desk.list.allFields') }, ...fields.map((f) => ({ value: f, label: f }))]}
        />
        <SelectField
          form={form}
          idPrefix="desk-search"
          name="status"
          label={t('desk.list.status')}
          value={status}
          onChange={setStatus}
          options={[
            { value: '', label: t('desk.list.statusAll') },
            { value: 'open', label: t('desk.chStatus.open') },
            { value: 'closed', label: t('desk.chStatus.closed') },
            ...(desk ? [{ value: 'draft', label: t('desk.chStatus.draft') }] : []),
          ]}
        />
        <button type="submit" class="btn btn-primary">
          {t('desk.list.search')}
        </button>
      </form>
      {list.loading && <Loading />}
      {list.error && <ErrorBox>{list.error.message}</ErrorBox>}
      {list.data && (
        <>
          <p role="status" class="desk-count">
            {t('desk.list.count', { n: items.length })}
          </p>
          {items.length === 0 ? (
            <p>{t('desk.list.none')}</p>
          ) : (
            <ul class="desk-cards">
              {items.map((c) => (
                <li key={c.id} class="desk-card">
                  <p class="desk-card-dept">{c.department}</p>
                  <h2 class="desk-card-title">
                    <a href={`${deskPage(slug)}/challenges/${c.id}`}>{c.title}</a>
                  </h2>
                  <p class="desk-card-badges">
                    {c.status !== 'open' && <span class="badge badge-warn">{t(`desk.chStatus.${c.status}`)}</span>}
                    {c.policy_field && <span class="badge">{c.policy_field}</span>}
                    <span class={`badge${c.budget_available ? ' badge-ok' : ''}`}>{c.budget_available ? t('desk.budget.yes') : t('desk.budget.no')}</span>
                  </p>
                  <dl class="desk-card-facts">
                    <div>
                      <dt>{t('desk.field.answerDeadline')}</dt>
                      <dd>
                        <DateOnly ms={c.answer_deadline} />
                      </dd>
                    </div>
                    <div>
                      <dt>{t('desk.list.proposals')}</dt>
                      <dd>{t('desk.list.proposalCount', { n: c.proposal_count })}</dd>
                    </div>
                  </dl>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </>
  );
}

export function ChallengePage({ params }: { params: Params }) {
  const slug = params.slug ?? '';
  const me = useStore(meStore);
  useMuni(slug);
  const ch = useAsync(() => api<Challenge>('GET', `${deskApi(slug)}/challenges/${encodeURIComponent(params.cid ?? '')}`), [slug, params.cid, me?.id]);
  const overview = useAsync(() => getOverview(slug), [slug, me?.id]);
  const c = ch.data;
  useTitle(c ? c.title : t('desk.challenge.title'));
  if (ch.error) return ch.error.status === 404 ? <NotFound /> : <ErrorBox title={t('common.error')}>{ch.error.message}</ErrorBox>;
  if (!c)
    return (
      <>
        <PageHeading>{t('desk.challenge.title')}</PageHeading>
        <Loading />
      </>
    );
  const desk = !!overview.data?.desk;
  const business = isBusiness(me);
  const base = deskPage(slug);
  return (
    <>
      <p class="desk-eyebrow">
        {t('desk.challenge.eyebrow')} <span class="desk-card-dept">{c.department}</span>
      </p>
      <PageHeading>{c.title}</PageHeading>
      <DeskNav slug={slug} desk={desk} business={business} />
      <p class="desk-card-badges">
        {c.status !== 'open' && <span class="badge badge-warn">{t(`desk.chStatus.${c.status}`)}</span>}
        {c.policy_field && <span class="badge">{c.policy_field}</span>}
      </p>
      {c.status === 'open' && business && (
        <p>
          <a class="btn btn-primary" href={`${base}/proposals/new?challenge=${c.id}`}>
            {t('desk.challenge.propose')}
          </a>
        </p>
      )}
      {c.status === 'open' && me === null && (
        <p class="callout">
          {t('desk.challenge.loginToPropose')} <a href={`/login?next=${encodeURIComponent(location.pathname)}`}>{t('desk.challenge.login')}</a>
        </p>
      )}
      {desk && (
        <p>
          <a class="btn btn-secondary" href={`${base}/challenges/${c.id}/edit`}>
            {t('desk.challenge.edit')}
          </a>
        </p>
      )}
      <section aria-labelledby="ch-bg" class="panel">
        <h2 id="ch-bg">{t('desk.field.background')}</h2>
        <Paragraphs text={c.background} />
      </section>
      <section aria-labelledby="ch-outcome" class="panel">
        <h2 id="ch-outcome">{t('desk.field.desiredOutcome')}</h2>
        <Paragraphs text={c.desired_outcome} />
      </section>
      <section aria-labelledby="ch-goals" class="panel">
        <h2 id="ch-goals">{t('desk.challenge.goals')}</h2>
        <dl class="facts">
          <div>
            <dt>{t('desk.goal.residents')}</dt>
            <dd class="desk-pre">{c.goal_residents || t('desk.none')}</dd>
          </div>
          <div>
            <dt>{t('desk.goal.financial')}</dt>
            <dd class="desk-pre">{c.goal_financial || t('desk.none')}</dd>
          </div>
          <div>
            <dt>{t('desk.goal.growth')}</dt>
            <dd class="desk-pre">{c.goal_growth || t('desk.none')}</dd>
          </div>
          <div>
            <dt>{t('desk.goal.region')}</dt>
            <dd class="desk-pre">{c.goal_region || t('desk.none')}</dd>
          </div>
        </dl>
      </section>
      <section aria-labelledby="ch-terms" class="panel">
        <h2 id="ch-terms">{t('desk.challenge.conditions')}</h2>
        <dl class="facts">
          <div>
            <dt>{t('desk.field.department')}</dt>
            <dd>{c.department}</dd>
          </div>
          <div>
            <dt>{t('desk.field.budget')}</dt>
            <dd>
              {c.budget_available ? t('desk.budget.yes') : t('desk.budget.no')}
              {c.budget_note && <span class="desk-pre">（{c.budget_note}）</span>}
            </dd>
          </div>
          <div>
            <dt>{t('desk.field.answerDeadline')}</dt>
            <dd>
              <DateOnly ms={c.answer_deadline} />
            </dd>
          </div>
          <div>
            <dt>{t('desk.field.listReview')}</dt>
            <dd>
              <DateOnly ms={c.list_review_at} />
            </dd>
          </div>
        </dl>
      </section>
      <section aria-labelledby="ch-props" class="panel">
        <h2 id="ch-props">{t('desk.challenge.proposals')}</h2>
        {c.proposals && c.proposals.length ? (
          <ul class="plain-list">
            {c.proposals.map((p) => (
              <li key={p.id}>
                <a href={`${base}/proposals/${p.id}`}>{p.title}</a>（{stageLabel(p.stage)}）
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('desk.challenge.noProposals')}</p>
        )}
      </section>
    </>
  );
}

interface ChForm {
  department: string;
  title: string;
  background: string;
  desired_outcome: string;
  goal_residents: string;
  goal_financial: string;
  goal_growth: string;
  goal_region: string;
  policy_field: string;
  budget_available: boolean;
  budget_note: string;
  answer_deadline: string;
  list_review_at: string;
  status: string;
}

const EMPTY: ChForm = {
  department: '',
  title: '',
  background: '',
  desired_outcome: '',
  goal_residents: '',
  goal_financial: '',
  goal_growth: '',
  goal_region: '',
  policy_field: '',
  budget_available: false,
  budget_note: '',
  answer_deadline: '',
  list_review_at: '',
  status: 'open',
};

/** New challenge (no :cid) or edit. The desk only. */
export function ChallengeEditPage({ params }: { params: Params }) {
  const slug = params.slug ?? '';
  const cid = params.cid;
  const me = useStore(meStore);
  useMuni(slug);
  const overview = useAsync(() => getOverview(slug), [slug, me?.id]);
  const ch = useAsync(() => (cid ? api<Challenge>('GET', `${deskApi(slug)}/challenges/${encodeURIComponent(cid)}`) : Promise.resolve(null)), [slug, cid]);
  const [v, setV] = useState<ChForm>(EMPTY);
  const form = useForm();
  useEffect(() => {
    const c = ch.data;
    if (!c) return;
    setV({
      department: c.department,
      title: c.title,
      background: c.background,
      desired_outcome: c.desired_outcome,
      goal_residents: c.goal_residents,
      goal_financial: c.goal_financial,
      goal_growth: c.goal_growth,
      goal_region: c.goal_region,
      policy_field: c.policy_field,
      budget_available: c.budget_available,
      budget_note: c.budget_note,
      answer_deadline: msToDateInput(c.answer_deadline),
      list_review_at: msToDateInput(c.list_review_at),
      status: c.status,
    });
  }, [ch.data?.id]);
  const title = cid ? t('desk.chForm.editTitle') : t('desk.chForm.newTitle');
  useTitle(title);
  if (ch.error) return ch.error.status === 404 ? <NotFound /> : <ErrorBox title={t('common.error')}>{ch.error.message}</ErrorBox>;
  if (!overview.data || (cid && !ch.data))
    return (
      <>
        <PageHeading>{title}</PageHeading>
        <Loading />
      </>
    );
  if (!overview.data.desk) return <Forbidden detail={t('desk.deskOnly')} />;
  const set = (k: keyof ChForm) => (x: string) => setV({ ...v, [k]: x });

  function onSubmit(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      const body = {
        ...v,
        answer_deadline: v.answer_deadline ? dateInputToMs(v.answer_deadline) : undefined,
        list_review_at: v.list_review_at ? dateInputToMs(v.list_review_at) : undefined,
        budget_note: v.budget_note,
      };
      const saved = await api<Challenge>(cid ? 'PUT' : 'POST', cid ? `${deskApi(slug)}/challenges/${encodeURIComponent(cid)}` : `${deskApi(slug)}/challenges`, body);
      navigateWithFlash(`${deskPage(slug)}/challenges/${saved.id}`, cid ? t('desk.chForm.saved') : t('desk.chForm.created'));
    });
  }
  const fields = overview.data.policy_fields;
  const P = 'ch';
  return (
    <>
      <PageHeading>{title}</PageHeading>
      <DeskNav slug={slug} desk business={false} />
      <p class="lead">{t('desk.chForm.lead')}</p>
      <form class="form" noValidate onSubmit={onSubmit} ref={form.formRef}>
        <FormMessages form={form} idPrefix={P} />
        <Field form={form} idPrefix={P} name="department" label={t('desk.field.department')} value={v.department} onInput={set('department')} required maxLength={100} />
        <Field form={form} idPrefix={P} name="title" label={t('desk.field.challengeTitle')} value={v.title} onInput={set('title')} required maxLength={200} />
        <Field form={form} idPrefix={P} name="background" label={t('desk.field.background')} hint={t('desk.chForm.backgroundHint')} value={v.background} onInput={set('background')} multiline rows={6} maxLength={8000} />
        <Field form={form} idPrefix={P} name="desired_outcome" label={t('desk.field.desiredOutcome')} value={v.desired_outcome} onInput={set('desired_outcome')} multiline rows={4} maxLength={4000} />
        <fieldset class="desk-fieldset">
          <legend>{t('desk.challenge.goals')}</legend>
          <p class="hint">{t('desk.chForm.goalsHint')}</p>
          <Field form={form} idPrefix={P} name="goal_residents" label={t('desk.goal.residents')} value={v.goal_residents} onInput={set('goal_residents')} multiline rows={3} maxLength={2000} />
          <Field form={form} idPrefix={P} name="goal_financial" label={t('desk.goal.financial')} value={v.goal_financial} onInput={set('goal_financial')} multiline rows={3} maxLength={2000} />
          <Field form={form} idPrefix={P} name="goal_growth" label={t('desk.goal.growth')} value={v.goal_growth} onInput={set('goal_growth')} multiline rows={3} maxLength={2000} />
          <Field form={form} idPrefix={P} name="goal_region" label={t('desk.goal.region')} value={v.goal_region} onInput={set('goal_region')} multiline rows={3} maxLength={2000} />
        </fieldset>
        <SelectField
          form={form}
          idPrefix={P}
          name="policy_field"
          label={t('desk.field.policy')}
          value={v.policy_field}
          onChange={set('policy_field')}
          options={[{ value: '', label: t('desk.chForm.noField') }, ...fields.map((f) => ({ value: f, label: f }))]}
        />
        <fieldset class="desk-fieldset">
          <legend>{t('desk.field.budget')}</legend>
          <div class="desk-choices">
            <label class="desk-choice">
              <input type="radio" name="budget_available" id={`${P}-budget_available`} checked={v.budget_available} onChange={() => setV({ ...v, budget_available: true })} /> {t('desk.budget.yes')}
            </label>
            <label class="desk-choice">
              <input type="radio" name="budget_available" checked={!v.budget_available} onChange={() => setV({ ...v, budget_available: false })} /> {t('desk.budget.no')}
            </label>
          </div>
          <Field form={form} idPrefix={P} name="budget_note" label={t('desk.field.budgetNote')} value={v.budget_note} onInput={set('budget_note')} maxLength={1000} />
        </fieldset>
        <Field form={form} idPrefix={P} name="answer_deadline" type="date" label={t('desk.field.answerDeadline')} hint={t('desk.chForm.deadlineHint')} value={v.answer_deadline} onInput={set('answer_deadline')} />
        <Field form={form} idPrefix={P} name="list_review_at" type="date" label={t('desk.field.listReview')} hint={t('desk.chForm.reviewHint')} value={v.list_review_at} onInput={set('list_review_at')} />
        <SelectField
          form={form}
          idPrefix={P}
          name="status"
          label={t('desk.chForm.status')}
          hint={t('desk.chForm.statusHint')}
          value={v.status}
          onChange={set('status')}
          options={[
            { value: 'draft', label: t('desk.chStatus.draft') },
            { value: 'open', label: t('desk.chStatus.open') },
            { value: 'closed', label: t('desk.chStatus.closed') },
          ]}
        />
        <SubmitButton form={form} label={cid ? t('desk.chForm.save') : t('desk.chForm.create')} />
      </form>
      <p>
        <a href={cid ? `${deskPage(slug)}/challenges/${cid}` : deskPage(slug)}>{t('desk.back')}</a>
      </p>
    </>
  );
}
