// The region-wide case library (共創事例ライブラリ): list with search, a case's page, and the
// adopt form for another municipality's desk.
import { useState } from 'preact/hooks';
import { api, qs, type Page } from '../../api';
import { ErrorBox, Field, FormMessages, Live, Loading, PageHeading, SelectField, SubmitButton, Time, useForm, useTitle } from '../../components';
import { loadRegions } from '../../data';
import { useAsync } from '../../hooks';
import { t } from '../../i18n';
import { replaceQuery, useQuery, type Params } from '../../router';
import { meStore } from '../../session';
import { useStore } from '../../store';
import { NotFound } from '../../pages/NotFound';
import { casesBase, type Case } from './api';
import { Paras, ReverseNav } from './common';
import './desk-reverse.css';

function useRegionName(region: string): string {
  const regions = useAsync(() => loadRegions(), []);
  return regions.data?.find((r) => r.slug === region)?.name ?? '';
}

export function CaseListPage({ params }: { params: Params }) {
  const region = params.region ?? '';
  const query = useQuery();
  const search = query.toString();
  const [q, setQ] = useState(query.get('q') ?? '');
  const list = useAsync(() => api<Page<Case>>('GET', `${casesBase(region)}${search ? `?${search}` : ''}`), [region, search]);
  const name = useRegionName(region);
  const title = name ? t('desk-reverse.cases.titleOf', { name }) : t('desk-reverse.cases.title');
  useTitle(title);
  if (list.error?.status === 404) return <NotFound />;
  return (
    <>
      <PageHeading>{title}</PageHeading>
      <ReverseNav />
      <p class="lead">{t('desk-reverse.cases.lead')}</p>
      <form
        class="form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          replaceQuery(qs({ q: q.trim() }));
        }}
      >
        <div class="field">
          <label for="dr-cq">{t('desk-reverse.cases.search')}</label>
          <input id="dr-cq" name="q" type="search" value={q} onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <button type="submit" class="btn btn-secondary">
          {t('desk-reverse.cases.searchButton')}
        </button>
      </form>
      {list.loading && <Loading />}
      {list.error && <ErrorBox>{list.error.message}</ErrorBox>}
      {list.data &&
        (list.data.items.length ? (
          <ul class="card-list">
            {list.data.items.map((c) => (
              <li key={c.id}>
                <a class="card-link" href={`/r/${region}/desk/cases/${c.id}`}>
                  <span class="card-title">{c.title}</span>
                  <span class="card-meta">
                    {c.municipality.name} ・ {c.business_name}
                  </span>
                  <span class="card-meta">
                    {c.policy_field ? `${c.policy_field} ・ ` : ''}
                    {t('desk-reverse.cases.count', { n: c.adoption_count })}
                  </span>
                </a>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('desk-reverse.cases.empty')}</p>
        ))}
    </>
  );
}

export function CaseDetailPage({ params }: { params: Params }) {
  const region = params.region ?? '';
  const id = params.id ?? '';
  const me = useStore(meStore);
  const c = useAsync(() => api<Case>('GET', `${casesBase(region)}/${encodeURIComponent(id)}`), [region, id, me?.id]);
  // A page-level announcement: the withdraw form that succeeded is gone once the case reloads.
  const [msg, setMsg] = useState<string | null>(null);
  useTitle(c.data?.title ?? t('desk-reverse.cases.title'));
  if (c.loading && !c.data) return <Loading />;
  if (c.error?.status === 404) return <NotFound />;
  if (c.error?.status === 410)
    return (
      <>
        <PageHeading>{t('desk-reverse.cases.withdrawnTitle')}</PageHeading>
        <p class="notice notice-info">{c.error.message}</p>
        <p>
          <a href={`/r/${region}/desk/cases`}>{t('desk-reverse.cases.back')}</a>
        </p>
      </>
    );
  if (c.error || !c.data) return <ErrorBox>{c.error?.message}</ErrorBox>;
  const d = c.data;
  return (
    <>
      <PageHeading>{d.title}</PageHeading>
      <Live message={msg} />
      {d.withdrawn && (
        <p class="notice notice-info">
          {t('desk-reverse.cases.withdrawnNotice', { reason: d.withdrawn.reason })} (<Time ms={d.withdrawn.at} />)
        </p>
      )}
      <dl class="facts">
        <div>
          <dt>{t('desk-reverse.cases.municipality')}</dt>
          <dd>{d.municipality.name}</dd>
        </div>
        <div>
          <dt>{t('desk-reverse.cases.business')}</dt>
          <dd>{d.business_name}</dd>
        </div>
        {d.policy_field && (
          <div>
            <dt>{t('desk-reverse.cases.policyField')}</dt>
            <dd>{d.policy_field}</dd>
          </div>
        )}
        <div>
          <dt>{t('desk-reverse.cases.contact')}</dt>
          <dd>{d.contact_department}</dd>
        </div>
        <div>
          <dt>{t('desk-reverse.cases.published')}</dt>
          <dd>
            <Time ms={d.published_at} />
          </dd>
        </div>
      </dl>
      <section class="panel" aria-labelledby="dr-cs">
        <h2 id="dr-cs">{t('desk-reverse.cases.summary')}</h2>
        <Paras text={d.summary} />
      </section>
      {d.outcomes && (
        <section class="panel" aria-labelledby="dr-co">
          <h2 id="dr-co">{t('desk-reverse.cases.outcomes')}</h2>
          <Paras text={d.outcomes} />
        </section>
      )}
      {d.kpis && (
        <section class="panel" aria-labelledby="dr-ck">
          <h2 id="dr-ck">{t('desk-reverse.cases.kpis')}</h2>
          <Paras text={d.kpis} />
        </section>
      )}
      <section class="panel" aria-labelledby="dr-ca">
        <h2 id="dr-ca">{t('desk-reverse.cases.adoptions')}</h2>
        {d.adoptions?.length ? (
          <ul class="plain-list">
            {d.adoptions.map((a) => (
              <li key={a.municipality.slug}>
                {a.municipality.name}（<Time ms={a.adopted_at} />）
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('desk-reverse.cases.adoptionsNone')}</p>
        )}
      </section>
      <p>
        <a href={`/m/${d.municipality.slug}/desk/proposals/${d.proposal.id}`}>{t('desk-reverse.cases.record')}</a>
      </p>
      {!d.withdrawn && (d.adopt_as?.length ?? 0) > 0 && <AdoptForm c={d} region={region} reload={c.reload} />}
      {!d.withdrawn && d.can_edit && (
        <WithdrawForm
          c={d}
          region={region}
          done={(m) => {
            setMsg(m);
            c.reload();
          }}
        />
      )}
      <p>
        <a href={`/r/${region}/desk/cases`}>{t('desk-reverse.cases.back')}</a>
      </p>
    </>
  );
}

function AdoptForm({ c, region, reload }: { c: Case; region: string; reload: () => void }) {
  const form = useForm();
  const options = c.adopt_as ?? [];
  const [muni, setMuni] = useState(options[0]?.slug ?? '');
  const [dept, setDept] = useState(c.contact_department);
  const [link, setLink] = useState<string | null>(null);
  async function submit(e: Event) {
    e.preventDefault();
    await form.run(async () => {
      const r = await api<{ url: string }>('POST', `${casesBase(region)}/${c.id}/adopt`, { municipality: muni, department: dept });
      setLink(r.url);
      reload();
      return t('desk-reverse.cases.adopted');
    });
  }
  return (
    <section class="panel" aria-labelledby="dr-adopt">
      <h2 id="dr-adopt">{t('desk-reverse.cases.adoptTitle')}</h2>
      {link && (
        <p>
          <a href={link}>{t('desk-reverse.cases.adoptedLink')}</a>
        </p>
      )}
      <form class="form" ref={form.formRef} onSubmit={submit} noValidate>
        <p>{t('desk-reverse.cases.adoptLead')}</p>
        <FormMessages form={form} idPrefix="dr-adopt" />
        <SelectField form={form} idPrefix="dr-adopt" name="municipality" label={t('desk-reverse.cases.adoptMunicipality')} value={muni} onChange={setMuni} options={options.map((m) => ({ value: m.slug, label: m.name }))} />
        <Field form={form} idPrefix="dr-adopt" name="department" label={t('desk-reverse.cases.adoptDepartment')} value={dept} onInput={setDept} maxLength={100} />
        <SubmitButton form={form} label={t('desk-reverse.cases.adopt')} />
      </form>
    </section>
  );
}

/** The publishing desk takes its case out of the library, with a public reason. Final. */
function WithdrawForm({ c, region, done }: { c: Case; region: string; done: (message: string) => void }) {
  const form = useForm();
  const [reason, setReason] = useState('');
  async function submit(e: Event) {
    e.preventDefault();
    if (!window.confirm(t('desk-reverse.cases.withdrawConfirm'))) return;
    await form.run(async () => {
      await api('POST', `${casesBase(region)}/${c.id}/withdraw`, { reason });
      done(t('desk-reverse.cases.withdrawn'));
    });
  }
  return (
    <section class="panel" aria-labelledby="dr-withdraw">
      <h2 id="dr-withdraw">{t('desk-reverse.cases.withdrawTitle')}</h2>
      <form class="form" ref={form.formRef} onSubmit={submit} noValidate>
        <p>{t('desk-reverse.cases.withdrawLead')}</p>
        <FormMessages form={form} idPrefix="dr-withdraw" />
        <Field form={form} idPrefix="dr-withdraw" name="reason" label={t('desk-reverse.cases.withdrawReason')} value={reason} onInput={setReason} multiline rows={3} maxLength={1000} required />
        <SubmitButton form={form} label={t('desk-reverse.cases.withdraw')} />
      </form>
    </section>
  );
}
