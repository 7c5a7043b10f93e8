// Business proposals (民間提案): the new-proposal form (theme-based from a challenge or free in a
// policy field), the draft editor (summary, documents, attachments, submission with the terms),
// and the proposal page: the public record for everyone, and for the parties (the proposer's
// members, the desk, invited reviewers) the full view with documents, the private dialogue,
// meeting records, reviewers, assignment and the workflow moves the user may make.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, errorMessage, type Problem } from '../../api';
import { ErrorBox, Field, FormMessages, Live, Loading, PageHeading, SelectField, SubmitButton, Time, useForm, useTitle } from '../../components';
import { useAsync } from '../../hooks';
import { t, type MessageKey } from '../../i18n';
import { useQuery, type Params } from '../../router';
import { meStore, navigateWithFlash } from '../../session';
import { useStore } from '../../store';
import { Forbidden, LoginRequired, NotFound } from '../../pages/NotFound';
import {
  dateInputToMs,
  deskApi,
  deskPage,
  getOverview,
  getProposal,
  localInputToMs,
  msToDateInput,
  msToLocalInput,
  type ChallengeList,
  type Meeting,
  type Message,
  type Proposal,
} from './api';
import { DateOnly, DeskNav, decisionLabel, eventLabel, isBusiness, kindLabel, methodLabel, moveLabel, orgIds, Paragraphs, roleLabel, StageBadge, stageLabel, useMuni, waitingLabel } from './common';
import { AddDocumentForm, DocumentList } from './documents';
import './desk.css';

const CLOSED = ['completed', 'ended', 'withdrawn'];
/** Moves that need a public reason (docs/desk.md). */
const REASON_MOVES = ['decide', 'start_selection', 'complete', 'end', 'continue_monitoring', 'change_agreement'];
const DECISIONS = ['adopt', 'adopt_with_changes', 'not_adopted', 'referred'];
const METHODS = ['negotiated', 'proposal_competition', 'price_competition'];

function useOrgs(ids: number[]) {
  return useAsync(() => Promise.all(ids.map((id) => api<{ id: number; name: string }>('GET', `/organizations/${id}`))), [ids.join(',')]);
}

export function ProposalNewPage({ params }: { params: Params }) {
  const slug = params.slug ?? '';
  const me = useStore(meStore);
  useMuni(slug);
  const query = useQuery();
  const ids = orgIds(me);
  const orgs = useOrgs(ids);
  const overview = useAsync(() => getOverview(slug), [slug]);
  const open = useAsync(() => api<ChallengeList>('GET', `${deskApi(slug)}/challenges?status=open&limit=200`), [slug]);
  const [kind, setKind] = useState<'theme' | 'free'>(query.get('kind') === 'free' ? 'free' : 'theme');
  const [challenge, setChallenge] = useState(query.get('challenge') ?? '');
  const [field, setField] = useState('');
  const [org, setOrg] = useState('');
  const [title, setTitle] = useState('');
  const [summary, setSummary] = useState('');
  const form = useForm();
  useEffect(() => {
    if (!org && orgs.data?.length) setOrg(String(orgs.data[0]!.id));
  }, [orgs.data]);
  useEffect(() => {
    if (!field && overview.data?.policy_fields.length) setField(overview.data.policy_fields[0]!);
  }, [overview.data]);
  useEffect(() => {
    if (kind === 'theme' && !challenge && open.data?.items.length) setChallenge(String(open.data.items[0]!.id));
  }, [open.data, kind]);
  const heading = t('desk.new.title');
  useTitle(heading);
  if (me === null) return <LoginRequired title={heading} />;
  if (me && !isBusiness(me)) return <Forbidden detail={t('desk.businessOnly')} />;
  if (!me || !overview.data || !open.data || !orgs.data)
    return (
      <>
        <PageHeading>{heading}</PageHeading>
        {overview.error || open.error || orgs.error ? <ErrorBox>{(overview.error || open.error || orgs.error)!.message}</ErrorBox> : <Loading />}
      </>
    );
  const chosen = open.data.items.find((c) => String(c.id) === challenge);
  const P = 'prop';
  function onSubmit(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      const p = await api<Proposal>('POST', `${deskApi(slug)}/proposals`, {
        organization_id: org ? Number(org) : undefined,
        kind,
        ...(kind === 'theme' ? { challenge_id: challenge ? Number(challenge) : undefined } : { policy_field: field }),
        title,
        summary,
      });
      navigateWithFlash(`${deskPage(slug)}/proposals/${p.id}/edit`, t('desk.new.created'));
    });
  }
  const kindErr = form.fieldError('kind');
  return (
    <>
      <PageHeading>{heading}</PageHeading>
      <DeskNav slug={slug} desk={false} business />
      <p class="lead">{t('desk.new.lead')}</p>
      <form class="form" noValidate onSubmit={onSubmit} ref={form.formRef}>
        <FormMessages form={form} idPrefix={P} />
        <SelectField form={form} idPrefix={P} name="organization_id" label={t('desk.new.org')} hint={t('desk.new.orgHint')} value={org} onChange={setOrg} options={orgs.data.map((o) => ({ value: String(o.id), label: o.name }))} />
        <fieldset class={`desk-fieldset${kindErr ? ' field-invalid' : ''}`}>
          <legend>
            {t('desk.new.kind')} <span class="req">{t('common.required')}</span>
          </legend>
          {kindErr && <p class="field-error">{kindErr}</p>}
          <div class="desk-choices desk-choices-stack">
            <label class="desk-choice">
              <input type="radio" name="kind" id={`${P}-kind`} value="theme" checked={kind === 'theme'} onChange={() => setKind('theme')} />
              <span>
                {t('desk.kind.theme')}
                <span class="hint desk-choice-hint">{t('desk.new.themeHint')}</span>
              </span>
            </label>
            <label class="desk-choice">
              <input type="radio" name="kind" value="free" checked={kind === 'free'} onChange={() => setKind('free')} />
              <span>
                {t('desk.kind.free')}
                <span class="hint desk-choice-hint">{t('desk.new.freeHint')}</span>
              </span>
            </label>
          </div>
        </fieldset>
        {kind === 'theme' ? (
          <>
            <SelectField
              form={form}
              idPrefix={P}
              name="challenge_id"
              label={t('desk.new.challenge')}
              value={challenge}
              onChange={setChallenge}
              options={open.data.items.map((c) => ({ value: String(c.id), label: `${c.title}（${c.department}）` }))}
            />
            {chosen && (
              <p class="hint">
                <a href={`${deskPage(slug)}/challenges/${chosen.id}`}>{t('desk.new.challengeLink', { title: chosen.title })}</a>
              </p>
            )}
          </>
        ) : (
          <SelectField form={form} idPrefix={P} name="policy_field" label={t('desk.field.policy')} value={field} onChange={setField} options={overview.data.policy_fields.map((f) => ({ value: f, label: f }))} />
        )}
        <Field form={form} idPrefix={P} name="title" label={t('desk.prop.title')} hint={t('desk.prop.publicHint')} value={title} onInput={setTitle} required maxLength={200} />
        <Field form={form} idPrefix={P} name="summary" label={t('desk.prop.summary')} hint={t('desk.prop.summaryHint')} value={summary} onInput={setSummary} multiline rows={6} maxLength={4000} />
        <SubmitButton form={form} label={t('desk.new.save')} />
      </form>
    </>
  );
}

function SubmitForm({ slug, p, terms }: { slug: string; p: Proposal; terms: string }) {
  const form = useForm();
  const [accept, setAccept] = useState(false);
  const P = 'submit';
  const err = form.fieldError('accept_terms');
  function onSubmit(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      if (!accept) throw new ApiError(400, t('desk.submit.mustAccept'), { code: 'validation', field: 'accept_terms' });
      await api<Proposal>('POST', `${deskApi(slug)}/proposals/${p.id}/submit`, { accept_terms: true });
      navigateWithFlash(`${deskPage(slug)}/proposals/${p.id}`, t('desk.submit.done'));
    });
  }
  return (
    <form class="form" noValidate onSubmit={onSubmit} ref={form.formRef}>
      <FormMessages form={form} idPrefix={P} />
      <h3 id="terms-title">{t('desk.submit.terms')}</h3>
      <div class="desk-terms" role="region" aria-labelledby="terms-title" tabIndex={0}>
        {terms}
      </div>
      <div class={`field${err ? ' field-invalid' : ''}`}>
        {err && (
          <p class="field-error" id={`${P}-accept_terms-error`}>
            <span class="visually-hidden">{t('common.error')}: </span>
            {err}
          </p>
        )}
        <label class="desk-choice" for={`${P}-accept_terms`}>
          <input type="checkbox" id={`${P}-accept_terms`} name="accept_terms" checked={accept} aria-invalid={err ? 'true' : undefined} aria-describedby={err ? `${P}-accept_terms-error` : undefined} onChange={(e) => setAccept((e.currentTarget as HTMLInputElement).checked)} />
          {t('desk.submit.accept')}
        </label>
      </div>
      <SubmitButton form={form} label={t('desk.submit.button')} />
    </form>
  );
}

/** The proposer edits a draft: title and summary, documents, attachments, then submits. */
export function ProposalEditPage({ params }: { params: Params }) {
  const slug = params.slug ?? '';
  const me = useStore(meStore);
  useMuni(slug);
  const prop = useAsync(() => getProposal(slug, params.id ?? ''), [slug, params.id, me?.id]);
  const overview = useAsync(() => getOverview(slug), [slug]);
  const form = useForm();
  const [title, setTitle] = useState('');
  const [summary, setSummary] = useState('');
  const p = prop.data;
  useEffect(() => {
    if (!p) return;
    setTitle(p.title);
    setSummary(p.summary);
  }, [p?.id]);
  const heading = t('desk.edit.title');
  useTitle(heading);
  if (me === null) return <LoginRequired title={heading} />;
  if (prop.error) return prop.error.status === 404 ? <NotFound /> : <ErrorBox title={t('common.error')}>{prop.error.message}</ErrorBox>;
  if (!p || !overview.data)
    return (
      <>
        <PageHeading>{heading}</PageHeading>
        <Loading />
      </>
    );
  const page = `${deskPage(slug)}/proposals/${p.id}`;
  if (!p.my_roles?.includes('proposer')) return <Forbidden detail={t('desk.businessOnly')} />;
  if (p.stage !== 'draft')
    return (
      <>
        <PageHeading>{heading}</PageHeading>
        <p class="notice notice-info">{t('desk.edit.submitted')}</p>
        <p>
          <a href={page}>{t('desk.edit.toPage')}</a>
        </p>
      </>
    );
  const P = 'edit';
  function onSave(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      const np = await api<Proposal>('PUT', `${deskApi(slug)}/proposals/${p!.id}`, { title, summary });
      prop.setData({ ...p!, ...np });
      return t('desk.edit.saved');
    });
  }
  return (
    <>
      <PageHeading>{heading}</PageHeading>
      <DeskNav slug={slug} desk={false} business />
      <p class="notice notice-info">{t('desk.edit.draftNotice')}</p>
      <dl class="facts facts-compact">
        <div>
          <dt>{t('desk.prop.business')}</dt>
          <dd>{p.business_name}</dd>
        </div>
        <div>
          <dt>{t('desk.prop.kind')}</dt>
          <dd>
            {kindLabel(p.kind)}
            {p.challenge ? `：${p.challenge.title ?? ''}` : p.policy_field ? `：${p.policy_field}` : ''}
          </dd>
        </div>
      </dl>
      <section aria-labelledby="ed-basic" class="panel">
        <h2 id="ed-basic">{t('desk.edit.basic')}</h2>
        <form class="form" noValidate onSubmit={onSave} ref={form.formRef}>
          <FormMessages form={form} idPrefix={P} />
          <Field form={form} idPrefix={P} name="title" label={t('desk.prop.title')} hint={t('desk.prop.publicHint')} value={title} onInput={setTitle} required maxLength={200} />
          <Field form={form} idPrefix={P} name="summary" label={t('desk.prop.summary')} hint={t('desk.prop.summaryHint')} value={summary} onInput={setSummary} multiline rows={6} maxLength={4000} />
          <SubmitButton form={form} label={t('desk.edit.save')} variant="secondary" />
        </form>
      </section>
      <section aria-labelledby="ed-docs" class="panel">
        <h2 id="ed-docs">{t('desk.docs.title2')}</h2>
        <p>{t('desk.docs.lead')}</p>
        <DocumentList slug={slug} p={p} canAttach onChange={prop.reload} />
        <h3>{t('desk.docs.addTitle')}</h3>
        <AddDocumentForm slug={slug} proposalId={p.id} onAdded={prop.reload} />
      </section>
      <section aria-labelledby="ed-submit" class="panel">
        <h2 id="ed-submit">{t('desk.submit.title')}</h2>
        <p>{t('desk.submit.lead', { days: overview.data.answer_days })}</p>
        <SubmitForm slug={slug} p={p} terms={overview.data.terms.text} />
      </section>
    </>
  );
}

function Timeline({ events }: { events: Proposal['events'] }) {
  if (!events || !events.length) return <p>{t('desk.timeline.none')}</p>;
  return (
    <ol class="desk-timeline">
      {events.map((e, i) => (
        <li key={e.id ?? i}>
          <p class="desk-timeline-head">
            <Time ms={e.at} /> <strong>{eventLabel(e.move)}</strong>
            <span class="muted">
              {' '}
              {t('desk.timeline.stages', { from: stageLabel(e.from), to: stageLabel(e.to) })}・{roleLabel(e.actor_role)}
            </span>
          </p>
          {e.decision && (
            <p>
              <span class="desk-label">{t('desk.prop.decision')}</span>
              {decisionLabel(e.decision)}
            </p>
          )}
          {e.reason && (
            <p class="desk-pre">
              <span class="desk-label">{t('desk.timeline.reason')}</span>
              {e.reason}
            </p>
          )}
        </li>
      ))}
    </ol>
  );
}

function PublicRecord({ slug, p }: { slug: string; p: Proposal }) {
  return (
    <dl class="facts">
      <div>
        <dt>{t('desk.prop.business')}</dt>
        <dd>{p.business_name}</dd>
      </div>
      <div>
        <dt>{t('desk.prop.kind')}</dt>
        <dd>
          {kindLabel(p.kind)}
          {p.challenge && p.challenge.title && (
            <>
              {'：'}
              <a href={`${deskPage(slug)}/challenges/${p.challenge.id}`}>{p.challenge.title}</a>
            </>
          )}
          {!p.challenge && p.policy_field && `：${p.policy_field}`}
        </dd>
      </div>
      <div>
        <dt>{t('desk.prop.stage')}</dt>
        <dd>
          <StageBadge stage={p.stage} overdue={p.overdue} />
        </dd>
      </div>
      <div>
        <dt>{t('desk.prop.submitted')}</dt>
        <dd>
          <DateOnly ms={p.submitted_at} />
        </dd>
      </div>
      <div>
        <dt>{t('desk.prop.due')}</dt>
        <dd>
          <DateOnly ms={p.answer_due_at} />
        </dd>
      </div>
      {p.decision && (
        <div>
          <dt>{t('desk.prop.decision')}</dt>
          <dd>
            <strong>{decisionLabel(p.decision)}</strong>（<DateOnly ms={p.decided_at} />）
            {p.decision_reason && <p class="desk-pre desk-dd-text">{p.decision_reason}</p>}
          </dd>
        </div>
      )}
      {p.selection_method && (
        <div>
          <dt>{t('desk.prop.method')}</dt>
          <dd>
            {methodLabel(p.selection_method)}
            {p.selection_grounds && <p class="desk-pre desk-dd-text">{p.selection_grounds}</p>}
          </dd>
        </div>
      )}
      {p.closed_at && (
        <div>
          <dt>{t('desk.prop.closed')}</dt>
          <dd>
            <DateOnly ms={p.closed_at} />
          </dd>
        </div>
      )}
    </dl>
  );
}

function MovesForm({ slug, p, onMoved, onStale }: { slug: string; p: Proposal; onMoved: (np: Proposal) => void; onStale: () => void }) {
  const moves = (p.allowed_moves ?? []).filter((m) => m !== 'submit');
  const form = useForm();
  const [move, setMove] = useState('');
  const [reason, setReason] = useState('');
  const [decision, setDecision] = useState('');
  const [method, setMethod] = useState('');
  const [allowedNow, setAllowedNow] = useState<string[] | null>(null);
  const P = 'move';
  if (!moves.length) return <p>{t('desk.moves.none')}</p>;
  const needReason = REASON_MOVES.includes(move);
  function onSubmit(e: Event) {
    e.preventDefault();
    setAllowedNow(null);
    void form.run(async () => {
      if (!move) throw new ApiError(400, t('desk.moves.choose'), { code: 'validation', field: 'move' });
      if (move === 'decide' && !decision) throw new ApiError(400, t('desk.moves.chooseDecision'), { code: 'validation', field: 'decision' });
      if (move === 'start_selection' && !method) throw new ApiError(400, t('desk.moves.chooseMethod'), { code: 'validation', field: 'selection_method' });
      if (needReason && !reason.trim()) throw new ApiError(400, t('desk.moves.reasonRequired'), { code: 'validation', field: 'reason' });
      try {
        const np = await api<Proposal>('POST', `${deskApi(slug)}/proposals/${p.id}/moves`, {
          move,
          ...(reason.trim() ? { reason } : {}),
          ...(move === 'decide' ? { decision } : {}),
          ...(move === 'start_selection' ? { selection_method: method } : {}),
        });
        const done = t('desk.moves.done', { move: moveLabel(move), stage: stageLabel(np.stage) });
        setMove('');
        setReason('');
        setDecision('');
        setMethod('');
        onMoved(np);
        return done;
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) {
          const allowed = (err.problem as (Problem & { allowed_moves?: string[] }) | undefined)?.allowed_moves;
          if (allowed) setAllowedNow(allowed);
          // Someone else moved it meanwhile: show the stage and the moves as they are now.
          onStale();
        }
        throw err;
      }
    });
  }
  const radio = (name: string, value: string, current: string, set: (v: string) => void, labelText: string, first: boolean) => (
    <label class="desk-choice" key={value}>
      <input type="radio" name={name} id={first ? `${P}-${name}` : undefined} value={value} checked={current === value} onChange={() => set(value)} /> {labelText}
    </label>
  );
  const moveErr = form.fieldError('move');
  const decErr = form.fieldError('decision');
  const methErr = form.fieldError('selection_method');
  return (
    <form class="form" noValidate onSubmit={onSubmit} ref={form.formRef}>
      <FormMessages form={form} idPrefix={P} />
      {allowedNow && (
        <p class="notice notice-info">{allowedNow.length ? t('desk.moves.allowedNow', { moves: allowedNow.map(moveLabel).join('、') }) : t('desk.moves.noneNow')}</p>
      )}
      <fieldset class={`desk-fieldset${moveErr ? ' field-invalid' : ''}`}>
        <legend>{t('desk.moves.which')}</legend>
        {moveErr && <p class="field-error">{moveErr}</p>}
        <div class="desk-choices desk-choices-stack">{moves.map((m, i) => radio('move', m, move, setMove, moveLabel(m), i === 0))}</div>
      </fieldset>
      {move === 'decide' && (
        <fieldset class={`desk-fieldset${decErr ? ' field-invalid' : ''}`}>
          <legend>
            {t('desk.moves.decision')} <span class="req">{t('common.required')}</span>
          </legend>
          {decErr && <p class="field-error">{decErr}</p>}
          <div class="desk-choices desk-choices-stack">{DECISIONS.map((d, i) => radio('decision', d, decision, setDecision, decisionLabel(d), i === 0))}</div>
        </fieldset>
      )}
      {move === 'start_selection' && (
        <fieldset class={`desk-fieldset${methErr ? ' field-invalid' : ''}`}>
          <legend>
            {t('desk.moves.method')} <span class="req">{t('common.required')}</span>
          </legend>
          {methErr && <p class="field-error">{methErr}</p>}
          <div class="desk-choices desk-choices-stack">{METHODS.map((d, i) => radio('selection_method', d, method, setMethod, methodLabel(d), i === 0))}</div>
        </fieldset>
      )}
      {move && (
        <Field
          form={form}
          idPrefix={P}
          name="reason"
          label={move === 'start_selection' ? t('desk.moves.grounds') : t('desk.moves.reason')}
          hint={t('desk.moves.reasonHint')}
          value={reason}
          onInput={setReason}
          multiline
          rows={4}
          maxLength={4000}
          required={needReason}
        />
      )}
      <SubmitButton form={form} label={t('desk.moves.submit')} />
    </form>
  );
}

/** Officer, answer deadline and whom the proposal waits for (the desk). */
export function AssignmentForm({ slug, p, onSaved }: { slug: string; p: Proposal; onSaved: (np: Proposal) => void }) {
  const form = useForm();
  const [officer, setOfficer] = useState(p.assigned_officer ? String(p.assigned_officer.id) : '0');
  const [due, setDue] = useState(msToDateInput(p.answer_due_at));
  const [waiting, setWaiting] = useState(p.waiting_on ?? 'desk');
  useEffect(() => {
    setOfficer(p.assigned_officer ? String(p.assigned_officer.id) : '0');
    setDue(msToDateInput(p.answer_due_at));
    setWaiting(p.waiting_on ?? 'desk');
  }, [p.id]);
  const P = `assign-${p.id}`;
  const officers = p.desk_officers ?? (p.assigned_officer ? [p.assigned_officer] : []);
  function onSubmit(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      const ms = due ? dateInputToMs(due) : null;
      if (due && ms === null) throw new ApiError(400, t('desk.assign.badDate'), { code: 'validation', field: 'answer_due_at' });
      const np = await api<Proposal>('PUT', `${deskApi(slug)}/proposals/${p.id}/assignment`, {
        assigned_officer_id: Number(officer),
        waiting_on: waiting,
        ...(ms ? { answer_due_at: ms } : {}),
      });
      onSaved(np);
      return t('desk.assign.saved');
    });
  }
  return (
    <form class="form" noValidate onSubmit={onSubmit} ref={form.formRef}>
      <FormMessages form={form} idPrefix={P} />
      <SelectField
        form={form}
        idPrefix={P}
        name="assigned_officer_id"
        label={t('desk.assign.officer')}
        value={officer}
        onChange={setOfficer}
        options={[{ value: '0', label: t('desk.assign.unassigned') }, ...officers.map((o) => ({ value: String(o.id), label: o.name }))]}
      />
      <Field form={form} idPrefix={P} name="answer_due_at" type="date" label={t('desk.prop.due')} hint={t('desk.assign.dueHint')} value={due} onInput={setDue} />
      <SelectField
        form={form}
        idPrefix={P}
        name="waiting_on"
        label={t('desk.assign.waiting')}
        value={waiting}
        onChange={setWaiting}
        options={['desk', 'proposer', 'department', 'none'].map((w) => ({ value: w, label: waitingLabel(w) }))}
      />
      <SubmitButton form={form} label={t('desk.assign.save')} variant="secondary" />
    </form>
  );
}

function Dialogue({ slug, p }: { slug: string; p: Proposal }) {
  const msgs = useAsync(() => api<{ items: Message[] }>('GET', `${deskApi(slug)}/proposals/${p.id}/messages`), [slug, p.id]);
  const form = useForm();
  const [body, setBody] = useState('');
  const P = 'msg';
  function onSubmit(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      if (!body.trim()) throw new ApiError(400, t('desk.dialogue.empty'), { code: 'validation', field: 'body' });
      await api('POST', `${deskApi(slug)}/proposals/${p.id}/messages`, { body });
      setBody('');
      msgs.reload();
      return t('desk.dialogue.sent');
    });
  }
  return (
    <>
      {msgs.loading && !msgs.data && <Loading />}
      {msgs.error && <ErrorBox>{msgs.error.message}</ErrorBox>}
      {msgs.data &&
        (msgs.data.items.length ? (
          <ol class="desk-thread">
            {msgs.data.items.map((m) => (
              <li key={m.id} class={`desk-msg desk-msg-${m.author_role}`}>
                <p class="desk-msg-head">
                  <strong>{m.author_name || t('desk.dialogue.someone')}</strong>
                  <span class="badge">{roleLabel(m.author_role)}</span> <Time ms={m.created_at} />
                </p>
                <p class="desk-pre">{m.body}</p>
              </li>
            ))}
          </ol>
        ) : (
          <p>{t('desk.dialogue.none')}</p>
        ))}
      {CLOSED.includes(p.stage) ? (
        <p class="muted">{t('desk.dialogue.closed')}</p>
      ) : (
        <form class="form" noValidate onSubmit={onSubmit} ref={form.formRef}>
          <FormMessages form={form} idPrefix={P} />
          <Field form={form} idPrefix={P} name="body" label={t('desk.dialogue.body')} value={body} onInput={setBody} multiline rows={4} maxLength={8000} required />
          <SubmitButton form={form} label={t('desk.dialogue.send')} />
        </form>
      )}
    </>
  );
}

function Meetings({ slug, p, canRecord }: { slug: string; p: Proposal; canRecord: boolean }) {
  const list = useAsync(() => api<{ items: Meeting[] }>('GET', `${deskApi(slug)}/proposals/${p.id}/meetings`), [slug, p.id]);
  const form = useForm();
  const [held, setHeld] = useState(msToLocalInput(Date.now()));
  const [attendees, setAttendees] = useState('');
  const [notes, setNotes] = useState('');
  const [kind, setKind] = useState('dialogue');
  const P = 'meet';
  function onSubmit(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      const ms = localInputToMs(held);
      if (ms === null) throw new ApiError(400, t('desk.meetings.badDate'), { code: 'validation', field: 'held_at' });
      await api('POST', `${deskApi(slug)}/proposals/${p.id}/meetings`, { held_at: ms, attendees, notes, kind });
      setAttendees('');
      setNotes('');
      list.reload();
      return t('desk.meetings.saved');
    });
  }
  return (
    <>
      {list.error && <ErrorBox>{list.error.message}</ErrorBox>}
      {list.data &&
        (list.data.items.length ? (
          <ul class="desk-meetings">
            {list.data.items.map((m) => (
              <li key={m.id}>
                <h3 class="desk-meeting-title">
                  <Time ms={m.held_at} /> {t(`desk.meetings.kind.${m.kind}` as MessageKey)}
                </h3>
                <p>
                  <span class="desk-label">{t('desk.meetings.attendees')}</span>
                  {m.attendees}
                </p>
                <Paragraphs text={m.notes} />
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('desk.meetings.none')}</p>
        ))}
      {canRecord && (
        <details class="desk-details">
          <summary>{t('desk.meetings.add')}</summary>
          <form class="form" noValidate onSubmit={onSubmit} ref={form.formRef}>
            <FormMessages form={form} idPrefix={P} />
            <Field form={form} idPrefix={P} name="held_at" type="datetime-local" label={t('desk.meetings.heldAt')} value={held} onInput={setHeld} required />
            <SelectField
              form={form}
              idPrefix={P}
              name="kind"
              label={t('desk.meetings.kindLabel')}
              value={kind}
              onChange={setKind}
              options={[
                { value: 'dialogue', label: t('desk.meetings.kind.dialogue') },
                { value: 'liaison', label: t('desk.meetings.kind.liaison') },
              ]}
            />
            <Field form={form} idPrefix={P} name="attendees" label={t('desk.meetings.attendees')} hint={t('desk.meetings.attendeesHint')} value={attendees} onInput={setAttendees} required maxLength={2000} />
            <Field form={form} idPrefix={P} name="notes" label={t('desk.meetings.notes')} value={notes} onInput={setNotes} multiline rows={6} required maxLength={20000} />
            <SubmitButton form={form} label={t('desk.meetings.save')} />
          </form>
        </details>
      )}
    </>
  );
}

function Reviewers({ slug, p, onChange }: { slug: string; p: Proposal; onChange: () => void }) {
  const form = useForm();
  const [email, setEmail] = useState('');
  const [dept, setDept] = useState('');
  const [msg, setMsg] = useState<string | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const P = 'rev';
  function onSubmit(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      await api('POST', `${deskApi(slug)}/proposals/${p.id}/reviewers`, { email, department: dept });
      setEmail('');
      setDept('');
      onChange();
      return t('desk.reviewers.added');
    });
  }
  async function remove(id: number, name: string) {
    setErr(null);
    try {
      await api('DELETE', `${deskApi(slug)}/proposals/${p.id}/reviewers/${id}`);
      setMsg(t('desk.reviewers.removed', { name }));
      onChange();
    } catch (e) {
      setErr(errorMessage(e));
    }
  }
  const revs = p.reviewers ?? [];
  return (
    <>
      <p>{t('desk.reviewers.lead')}</p>
      {revs.length ? (
        <ul class="desk-reviewers">
          {revs.map((r) => (
            <li key={r.id}>
              <span>
                {r.name}（{r.department}）
              </span>
              <button type="button" class="btn btn-secondary btn-small" onClick={() => void remove(r.id, r.name)}>
                {t('desk.reviewers.remove', { name: r.name })}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('desk.reviewers.none')}</p>
      )}
      <Live message={msg} />
      {err && <ErrorBox>{err}</ErrorBox>}
      <form class="form" noValidate onSubmit={onSubmit} ref={form.formRef}>
        <FormMessages form={form} idPrefix={P} />
        <Field form={form} idPrefix={P} name="email" type="email" label={t('desk.reviewers.email')} hint={t('desk.reviewers.emailHint')} value={email} onInput={setEmail} required autoComplete="off" />
        <Field form={form} idPrefix={P} name="department" label={t('desk.reviewers.department')} value={dept} onInput={setDept} required maxLength={100} />
        <SubmitButton form={form} label={t('desk.reviewers.add')} variant="secondary" />
      </form>
    </>
  );
}

const LATER = ['selection', 'agreement', 'monitoring', 'completed'];

/** Links to the later parts of the workflow (selection, agreement, monitoring: desk-select) and
 * to referral and case publication (desk-reverse), each shown once its stage has been reached. */
function ProposalMore({ base, p, full, desk }: { base: string; p: Proposal; full: boolean; desk: boolean }) {
  const at = LATER.indexOf(p.stage);
  const links: [string, MessageKey][] = [];
  if (at >= 0 || (p.stage === 'ended' && p.selection_method)) links.push([`${base}/proposals/${p.id}/selection`, 'desk.prop.selection']);
  if (at >= 1) links.push([`${base}/proposals/${p.id}/agreement`, 'desk.prop.agreement']);
  if (at >= 2) links.push([`${base}/proposals/${p.id}/monitoring`, 'desk.prop.monitoring']);
  if (full && p.stage !== 'draft') links.push([`${base}/proposals/${p.id}/referral`, 'desk.prop.referral']);
  if (desk && p.stage === 'completed') links.push([`${base}/proposals/${p.id}/case`, 'desk.prop.case']);
  if (!links.length) return null;
  return (
    <section aria-labelledby="pr-more" class="panel">
      <h2 id="pr-more">{t('desk.prop.more')}</h2>
      <ul>
        {links.map(([href, key]) => (
          <li key={href}>
            <a href={href}>{t(key)}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ProposalPage({ params }: { params: Params }) {
  const slug = params.slug ?? '';
  const me = useStore(meStore);
  useMuni(slug);
  const prop = useAsync(() => getProposal(slug, params.id ?? ''), [slug, params.id, me?.id]);
  const overview = useAsync(() => getOverview(slug), [slug, me?.id]);
  const p = prop.data;
  useTitle(p ? p.title : t('desk.prop.pageTitle'));
  if (prop.error) return prop.error.status === 404 ? <NotFound /> : <ErrorBox title={t('common.error')}>{prop.error.message}</ErrorBox>;
  if (!p)
    return (
      <>
        <PageHeading>{t('desk.prop.pageTitle')}</PageHeading>
        <Loading />
      </>
    );
  const full = p.view === 'full';
  const roles = p.my_roles ?? [];
  const desk = roles.includes('desk') || !!overview.data?.desk;
  const proposer = roles.includes('proposer');
  const reviewer = roles.includes('reviewer');
  const closed = CLOSED.includes(p.stage);
  const base = deskPage(slug);
  return (
    <>
      <p class="desk-eyebrow">{t('desk.prop.eyebrow')}</p>
      <PageHeading>{p.title}</PageHeading>
      <DeskNav slug={slug} desk={desk} business={isBusiness(me)} />
      {full && (
        <div class="notice notice-warning desk-private-note">
          <p>{t('desk.prop.fullNotice')}</p>
          <p>{t('desk.prop.youAre', { roles: roles.map((r) => t(`desk.party.${r}` as MessageKey)).join('・') })}</p>
        </div>
      )}
      {p.stage === 'draft' && proposer && (
        <p class="notice notice-info">
          {t('desk.prop.draftNotice')} <a href={`${base}/proposals/${p.id}/edit`}>{t('desk.prop.toEdit')}</a>
        </p>
      )}
      <section aria-labelledby="pr-record" class="panel">
        <h2 id="pr-record">{t('desk.prop.record')}</h2>
        <PublicRecord slug={slug} p={p} />
      </section>
      <section aria-labelledby="pr-summary" class="panel">
        <h2 id="pr-summary">{t('desk.prop.summary')}</h2>
        <Paragraphs text={p.summary} />
      </section>
      <section aria-labelledby="pr-timeline" class="panel">
        <h2 id="pr-timeline">{t('desk.timeline.title')}</h2>
        <Timeline events={p.events} />
      </section>
      <ProposalMore base={base} p={p} full={full} desk={desk} />
      {full && p.stage !== 'draft' && (desk || proposer) && (p.allowed_moves ?? []).some((m) => m !== 'submit') && (
        <section aria-labelledby="pr-moves" class="panel desk-panel-action">
          <h2 id="pr-moves">{t('desk.moves.title')}</h2>
          <p>{t('desk.moves.lead')}</p>
          <MovesForm slug={slug} p={p} onMoved={(np) => prop.setData({ ...p, ...np })} onStale={prop.reload} />
        </section>
      )}
      {full && desk && p.stage !== 'draft' && (
        <section aria-labelledby="pr-assign" class="panel">
          <h2 id="pr-assign">{t('desk.assign.title')}</h2>
          <AssignmentForm slug={slug} p={p} onSaved={(np) => prop.setData({ ...p, ...np })} />
        </section>
      )}
      <section aria-labelledby="pr-docs" class="panel">
        <h2 id="pr-docs">{full ? t('desk.docs.title2') : t('desk.docs.publicTitle')}</h2>
        <DocumentList slug={slug} p={p} canAttach={full && (proposer || desk) && !closed} onChange={prop.reload} />
        {full && (proposer || desk) && !closed && p.stage !== 'draft' && (
          <details class="desk-details">
            <summary>{t('desk.docs.addTitle')}</summary>
            <AddDocumentForm slug={slug} proposalId={p.id} onAdded={prop.reload} />
          </details>
        )}
      </section>
      {full && p.stage !== 'draft' && (
        <>
          <section aria-labelledby="pr-dialogue" class="panel">
            <h2 id="pr-dialogue">{t('desk.dialogue.title')}</h2>
            <p class="hint">{t('desk.dialogue.lead')}</p>
            <Dialogue slug={slug} p={p} />
          </section>
          <section aria-labelledby="pr-meetings" class="panel">
            <h2 id="pr-meetings">{t('desk.meetings.title')}</h2>
            <Meetings slug={slug} p={p} canRecord={desk || reviewer} />
          </section>
          {desk && (
            <section aria-labelledby="pr-reviewers" class="panel">
              <h2 id="pr-reviewers">{t('desk.reviewers.title')}</h2>
              <Reviewers slug={slug} p={p} onChange={prop.reload} />
            </section>
          )}
        </>
      )}
    </>
  );
}

export function MyProposalsPage({ params }: { params: Params }) {
  const slug = params.slug ?? '';
  const me = useStore(meStore);
  const muni = useMuni(slug);
  const list = useAsync(() => (me ? api<{ items: Proposal[] }>('GET', `${deskApi(slug)}/proposals?mine=1&limit=200`) : Promise.resolve({ items: [] as Proposal[] })), [slug, me?.id]);
  const heading = t('desk.mine.title');
  useTitle(heading);
  if (me === null) return <LoginRequired title={heading} />;
  if (muni.notFound) return <NotFound />;
  const base = deskPage(slug);
  const items = list.data?.items ?? [];
  return (
    <>
      <PageHeading>{heading}</PageHeading>
      <DeskNav slug={slug} desk={false} business={isBusiness(me)} />
      <p class="lead">{t('desk.mine.lead', { name: muni.name })}</p>
      {isBusiness(me) && (
        <p class="button-row">
          <a class="btn btn-secondary" href={base}>
            {t('desk.mine.toList')}
          </a>
          <a class="btn btn-secondary" href={`${base}/proposals/new?kind=free`}>
            {t('desk.list.freeProposal')}
          </a>
        </p>
      )}
      {(list.loading || !me) && <Loading />}
      {list.error && <ErrorBox>{list.error.message}</ErrorBox>}
      {list.data && me && (
        <TableOf
          caption={t('desk.mine.caption', { n: items.length })}
          id="mine-caption"
          rows={items}
          empty={t('desk.mine.none')}
          href={(p) => (p.stage === 'draft' ? `${base}/proposals/${p.id}/edit` : `${base}/proposals/${p.id}`)}
        />
      )}
    </>
  );
}

/** A table of proposals: title (link), kind, stage, submitted, answer due. */
export function TableOf({ caption, id, rows, empty, href }: { caption: string; id: string; rows: Proposal[]; empty: string; href: (p: Proposal) => string }) {
  if (!rows.length) return <p>{empty}</p>;
  return (
    <div class="table-wrap" role="region" aria-labelledby={id} tabIndex={0}>
      <table class="table desk-table">
        <caption id={id}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('desk.prop.title')}</th>
            <th scope="col">{t('desk.prop.kind')}</th>
            <th scope="col">{t('desk.prop.stage')}</th>
            <th scope="col">{t('desk.prop.submitted')}</th>
            <th scope="col">{t('desk.prop.due')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <tr key={p.id}>
              <th scope="row">
                <a href={href(p)}>{p.title}</a>
              </th>
              <td>{kindLabel(p.kind)}</td>
              <td>
                <StageBadge stage={p.stage} overdue={p.overdue} />
              </td>
              <td>
                <DateOnly ms={p.submitted_at} />
              </td>
              <td>
                <DateOnly ms={p.answer_due_at} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
