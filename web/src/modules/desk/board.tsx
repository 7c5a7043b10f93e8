// The desk's dashboard (new, overdue, by officer, waiting for whom, assignment) and the public
// transparency page of a municipality (counts by stage group, answer times, overdue count, every
// proposal's public record with its decision and reason, and for those at selection or later the
// selection method, the published result, the signed agreement and its KPIs).
import { useState } from 'preact/hooks';
import { api } from '../../api';
import { ErrorBox, Loading, PageHeading, SelectField, TableWrap, useForm, useTitle } from '../../components';
import { useAsync } from '../../hooks';
import { formatNumber, t } from '../../i18n';
import type { Params } from '../../router';
import { meStore } from '../../session';
import { useStore } from '../../store';
import { Forbidden, LoginRequired, NotFound } from '../../pages/NotFound';
import { deskApi, deskPage, getOverview, getProposal, type Dashboard, type Proposal, type Transparency } from './api';
import { DateOnly, DeskNav, decisionLabel, formatDate, groupLabel, isBusiness, kindLabel, methodLabel, StageBadge, useMuni, waitingLabel } from './common';
import { AssignmentForm } from './proposals';
import './desk.css';

function Assign({ slug, items, onSaved }: { slug: string; items: Dashboard['items']; onSaved: () => void }) {
  const pick = useForm();
  const [id, setId] = useState(items[0] ? String(items[0].id) : '');
  const full = useAsync(() => (id ? getProposal(slug, id) : Promise.resolve(null)), [slug, id]);
  if (!items.length) return <p>{t('desk.dash.nothing')}</p>;
  return (
    <>
      <form class="form" noValidate onSubmit={(e) => e.preventDefault()} ref={pick.formRef}>
        <SelectField form={pick} idPrefix="dash" name="proposal" label={t('desk.dash.pick')} value={id} onChange={setId} options={items.map((p) => ({ value: String(p.id), label: `${p.title}（${p.business_name}）` }))} />
      </form>
      {full.error && <ErrorBox>{full.error.message}</ErrorBox>}
      {full.data && <AssignmentForm slug={slug} p={full.data} onSaved={(np) => { full.setData({ ...full.data!, ...np }); onSaved(); }} />}
    </>
  );
}

export function DashboardPage({ params }: { params: Params }) {
  const slug = params.slug ?? '';
  const me = useStore(meStore);
  const muni = useMuni(slug);
  const overview = useAsync(() => getOverview(slug), [slug, me?.id]);
  const dash = useAsync(() => (overview.data?.desk ? api<Dashboard>('GET', `${deskApi(slug)}/dashboard`) : Promise.resolve(null)), [slug, overview.data?.desk]);
  const heading = muni.name ? t('desk.dash.titleOf', { name: muni.name }) : t('desk.dash.title');
  useTitle(heading);
  if (me === null) return <LoginRequired title={heading} />;
  if (muni.notFound) return <NotFound />;
  if (overview.data && !overview.data.desk) return <Forbidden detail={t('desk.deskOnly')} />;
  const d = dash.data;
  const base = deskPage(slug);
  const byId = new Map((d?.items ?? []).map((p) => [p.id, p]));
  const list = (ids: number[], caption: string, cid: string, empty: string) => {
    const rows = ids.map((i) => byId.get(i)).filter((p): p is Dashboard['items'][number] => !!p);
    if (!rows.length) return <p>{empty}</p>;
    return <DashTable rows={rows} caption={caption} id={cid} base={base} />;
  };
  return (
    <>
      <PageHeading>{heading}</PageHeading>
      <DeskNav slug={slug} desk business={false} />
      {(!d || dash.loading) && !dash.error && <Loading />}
      {(dash.error || overview.error) && <ErrorBox>{(dash.error || overview.error)!.message}</ErrorBox>}
      {d && (
        <>
          <section aria-labelledby="dash-summary" class="panel">
            <h2 id="dash-summary">{t('desk.dash.summary')}</h2>
            <ul class="desk-stats">
              <li>
                <span class="desk-stat-n">{formatNumber(d.new.length)}</span>
                <span class="desk-stat-l">{t('desk.dash.new')}</span>
              </li>
              <li class={d.overdue.length ? 'desk-stat-warn' : ''}>
                <span class="desk-stat-n">{formatNumber(d.overdue.length)}</span>
                <span class="desk-stat-l">{t('desk.dash.overdue')}</span>
              </li>
              {(['desk', 'proposer', 'department'] as const).map((w) => (
                <li key={w}>
                  <span class="desk-stat-n">{formatNumber(d.waiting[w])}</span>
                  <span class="desk-stat-l">{t('desk.dash.waitingFor', { who: waitingLabel(w) })}</span>
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="dash-overdue" class="panel">
            <h2 id="dash-overdue">{t('desk.dash.overdueTitle')}</h2>
            {list(d.overdue, t('desk.dash.overdueCaption', { n: d.overdue.length }), 'dash-overdue-cap', t('desk.dash.noOverdue'))}
          </section>
          <section aria-labelledby="dash-new" class="panel">
            <h2 id="dash-new">{t('desk.dash.newTitle')}</h2>
            {list(d.new, t('desk.dash.newCaption', { n: d.new.length }), 'dash-new-cap', t('desk.dash.noNew'))}
          </section>
          <section aria-labelledby="dash-all" class="panel">
            <h2 id="dash-all">{t('desk.dash.allTitle')}</h2>
            {d.items.length ? <DashTable rows={d.items} caption={t('desk.dash.allCaption', { n: d.items.length })} id="dash-all-cap" base={base} /> : <p>{t('desk.dash.nothing')}</p>}
          </section>
          <section aria-labelledby="dash-officers" class="panel">
            <h2 id="dash-officers">{t('desk.dash.byOfficer')}</h2>
            {d.by_officer.length ? (
              <div class="table-wrap" role="region" aria-labelledby="dash-off-cap" tabIndex={0}>
                <table class="table">
                  <caption id="dash-off-cap">{t('desk.dash.byOfficerCaption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('desk.assign.officer')}</th>
                      <th scope="col" class="num">
                        {t('desk.dash.count')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.by_officer.map((o, i) => (
                      <tr key={o.officer?.id ?? `none-${i}`}>
                        <th scope="row">{o.officer ? o.name : t('desk.assign.unassigned')}</th>
                        <td class="num">{formatNumber(o.count)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : (
              <p>{t('desk.dash.nothing')}</p>
            )}
          </section>
          <section aria-labelledby="dash-assign" class="panel">
            <h2 id="dash-assign">{t('desk.assign.title')}</h2>
            <Assign slug={slug} items={d.items} onSaved={dash.reload} />
          </section>
        </>
      )}
    </>
  );
}

function DashTable({ rows, caption, id, base }: { rows: Dashboard['items']; caption: string; id: string; base: string }) {
  return (
    <div class="table-wrap" role="region" aria-labelledby={id} tabIndex={0}>
      <table class="table desk-table">
        <caption id={id}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('desk.prop.title')}</th>
            <th scope="col">{t('desk.prop.business')}</th>
            <th scope="col">{t('desk.prop.stage')}</th>
            <th scope="col">{t('desk.prop.due')}</th>
            <th scope="col">{t('desk.assign.officer')}</th>
            <th scope="col">{t('desk.assign.waiting')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <tr key={p.id}>
              <th scope="row">
                <a href={`${base}/proposals/${p.id}`}>{p.title}</a>
              </th>
              <td>{p.business_name}</td>
              <td>
                <StageBadge stage={p.stage} overdue={p.overdue} />
              </td>
              <td>
                <DateOnly ms={p.answer_due_at} />
              </td>
              <td>{p.assigned_officer ? p.assigned_officer.name : t('desk.assign.unassigned')}</td>
              <td>{waitingLabel(p.waiting_on)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The public selection and agreement of one proposal on the transparency page (board.c). */
interface PublicSelection {
  method: string;
  grounds: string;
  call: { summary: string; opens_at: number | null; closes_at: number | null } | null;
  criteria: { id: number; name: string; weight: number }[];
  incentive: string;
  incentive_points: number;
  bid_count: number;
  published_at: number | null;
  result: {
    published_at: number;
    awarded_business_name: string | null;
    ranking: { bid_id: number; business_name: string; total: number; rank: number }[];
  } | null;
}
interface PublicAgreement {
  signed_at: number;
  implementer_name: string | null;
  summary: string;
  term_start: number | null;
  term_end: number | null;
  report_count: number;
  kpis: { id: number; name: string; unit: string; target: number; latest: number | null; latest_period: string | null; achieved: boolean | null }[];
}
type TrItem = Proposal & { answer_days?: number | null; selection?: PublicSelection | null; agreement?: PublicAgreement | null };

const pts = (n: number) => formatNumber(Math.round(n * 100) / 100);

function Outcome({ p, base }: { p: TrItem; base: string }) {
  const s = p.selection;
  const a = p.agreement;
  if (!s) return null;
  const hid = `tr-out-${p.id}`;
  return (
    <article class="panel desk-outcome" aria-labelledby={hid}>
      <h3 id={hid}>
        <a href={`${base}/proposals/${p.id}`}>{p.title}</a>
      </h3>
      <dl class="facts">
        <div>
          <dt>{t('desk.prop.business')}</dt>
          <dd>{p.business_name}</dd>
        </div>
        <div>
          <dt>{t('desk.tr.method')}</dt>
          <dd>{methodLabel(s.method)}</dd>
        </div>
        {s.grounds && (
          <div>
            <dt>{t('desk.tr.grounds')}</dt>
            <dd class="desk-pre">{s.grounds}</dd>
          </div>
        )}
        {s.method !== 'negotiated' && s.call && (
          <div>
            <dt>{t('desk.tr.bids')}</dt>
            <dd>{t('desk.tr.nItems', { n: formatNumber(s.bid_count) })}</dd>
          </div>
        )}
      </dl>
      {s.method !== 'negotiated' &&
        (s.result ? (
          <>
            {s.result.awarded_business_name && (
              <p>
                {t('desk.tr.awarded')}：<strong>{s.result.awarded_business_name}</strong>（<DateOnly ms={s.result.published_at} />）
              </p>
            )}
            <TableWrap labelId={`${hid}-res`}>
              <table class="table desk-table-narrow">
                <caption id={`${hid}-res`}>{t('desk.tr.resultCaption', { title: p.title })}</caption>
                <thead>
                  <tr>
                    <th scope="col" class="num">
                      {t('desk.tr.rank')}
                    </th>
                    <th scope="col">{t('desk.tr.business')}</th>
                    <th scope="col" class="num">
                      {t('desk.tr.total')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {s.result.ranking.map((r) => (
                    <tr key={r.bid_id}>
                      <td class="num">{formatNumber(r.rank)}</td>
                      <th scope="row">{r.business_name}</th>
                      <td class="num">{pts(r.total)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
            <p>
              <a href={`${base}/proposals/${p.id}/selection`}>{t('desk.tr.resultLink', { title: p.title })}</a>
            </p>
          </>
        ) : (
          <p>{t('desk.tr.resultPending')}</p>
        ))}
      {a ? (
        <>
          <dl class="facts">
            <div>
              <dt>{t('desk.tr.signed')}</dt>
              <dd>
                <DateOnly ms={a.signed_at} />
              </dd>
            </div>
            {a.implementer_name && (
              <div>
                <dt>{t('desk.tr.implementer')}</dt>
                <dd>{a.implementer_name}</dd>
              </div>
            )}
            {a.summary && (
              <div>
                <dt>{t('desk.tr.agreementSummary')}</dt>
                <dd class="desk-pre">{a.summary}</dd>
              </div>
            )}
            {(a.term_start || a.term_end) && (
              <div>
                <dt>{t('desk.tr.term')}</dt>
                <dd>{t('desk.tr.termValue', { start: formatDate(a.term_start), end: formatDate(a.term_end) })}</dd>
              </div>
            )}
            <div>
              <dt>{t('desk.tr.reports')}</dt>
              <dd>{t('desk.tr.nReports', { n: formatNumber(a.report_count) })}</dd>
            </div>
          </dl>
          {a.kpis.length > 0 && (
            <TableWrap labelId={`${hid}-kpi`}>
              <table class="table desk-table-narrow">
                <caption id={`${hid}-kpi`}>{t('desk.tr.kpiCaption', { title: p.title })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('desk.tr.kpi')}</th>
                    <th scope="col" class="num">
                      {t('desk.tr.target')}
                    </th>
                    <th scope="col" class="num">
                      {t('desk.tr.latest')}
                    </th>
                    <th scope="col">{t('desk.tr.achieved')}</th>
                  </tr>
                </thead>
                <tbody>
                  {a.kpis.map((k) => (
                    <tr key={k.id}>
                      <th scope="row">{k.name}</th>
                      <td class="num">
                        {formatNumber(k.target)}
                        {k.unit}
                      </td>
                      <td class="num">
                        {k.latest === null ? (
                          t('desk.tr.noActual')
                        ) : (
                          <>
                            {formatNumber(k.latest)}
                            {k.unit}
                            {k.latest_period ? `（${k.latest_period}）` : ''}
                          </>
                        )}
                      </td>
                      <td>{k.achieved === null ? '-' : k.achieved ? t('desk.tr.achievedYes') : t('desk.tr.achievedNo')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
          <p>
            <a href={`${base}/proposals/${p.id}/agreement`}>{t('desk.tr.agreementLink', { title: p.title })}</a>
          </p>
        </>
      ) : (
        <p>{t('desk.tr.agreementPending')}</p>
      )}
    </article>
  );
}

export function TransparencyPage({ params }: { params: Params }) {
  const slug = params.slug ?? '';
  const me = useStore(meStore);
  const muni = useMuni(slug);
  const data = useAsync(() => api<Transparency>('GET', `${deskApi(slug)}/transparency`), [slug]);
  const overview = useAsync(() => getOverview(slug), [slug, me?.id]);
  const heading = muni.name ? t('desk.tr.titleOf', { name: muni.name }) : t('desk.tr.title');
  useTitle(heading);
  if (muni.notFound || data.error?.status === 404) return <NotFound />;
  const d = data.data;
  const base = deskPage(slug);
  const groups = ['agreed', 'in_talks', 'closed', 'received'] as const;
  const median = d?.median_answer_days;
  return (
    <>
      <PageHeading>{heading}</PageHeading>
      <DeskNav slug={slug} desk={!!overview.data?.desk} business={isBusiness(me)} />
      <p class="lead">{t('desk.tr.lead')}</p>
      {data.loading && <Loading />}
      {data.error && <ErrorBox>{data.error.message}</ErrorBox>}
      {d && (
        <>
          <section aria-labelledby="tr-counts" class="panel">
            <h2 id="tr-counts">{t('desk.tr.counts')}</h2>
            <div class="table-wrap" role="region" aria-labelledby="tr-counts-cap" tabIndex={0}>
              <table class="table desk-table-narrow">
                <caption id="tr-counts-cap">{t('desk.tr.countsCaption', { n: d.total })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('desk.tr.group')}</th>
                    <th scope="col" class="num">
                      {t('desk.tr.count')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {groups.map((g) => (
                    <tr key={g}>
                      <th scope="row">{groupLabel(g)}</th>
                      <td class="num">{t('desk.tr.nItems', { n: formatNumber(d.counts[g]) })}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <dl class="facts">
              <div>
                <dt>{t('desk.tr.median')}</dt>
                <dd>{median === null || median === undefined ? t('desk.tr.noAnswers') : t('desk.tr.days', { n: formatNumber(median) })}</dd>
              </div>
              <div>
                <dt>{t('desk.tr.answered')}</dt>
                <dd>{t('desk.tr.answeredValue', { n: formatNumber(d.answered), on: formatNumber(d.answered_on_time) })}</dd>
              </div>
              <div>
                <dt>{t('desk.tr.overdue')}</dt>
                <dd>{t('desk.tr.nItems', { n: formatNumber(d.overdue) })}</dd>
              </div>
            </dl>
          </section>
          <section aria-labelledby="tr-records" class="panel">
            <h2 id="tr-records">{t('desk.tr.records')}</h2>
            {d.items.length === 0 ? (
              <p>{t('desk.tr.none')}</p>
            ) : (
              <div class="table-wrap" role="region" aria-labelledby="tr-rec-cap" tabIndex={0}>
                <table class="table desk-table desk-table-wide">
                  <caption id="tr-rec-cap">{t('desk.tr.recordsCaption', { n: d.items.length })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('desk.prop.title')}</th>
                      <th scope="col">{t('desk.prop.business')}</th>
                      <th scope="col">{t('desk.prop.kind')}</th>
                      <th scope="col">{t('desk.prop.submitted')}</th>
                      <th scope="col">{t('desk.prop.stage')}</th>
                      <th scope="col">{t('desk.tr.decisionReason')}</th>
                      <th scope="col" class="num">
                        {t('desk.tr.answerDays')}
                      </th>
                      <th scope="col">{t('desk.prop.method')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {(d.items as TrItem[]).map((p) => (
                      <tr key={p.id}>
                        <th scope="row">
                          <a href={`${base}/proposals/${p.id}`}>{p.title}</a>
                        </th>
                        <td>{p.business_name}</td>
                        <td>
                          {kindLabel(p.kind)}
                          {p.policy_field && !p.challenge ? `（${p.policy_field}）` : ''}
                        </td>
                        <td>
                          <DateOnly ms={p.submitted_at} />
                        </td>
                        <td>
                          <StageBadge stage={p.stage} overdue={p.overdue} />
                        </td>
                        <td>
                          {p.decision ? (
                            <>
                              <strong>{decisionLabel(p.decision)}</strong>（<DateOnly ms={p.decided_at} />）
                              {p.decision_reason && <span class="desk-cell-text">{p.decision_reason}</span>}
                            </>
                          ) : (
                            t('desk.tr.undecided')
                          )}
                        </td>
                        <td class="num">{p.answer_days === null || p.answer_days === undefined ? '-' : t('desk.tr.days', { n: formatNumber(p.answer_days) })}</td>
                        <td>{p.selection_method ? methodLabel(p.selection_method) : t('desk.none')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section aria-labelledby="tr-outcomes" class="panel">
            <h2 id="tr-outcomes">{t('desk.tr.outcomes')}</h2>
            <p>{t('desk.tr.outcomesLead')}</p>
            {(d.items as TrItem[]).some((p) => p.selection) ? (
              (d.items as TrItem[]).filter((p) => p.selection).map((p) => <Outcome key={p.id} p={p} base={base} />)
            ) : (
              <p>{t('desk.tr.outcomesNone')}</p>
            )}
          </section>
        </>
      )}
    </>
  );
}
