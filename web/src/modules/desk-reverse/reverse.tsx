// Reverse proposals (逆プロポ): the public theme list with search, a theme's page (facts, result,
// follow), the business's create/edit form, publish/close, the applications and the pick; and a
// municipality desk's application form.
import { useEffect, useState } from 'preact/hooks';
import { api, errorMessage, qs, type Page } from '../../api';
import { ErrorBox, Field, FormMessages, Live, Loading, PageHeading, SelectField, SubmitButton, Time, useForm, useTitle } from '../../components';
import { loadRegions } from '../../data';
import { useAsync } from '../../hooks';
import { formatTime, t } from '../../i18n';
import { replaceQuery, useQuery, type Params } from '../../router';
import { meStore, navigateWithFlash } from '../../session';
import { useStore } from '../../store';
import { LoginRequired, NotFound } from '../../pages/NotFound';
import { POLICY_FIELDS, RT, dayJst, endOfDayJst, getTheme, type Application, type Theme } from './api';
import { Paras, ReverseNav, myOrgIds, themeStatus } from './common';
import './desk-reverse.css';

export function ReverseListPage() {
  const me = useStore(meStore);
  const query = useQuery();
  const search = query.toString();
  const [q, setQ] = useState(query.get('q') ?? '');
  const [open, setOpen] = useState(query.get('open') === '1');
  const list = useAsync(() => api<Page<Theme>>('GET', `${RT}${search ? `?${search}` : ''}`), [search, me?.id]);
  const mine = useAsync(() => (myOrgIds(me).length ? api<Page<Theme>>('GET', `${RT}?mine=1`) : Promise.resolve({ items: [] } as Page<Theme>)), [me?.id]);
  useTitle(t('desk-reverse.list.title'));
  function submit(e: Event) {
    e.preventDefault();
    replaceQuery(qs({ q: q.trim(), open: open ? '1' : '' }));
  }
  const drafts = (mine.data?.items ?? []).filter((x) => x.status === 'draft');
  return (
    <>
      <PageHeading>{t('desk-reverse.list.title')}</PageHeading>
      <ReverseNav />
      <p class="lead">{t('desk-reverse.list.lead')}</p>
      {myOrgIds(me).length > 0 && (
        <p>
          <a class="btn btn-primary" href="/desk/reverse/new">
            {t('desk-reverse.list.new')}
          </a>
        </p>
      )}
      <form class="form" role="search" onSubmit={submit}>
        <div class="field">
          <label for="dr-q">{t('desk-reverse.list.search')}</label>
          <input id="dr-q" name="q" type="search" value={q} onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <label class="dr-check">
          <input type="checkbox" name="open" checked={open} onChange={(e) => setOpen((e.currentTarget as HTMLInputElement).checked)} />
          <span>{t('desk-reverse.list.openOnly')}</span>
        </label>
        <button type="submit" class="btn btn-secondary">
          {t('desk-reverse.list.searchButton')}
        </button>
      </form>
      {list.loading && <Loading />}
      {list.error && <ErrorBox>{list.error.message}</ErrorBox>}
      {list.data && (list.data.items.length ? <ThemeCards items={list.data.items} /> : <p>{t('desk-reverse.list.empty')}</p>)}
      {drafts.length > 0 && (
        <section class="panel" aria-labelledby="dr-mine">
          <h2 id="dr-mine">{t('desk-reverse.list.mine')}</h2>
          <ThemeCards items={drafts} />
        </section>
      )}
    </>
  );
}

function ThemeCards({ items }: { items: Theme[] }) {
  return (
    <ul class="card-list">
      {items.map((th) => (
        <li key={th.id}>
          <a class="card-link" href={`/desk/reverse/${th.id}`}>
            <span class="card-title">{th.title}</span>
            <span class="card-meta">{th.business_name}</span>
            <span class="card-meta">
              {themeStatus(th)} ・ {t('desk-reverse.list.deadline', { date: formatTime(th.apply_deadline) })} ・{' '}
              {t('desk-reverse.list.count', { n: th.application_count })}
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}

export function ReverseDetailPage({ params }: { params: Params }) {
  const id = params.id ?? '';
  const me = useStore(meStore);
  const th = useAsync(() => getTheme(id), [id, me?.id]);
  useTitle(th.data?.title ?? t('desk-reverse.list.title'));
  if (th.loading && !th.data) return <Loading />;
  if (th.error?.status === 404) return <NotFound />;
  if (th.error || !th.data) return <ErrorBox>{th.error?.message}</ErrorBox>;
  const d = th.data;
  const business = d.my_roles?.includes('business') ?? false;
  return (
    <>
      <PageHeading>{d.title}</PageHeading>
      <ReverseNav />
      <dl class="facts">
        <div>
          <dt>{t('desk-reverse.theme.business')}</dt>
          <dd>{d.business_name}</dd>
        </div>
        <div>
          <dt>{t('desk-reverse.theme.status')}</dt>
          <dd>{themeStatus(d)}</dd>
        </div>
        <div>
          <dt>{t('desk-reverse.theme.deadline')}</dt>
          <dd>
            <Time ms={d.apply_deadline} />
          </dd>
        </div>
        <div>
          <dt>{t('desk-reverse.theme.target')}</dt>
          <dd>{d.target_region ? t('desk-reverse.theme.targetRegion', { name: d.target_region.name }) : t('desk-reverse.theme.targetAny')}</dd>
        </div>
        {d.period && (
          <div>
            <dt>{t('desk-reverse.theme.period')}</dt>
            <dd>{d.period}</dd>
          </div>
        )}
        {d.cost_borne && (
          <div>
            <dt>{t('desk-reverse.theme.costBorne')}</dt>
            <dd>{d.cost_borne}</dd>
          </div>
        )}
        {d.policy_field && (
          <div>
            <dt>{t('desk-reverse.theme.policyField')}</dt>
            <dd>{d.policy_field}</dd>
          </div>
        )}
        <div>
          <dt>{t('desk-reverse.theme.applications')}</dt>
          <dd>{t('desk-reverse.theme.applicationsValue', { n: d.application_count })}</dd>
        </div>
      </dl>
      {d.summary && (
        <section class="panel" aria-labelledby="dr-summary">
          <h2 id="dr-summary">{t('desk-reverse.theme.summary')}</h2>
          <Paras text={d.summary} />
        </section>
      )}
      <section class="panel" aria-labelledby="dr-offer">
        <h2 id="dr-offer">{t('desk-reverse.theme.offer')}</h2>
        <Paras text={d.offer} />
      </section>
      {d.want_to_learn && (
        <section class="panel" aria-labelledby="dr-learn">
          <h2 id="dr-learn">{t('desk-reverse.theme.wantToLearn')}</h2>
          <Paras text={d.want_to_learn} />
        </section>
      )}
      {d.picked_at && (
        <section class="panel" aria-labelledby="dr-result">
          <h2 id="dr-result">{t('desk-reverse.theme.result')}</h2>
          <dl class="facts">
            <div>
              <dt>{t('desk-reverse.theme.picked')}</dt>
              <dd>
                <ul class="plain-list">
                  {(d.picked ?? []).map((p) => (
                    <li key={p.municipality.slug}>
                      {p.proposal_id ? (
                        <a href={`/m/${p.municipality.slug}/desk/proposals/${p.proposal_id}`}>{t('desk-reverse.theme.proposalLink', { name: p.municipality.name })}</a>
                      ) : (
                        p.municipality.name
                      )}
                    </li>
                  ))}
                </ul>
              </dd>
            </div>
            <div>
              <dt>{t('desk-reverse.theme.pickReason')}</dt>
              <dd>{d.pick_reason}</dd>
            </div>
          </dl>
        </section>
      )}
      {me && d.status !== 'draft' && <FollowTheme id={d.id} following={!!d.following} />}
      {business && <BusinessPanel th={d} reload={th.reload} />}
      {!business && (d.apply_as?.length ?? 0) > 0 && <ApplyPanel th={d} reload={th.reload} />}
      <p>
        <a href="/desk/reverse">{t('desk-reverse.theme.back')}</a>
      </p>
    </>
  );
}

function FollowTheme({ id, following }: { id: number; following: boolean }) {
  const [on, setOn] = useState(following);
  const [msg, setMsg] = useState<string | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setOn(following), [following]);
  async function toggle() {
    setBusy(true);
    setErr(null);
    try {
      await api(on ? 'DELETE' : 'POST', `${RT}/${id}/follow`, on ? undefined : {});
      setMsg(on ? t('desk-reverse.theme.unfollowed') : t('desk-reverse.theme.followed'));
      setOn(!on);
    } catch (e) {
      setErr(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div class="panel">
      <button type="button" class="btn btn-secondary btn-small" aria-pressed={on ? 'true' : 'false'} disabled={busy} onClick={toggle}>
        {on ? t('desk-reverse.theme.following') : t('desk-reverse.theme.follow')}
      </button>
      <p class="hint">{t('desk-reverse.theme.followHint')}</p>
      <Live message={msg} />
      {err && <ErrorBox>{err}</ErrorBox>}
    </div>
  );
}

function appStatus(a: Application): string {
  return t(`desk-reverse.apps.status.${a.status}` as 'desk-reverse.apps.status.applied');
}

/** The business: edit, publish, close, the applications and the pick. */
function BusinessPanel({ th, reload }: { th: Theme; reload: () => void }) {
  const form = useForm();
  const pick = useForm();
  const [chosen, setChosen] = useState<number[]>([]);
  const [reason, setReason] = useState('');
  const [terms, setTerms] = useState(false);
  const apps = th.applications ?? [];
  async function status(s: 'published' | 'closed') {
    await form.run(async () => {
      await api('PUT', `${RT}/${th.id}`, { status: s });
      reload();
      return s === 'published' ? t('desk-reverse.theme.published') : t('desk-reverse.theme.closed');
    });
  }
  async function submitPick(e: Event) {
    e.preventDefault();
    const ok = await pick.run(async () => {
      await api('POST', `${RT}/${th.id}/picks`, { application_ids: chosen, reason, accept_terms: terms });
    });
    if (ok) navigateWithFlash(`/desk/reverse/${th.id}`, t('desk-reverse.pick.done'), { replace: true });
    if (ok) reload();
  }
  return (
    <>
      <section class="panel" aria-labelledby="dr-manage">
        <h2 id="dr-manage" class="visually-hidden">
          {t('desk-reverse.theme.edit')}
        </h2>
        <form ref={form.formRef} onSubmit={(e) => e.preventDefault()}>
          <FormMessages form={form} idPrefix="dr-status" />
          <div class="button-row">
            {th.status !== 'closed' && (
              <a class="btn btn-secondary" href={`/desk/reverse/${th.id}/edit`}>
                {t('desk-reverse.theme.edit')}
              </a>
            )}
            {th.status === 'draft' && (
              <button type="button" class="btn btn-primary" disabled={form.busy} onClick={() => status('published')}>
                {t('desk-reverse.theme.publish')}
              </button>
            )}
            {th.status === 'published' && !th.picked_at && (
              <button type="button" class="btn btn-secondary" disabled={form.busy} onClick={() => status('closed')}>
                {t('desk-reverse.theme.close')}
              </button>
            )}
          </div>
        </form>
      </section>
      {th.status !== 'draft' && (
        <section class="panel" aria-labelledby="dr-apps">
          <h2 id="dr-apps">{t('desk-reverse.apps.title')}</h2>
          {apps.length === 0 && <p>{t('desk-reverse.apps.none')}</p>}
          <ul class="dr-apps">
            {apps.map((a) => (
              <li key={a.id}>
                <h3>{a.municipality.name}</h3>
                <p class="card-meta">
                  {a.department} ・ {t('desk-reverse.apps.appliedAt', { date: formatTime(a.created_at) })} ・ {appStatus(a)}
                </p>
                <Paras text={a.problem_statement} />
                {a.proposal_id && (
                  <p>
                    <a href={`/m/${a.municipality.slug}/desk/proposals/${a.proposal_id}`}>{t('desk-reverse.apps.toProposal')}</a>
                  </p>
                )}
              </li>
            ))}
          </ul>
          {!th.picked_at && apps.length > 0 && (
            <form class="form" ref={pick.formRef} onSubmit={submitPick} noValidate>
              <h3>{t('desk-reverse.pick.title')}</h3>
              <p>{t('desk-reverse.pick.lead')}</p>
              <FormMessages form={pick} idPrefix="dr-pick" />
              <fieldset class="dr-fieldset" id="dr-pick-application_ids" tabIndex={-1}>
                <legend>{t('desk-reverse.pick.choose')}</legend>
                {apps.map((a) => (
                  <label class="dr-check" key={a.id}>
                    <input
                      type="checkbox"
                      name="application_ids"
                      checked={chosen.includes(a.id)}
                      onChange={(e) => {
                        const on = (e.currentTarget as HTMLInputElement).checked;
                        setChosen(on ? [...chosen, a.id] : chosen.filter((x) => x !== a.id));
                      }}
                    />
                    <span>{a.municipality.name}</span>
                  </label>
                ))}
              </fieldset>
              <Field form={pick} idPrefix="dr-pick" name="reason" label={t('desk-reverse.pick.reason')} value={reason} onInput={setReason} multiline rows={4} required maxLength={2000} />
              <label class="dr-check">
                <input type="checkbox" name="accept_terms" checked={terms} onChange={(e) => setTerms((e.currentTarget as HTMLInputElement).checked)} />
                <span>{t('desk-reverse.pick.terms')}</span>
              </label>
              <SubmitButton form={pick} label={t('desk-reverse.pick.submit')} />
            </form>
          )}
        </section>
      )}
    </>
  );
}

/** A municipality desk: its own application (create or edit). */
function ApplyPanel({ th, reload }: { th: Theme; reload: () => void }) {
  const form = useForm();
  const mine = th.my_applications ?? [];
  const options = th.apply_as ?? [];
  const [muni, setMuni] = useState(options[0]?.slug ?? '');
  const existing: Application | undefined = mine.find((a) => a.municipality.slug === muni);
  const [dept, setDept] = useState(existing?.department ?? '');
  const [ps, setPs] = useState(existing?.problem_statement ?? '');
  useEffect(() => {
    setDept(existing?.department ?? '');
    setPs(existing?.problem_statement ?? '');
  }, [muni, existing?.id]);
  async function submit(e: Event) {
    e.preventDefault();
    await form.run(async () => {
      if (existing) {
        await api('PUT', `${RT}/${th.id}/applications/${existing.id}`, { department: dept, problem_statement: ps });
        reload();
        return t('desk-reverse.apply.updated');
      }
      await api('POST', `${RT}/${th.id}/applications`, { municipality: muni, department: dept, problem_statement: ps });
      reload();
      return t('desk-reverse.apply.done');
    });
  }
  return (
    <section class="panel" aria-labelledby="dr-apply">
      <h2 id="dr-apply">{t('desk-reverse.apply.title')}</h2>
      {mine.map((a) => (
        <div class="callout" key={a.id}>
          <p>
            <strong>{t('desk-reverse.apply.mine')}</strong>（{a.municipality.name}）：{appStatus(a)}
          </p>
          {a.proposal_id && (
            <p>
              <a href={`/m/${a.municipality.slug}/desk/proposals/${a.proposal_id}`}>{t('desk-reverse.apps.toProposal')}</a>
            </p>
          )}
        </div>
      ))}
      {th.accepting ? (
        <form class="form" ref={form.formRef} onSubmit={submit} noValidate>
          <p>{t('desk-reverse.apply.lead')}</p>
          <FormMessages form={form} idPrefix="dr-apply" />
          {options.length > 1 && (
            <SelectField form={form} idPrefix="dr-apply" name="municipality" label={t('desk-reverse.apply.municipality')} value={muni} onChange={setMuni} options={options.map((m) => ({ value: m.slug, label: m.name }))} />
          )}
          {options.length === 1 && (
            <p>
              {t('desk-reverse.apply.municipality')}：{options[0].name}
            </p>
          )}
          <Field form={form} idPrefix="dr-apply" name="department" label={t('desk-reverse.apply.department')} value={dept} onInput={setDept} maxLength={100} />
          <Field form={form} idPrefix="dr-apply" name="problem_statement" label={t('desk-reverse.apply.problem')} value={ps} onInput={setPs} multiline rows={6} required maxLength={4000} />
          <SubmitButton form={form} label={existing ? t('desk-reverse.apply.update') : t('desk-reverse.apply.submit')} />
        </form>
      ) : (
        <p>{t('desk-reverse.apply.closedNote')}</p>
      )}
    </section>
  );
}

interface OrgOption {
  id: number;
  name: string;
}

export function ReverseEditPage({ params }: { params: Params }) {
  const id = params.id;
  const me = useStore(meStore);
  const form = useForm();
  const orgIds = myOrgIds(me);
  const orgs = useAsync(() => Promise.all(orgIds.map((o) => api<OrgOption>('GET', `/organizations/${o}`))), [orgIds.join(',')]);
  const regions = useAsync(() => loadRegions(), []);
  const existing = useAsync(() => (id ? getTheme(id) : Promise.resolve(null)), [id, me?.id]);
  const [f, setF] = useState({ organization_id: '', title: '', summary: '', offer: '', want_to_learn: '', period: '', cost_borne: '', policy_field: '', target_region: '', deadline: '' });
  const title = id ? t('desk-reverse.edit.titleEdit') : t('desk-reverse.edit.titleNew');
  useTitle(title);
  useEffect(() => {
    const e = existing.data;
    if (e)
      setF({
        organization_id: String(e.organization.id),
        title: e.title,
        summary: e.summary,
        offer: e.offer,
        want_to_learn: e.want_to_learn,
        period: e.period,
        cost_borne: e.cost_borne,
        policy_field: e.policy_field,
        target_region: e.target_region?.slug ?? '',
        deadline: dayJst(e.apply_deadline),
      });
  }, [existing.data?.id]);
  useEffect(() => {
    if (!id && !f.organization_id && orgs.data?.length) setF((x) => ({ ...x, organization_id: String(orgs.data![0].id) }));
  }, [orgs.data]);
  if (me === null) return <LoginRequired title={title} />;
  if (me === undefined || existing.loading || orgs.loading) return <Loading />;
  if (existing.error?.status === 404) return <NotFound />;
  if (!orgIds.length)
    return (
      <>
        <PageHeading>{title}</PageHeading>
        <p>{t('desk-reverse.edit.noOrg')}</p>
      </>
    );
  const set = (k: keyof typeof f) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  async function save(status: 'draft' | 'published' | null) {
    const deadline = endOfDayJst(f.deadline);
    const body: Record<string, unknown> = {
      title: f.title,
      summary: f.summary,
      offer: f.offer,
      want_to_learn: f.want_to_learn,
      period: f.period,
      cost_borne: f.cost_borne,
      policy_field: f.policy_field,
      target_region: f.target_region,
    };
    if (!Number.isNaN(deadline)) body.apply_deadline = deadline;
    if (status && (!id || existing.data?.status === 'draft')) body.status = status;
    let newId = id;
    const ok = await form.run(async () => {
      if (id) await api('PUT', `${RT}/${id}`, body);
      else newId = String((await api<Theme>('POST', RT, { ...body, organization_id: Number(f.organization_id) })).id);
    });
    if (ok) navigateWithFlash(`/desk/reverse/${newId}`, t('desk-reverse.edit.saved'));
  }
  const draft = !id || existing.data?.status === 'draft';
  return (
    <>
      <PageHeading>{title}</PageHeading>
      <form
        class="form"
        ref={form.formRef}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save(draft ? 'published' : null);
        }}
      >
        <FormMessages form={form} idPrefix="dr-edit" />
        {!id && (
          <SelectField form={form} idPrefix="dr-edit" name="organization_id" label={t('desk-reverse.edit.organization')} value={f.organization_id} onChange={set('organization_id')} options={(orgs.data ?? []).map((o) => ({ value: String(o.id), label: o.name }))} />
        )}
        <Field form={form} idPrefix="dr-edit" name="title" label={t('desk-reverse.edit.title')} value={f.title} onInput={set('title')} required maxLength={200} />
        <Field form={form} idPrefix="dr-edit" name="summary" label={t('desk-reverse.edit.summary')} value={f.summary} onInput={set('summary')} multiline rows={4} maxLength={4000} />
        <Field form={form} idPrefix="dr-edit" name="offer" label={t('desk-reverse.edit.offer')} hint={t('desk-reverse.edit.offerHint')} value={f.offer} onInput={set('offer')} multiline rows={4} maxLength={4000} />
        <Field form={form} idPrefix="dr-edit" name="want_to_learn" label={t('desk-reverse.edit.wantToLearn')} value={f.want_to_learn} onInput={set('want_to_learn')} multiline rows={3} maxLength={4000} />
        <Field form={form} idPrefix="dr-edit" name="period" label={t('desk-reverse.edit.period')} hint={t('desk-reverse.edit.periodHint')} value={f.period} onInput={set('period')} maxLength={200} />
        <Field form={form} idPrefix="dr-edit" name="cost_borne" label={t('desk-reverse.edit.costBorne')} value={f.cost_borne} onInput={set('cost_borne')} multiline rows={2} maxLength={1000} />
        <SelectField form={form} idPrefix="dr-edit" name="policy_field" label={t('desk-reverse.edit.policyField')} value={f.policy_field} onChange={set('policy_field')} options={[{ value: '', label: t('desk-reverse.edit.policyFieldNone') }, ...POLICY_FIELDS.map((p) => ({ value: p, label: p }))]} />
        <SelectField
          form={form}
          idPrefix="dr-edit"
          name="target_region"
          label={t('desk-reverse.edit.target')}
          value={f.target_region}
          onChange={set('target_region')}
          options={[{ value: '', label: t('desk-reverse.edit.targetAny') }, ...(regions.data ?? []).map((r) => ({ value: r.slug, label: r.name }))]}
        />
        <Field form={form} idPrefix="dr-edit" name="apply_deadline" type="date" label={t('desk-reverse.edit.deadline')} hint={t('desk-reverse.edit.deadlineHint')} value={f.deadline} onInput={set('deadline')} required />
        <div class="button-row">
          <SubmitButton form={form} label={draft ? t('desk-reverse.edit.savePublish') : t('desk-reverse.edit.save')} />
          {draft && (
            <button type="button" class="btn btn-secondary" disabled={form.busy} onClick={() => save('draft')}>
              {t('desk-reverse.edit.saveDraft')}
            </button>
          )}
        </div>
      </form>
    </>
  );
}
