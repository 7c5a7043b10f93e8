// Survey list of a process and the page of one survey (description, answer form, own answer).
import { useState } from 'preact/hooks';
import { api } from '../../api';
import { ErrorBox, Live, Loading, PageHeading, Time, useTitle } from '../../components';
import { useAsync } from '../../hooks';
import { t, useLang, type MessageKey } from '../../i18n';
import type { Params } from '../../router';
import { meStore } from '../../session';
import { useStore } from '../../store';
import { AnswerForm } from './AnswerForm';
import { apiBase, pageBase, type MyResponse, type Survey } from './types';
import './surveys.css';

/** A message whose {date} is a <time> element. */
export function WithTime({ k, ms }: { k: MessageKey; ms: number }) {
  const [a, b] = t(k, { date: '\u0000' }).split('\u0000');
  return (
    <>
      {a}
      <Time ms={ms} />
      {b}
    </>
  );
}

export function stateLabel(s: Survey): string {
  return t(`surveys.state.${s.state}` as MessageKey);
}

export function SurveyList({ params }: { params: Params }) {
  useLang();
  const slug = params.slug ?? '';
  const pid = params.pid ?? '';
  const me = useStore(meStore);
  const list = useAsync(() => api<{ items: Survey[] }>('GET', apiBase(slug, pid)), [slug, pid, me?.id]);
  useTitle(t('surveys.listTitle'));
  const staff = !!me && (me.platform_admin || me.roles.some((r) => r.tenant_slug === slug && ['staff', 'facilitator', 'municipality_admin'].includes(r.role)));
  return (
    <>
      <PageHeading>{t('surveys.listTitle')}</PageHeading>
      {staff && (
        <p>
          <a class="btn btn-primary" href={`${pageBase(slug, pid)}/new`}>
            {t('surveys.create')}
          </a>
        </p>
      )}
      {list.loading && !list.data && <Loading />}
      {list.error && <ErrorBox>{list.error.message}</ErrorBox>}
      {list.data && list.data.items.length === 0 && <p>{t('surveys.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <ul class="card-list">
          {list.data.items.map((s) => (
            <li key={s.id} class="card">
              <h2 class="card-title">
                <a href={`${pageBase(slug, pid)}/${s.id}`}>{s.title}</a>
              </h2>
              <p class="card-meta">
                <span class="badge">{stateLabel(s)}</span>{' '}
                <Time ms={s.opens_at} /> 〜 <Time ms={s.closes_at} />
              </p>
              {s.results_open && (
                <p>
                  <a href={`${pageBase(slug, pid)}/${s.id}/results`}>{t('surveys.results')}</a>
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function SurveyPage({ params }: { params: Params }) {
  useLang();
  const slug = params.slug ?? '';
  const pid = params.pid ?? '';
  const sid = params.sid ?? '';
  const me = useStore(meStore);
  const base = `${apiBase(slug, pid)}/${encodeURIComponent(sid)}`;
  const page = `${pageBase(slug, pid)}/${encodeURIComponent(sid)}`;
  const sv = useAsync(() => api<Survey>('GET', base), [base, me?.id]);
  const [saved, setSaved] = useState<string | null>(null);
  const [mine, setMine] = useState<MyResponse | null | undefined>(undefined);
  const s = sv.data;
  useTitle(s ? s.title : t('surveys.listTitle'));
  if (sv.loading && !s) {
    return (
      <>
        <PageHeading>{t('surveys.listTitle')}</PageHeading>
        <Loading />
      </>
    );
  }
  if (sv.error || !s) {
    return (
      <>
        <PageHeading>{t('surveys.listTitle')}</PageHeading>
        <ErrorBox>{sv.error?.message}</ErrorBox>
      </>
    );
  }
  const my = mine === undefined ? s.my_response ?? null : mine;
  return (
    <>
      <PageHeading>{s.title}</PageHeading>
      <p class="card-meta">
        <span class="badge">{stateLabel(s)}</span> <Time ms={s.opens_at} /> 〜 <Time ms={s.closes_at} />
      </p>
      {s.description && <p class="survey-desc">{s.description}</p>}
      <p>
        <a href={pageBase(slug, pid)}>{t('surveys.back')}</a>
        {s.results_open && (
          <>
            {' ・ '}
            <a href={`${page}/results`}>{t('surveys.results')}</a>
          </>
        )}
        {s.staff && (
          <>
            {' ・ '}
            <a href={`${page}/edit`}>{t('surveys.edit')}</a>
            {s.status === 'published' && s.state !== 'closed' && (
              <>
                {' ・ '}
                <a href={`${page}/paper`}>{t('surveys.paper')}</a>
              </>
            )}
          </>
        )}
      </p>
      <Live message={saved} />
      {my && s.state === 'open' && !saved && (
        <div class="notice notice-info">
          <WithTime k="surveys.yourAnswer" ms={s.closes_at} />
        </div>
      )}
      {s.state === 'closed' && <div class="notice notice-info">{t('surveys.closedNote')}</div>}
      {s.state === 'scheduled' && (
        <div class="notice notice-info">
          <WithTime k="surveys.notOpenYet" ms={s.opens_at} />
        </div>
      )}
      {s.state === 'open' && !me && <div class="notice notice-info">{t('surveys.loginToAnswer')}</div>}
      {s.state === 'open' && me && s.eligible === false && (
        <ErrorBox title={t('surveys.notEligible')}>{s.eligibility_reason}</ErrorBox>
      )}
      {s.state === 'open' && me && s.eligible !== false && (
        <AnswerForm
          key={my ? my.updated_at : 0}
          survey={s}
          base={base}
          mode="self"
          initial={my}
          onSaved={(msg, r) => {
            setSaved(msg);
            if (r) setMine(r);
          }}
        />
      )}
    </>
  );
}
