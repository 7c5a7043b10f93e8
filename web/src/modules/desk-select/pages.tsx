// Selection of the implementer (実施者選定), agreement (協定) and monitoring (モニタリング) of a
// co-creation project, and the public call page. API: docs/api.md "Selection, agreement,
// monitoring, OCDS" (GET/PUT …/desk/proposals/{id}/selection, …/agreement, …/monitoring,
// GET …/desk/calls). Confidential content never comes to these pages for outsiders: the server
// decides what each user sees; the pages show what they get.
import { useState } from 'preact/hooks';
import { api } from '../../api';
import { ErrorBox, Field, FormMessages, Loading, PageHeading, SelectField, SubmitButton, TableWrap, useForm, useTitle } from '../../components';
import { useAsync } from '../../hooks';
import { formatNumber, t, useLang } from '../../i18n';
import type { Params } from '../../router';
import { meStore } from '../../session';
import { useStore } from '../../store';
import { NotFound } from '../../pages/NotFound';
import { deskApi, deskPage } from '../desk/api';
import { DateOnly, DeskNav, formatDate, methodLabel, orgIds, Paragraphs, StageBadge, useMuni } from '../desk/common';
import './desk-select.css';

interface Criterion {
  id: number;
  name: string;
  weight: number;
}
interface RankRow {
  bid_id: number;
  business_name: string;
  original_proposer: boolean;
  criteria: { criterion_id: number; name: string; weight: number; points: number }[];
  subtotal: number;
  incentive_points: number;
  total: number;
  rank: number;
}
interface BidDoc {
  id: number;
  title: string;
  body: string;
  visibility: string;
}
interface Bid {
  id: number;
  organization_id: number;
  business_name: string;
  original_proposer: boolean;
  summary: string;
  documents?: BidDoc[];
}
interface Selection {
  proposal_id: number;
  title: string;
  stage: string;
  method: string;
  grounds: string;
  business_name: string;
  view: 'public' | 'desk' | 'evaluator';
  call: { summary: string; opens_at: number | null; closes_at: number | null; open: boolean; closed: boolean } | null;
  criteria: Criterion[];
  incentive: string;
  incentive_points: number;
  bid_count: number;
  published_at: number | null;
  result: { awarded_business_name: string | null; criteria: Criterion[]; ranking: RankRow[] } | null;
  evaluation?: { evaluators: number; active: number; submitted: number };
  evaluators?: { user_id: number; name: string; declared_at: number | null; recused: boolean; submitted_at: number | null }[];
  evaluator_candidates?: { user_id: number; name: string }[];
  bids?: Bid[];
  scores_visible?: boolean;
  ranking?: RankRow[] | null;
  me?: { declared: boolean; recused: boolean; submitted: boolean; scores: { bid_id: number; criterion_id: number; score: number }[] };
  my_bids?: Bid[];
  may_publish?: boolean;
}
interface Call {
  proposal_id: number;
  title: string;
  summary: string;
  proposer_name: string;
  method: string;
  call_summary: string;
  opens_at: number;
  closes_at: number;
  incentive: string;
  incentive_points: number;
  criteria: Criterion[];
}
interface Kpi {
  id: number;
  name: string;
  unit: string;
  target: number;
  reporting_dates: number[];
  actuals?: { report_id: number; period: string; period_end: number; actual: number }[];
  latest?: number | null;
  achieved?: boolean | null;
}
interface Doc {
  id: number;
  title: string;
  body: string;
  visibility: string;
}
interface Agreement {
  proposal_id: number;
  title: string;
  stage: string;
  view: 'public' | 'full';
  implementer_name: string | null;
  signed_at: number | null;
  summary: string;
  term_start: number | null;
  term_end: number | null;
  parties: { id: number; kind: string; name: string; role: string; responsibility: string }[];
  kpis: Kpi[];
  documents: Doc[];
  may_edit: boolean;
}
interface Monitoring {
  proposal_id: number;
  title: string;
  stage: string;
  view: 'public' | 'full';
  kpis: Kpi[];
  reports: { id: number; period: string; period_end: number; narrative: string; actuals: { kpi_id: number; actual: number }[] }[];
  decisions: { move: string; to: string; reason: string; at: number }[];
  liaison_meeting_count: number;
  liaison_meetings?: { id: number; held_at: number; attendees: string; notes: string }[];
  documents: Doc[];
  may_report: boolean;
}

const propApi = (slug: string, id: string) => `${deskApi(slug)}/proposals/${encodeURIComponent(id)}`;
const propPage = (slug: string, id: string) => `${deskPage(slug)}/proposals/${encodeURIComponent(id)}`;
const pts = (n: number) => formatNumber(Math.round(n * 100) / 100);

/** Milliseconds from a date input ("2027-03-31", Japan time midnight); NaN when empty. */
function dateMs(v: string): number {
  return v ? Date.parse(`${v}T00:00:00+09:00`) : NaN;
}
function dateTimeMs(v: string): number {
  return v ? Date.parse(`${v}:00+09:00`) : NaN;
}
function localDateTime(ms: number | null | undefined): string {
  if (!ms) return '';
  return new Date(ms + 9 * 3600000).toISOString().slice(0, 16);
}

function ProjectLinks({ slug, id, current }: { slug: string; id: string; current: 'selection' | 'agreement' | 'monitoring' }) {
  const base = propPage(slug, id);
  const links: [string, string][] = [
    [base, t('desk-select.link.proposal')],
    [`${base}/selection`, t('desk-select.link.selection')],
    [`${base}/agreement`, t('desk-select.link.agreement')],
    [`${base}/monitoring`, t('desk-select.link.monitoring')],
  ];
  return (
    <nav class="dsel-links" aria-label={t('desk-select.sel.links')}>
      <ul>
        {links.map(([href, label], i) => (
          <li key={href}>
            <a href={href} aria-current={(i === 1 && current === 'selection') || (i === 2 && current === 'agreement') || (i === 3 && current === 'monitoring') ? 'page' : undefined}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function CriteriaTable({ criteria, id }: { criteria: Criterion[]; id: string }) {
  return (
    <TableWrap labelId={id}>
      <table>
        <caption id={id}>{t('desk-select.sel.criteria')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('desk-select.sel.criterion')}</th>
            <th scope="col">{t('desk-select.sel.weight')}</th>
          </tr>
        </thead>
        <tbody>
          {criteria.map((c) => (
            <tr key={c.id}>
              <th scope="row">{c.name}</th>
              <td class="num">{t('desk-select.sel.points', { n: formatNumber(c.weight) })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function RankingTable({ rows, criteria, id }: { rows: RankRow[]; criteria: Criterion[]; id: string }) {
  return (
    <TableWrap labelId={id}>
      <table>
        <caption id={id}>{t('desk-select.sel.rankCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('desk-select.sel.rank')}</th>
            <th scope="col">{t('desk-select.sel.business')}</th>
            {criteria.map((c) => (
              <th scope="col" key={c.id}>
                {c.name}（{formatNumber(c.weight)}）
              </th>
            ))}
            <th scope="col">{t('desk-select.sel.bonus')}</th>
            <th scope="col">{t('desk-select.sel.total')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.bid_id}>
              <td class="num">{formatNumber(r.rank)}</td>
              <th scope="row">
                {r.business_name}
                {r.original_proposer ? t('desk-select.sel.original') : ''}
              </th>
              {criteria.map((c) => (
                <td class="num" key={c.id}>
                  {pts(r.criteria.find((x) => x.criterion_id === c.id)?.points ?? 0)}
                </td>
              ))}
              <td class="num">{pts(r.incentive_points)}</td>
              <td class="num">
                <strong>{pts(r.total)}</strong>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** GET /m/:slug/desk/calls - the public call page. */
export function CallsPage({ params }: { params: Params }) {
  const slug = params.slug ?? '';
  useLang();
  const muni = useMuni(slug);
  const calls = useAsync(() => api<{ items: Call[] }>('GET', `${deskApi(slug)}/calls`), [slug]);
  const heading = muni.name ? t('desk-select.calls.titleOf', { name: muni.name }) : t('desk-select.calls.title');
  useTitle(heading);
  if (muni.notFound) return <NotFound />;
  return (
    <>
      <PageHeading>{heading}</PageHeading>
      <DeskNav slug={slug} desk={false} business={false} />
      <p>{t('desk-select.calls.intro')}</p>
      {calls.loading && <Loading />}
      {calls.error && <ErrorBox>{calls.error.message}</ErrorBox>}
      {calls.data && !calls.data.items.length && <p>{t('desk-select.calls.none')}</p>}
      {calls.data && calls.data.items.length > 0 && (
        <ul class="dsel-cards">
          {calls.data.items.map((c) => (
            <li key={c.proposal_id} class="panel">
              <h2>
                <a href={`${propPage(slug, String(c.proposal_id))}/selection`}>{c.title}</a>
              </h2>
              <dl class="dsel-dl">
                <dt>{t('desk-select.sel.method')}</dt>
                <dd>{methodLabel(c.method)}</dd>
                <dt>{t('desk-select.calls.proposer')}</dt>
                <dd>{c.proposer_name}</dd>
                <dt>{t('desk-select.calls.closes')}</dt>
                <dd>
                  <DateOnly ms={c.closes_at} />
                </dd>
                {c.incentive_points > 0 && (
                  <>
                    <dt>{t('desk-select.sel.incentive')}</dt>
                    <dd>
                      {t('desk-select.sel.points', { n: formatNumber(c.incentive_points) })} {c.incentive}
                    </dd>
                  </>
                )}
                <dt>{t('desk-select.sel.criteria')}</dt>
                <dd>{c.criteria.map((x) => `${x.name} ${formatNumber(x.weight)}`).join('、')}</dd>
              </dl>
              <Paragraphs text={c.call_summary || c.summary} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function BidForm({ slug, id, onDone }: { slug: string; id: string; onDone: () => void }) {
  const me = useStore(meStore);
  const orgs = orgIds(me);
  const form = useForm();
  const [org, setOrg] = useState(orgs[0] ? String(orgs[0]) : '');
  const [summary, setSummary] = useState('');
  const names = useAsync(() => Promise.all(orgs.map((o) => api<{ id: number; name: string }>('GET', `/organizations/${o}`))), [orgs.join(',')]);
  if (!orgs.length) return null;
  return (
    <section aria-labelledby="bid-h" class="panel">
      <h2 id="bid-h">{t('desk-select.bid.title')}</h2>
      <form
        class="form"
        noValidate
        ref={form.formRef}
        onSubmit={async (e) => {
          e.preventDefault();
          const ok = await form.run(async () => {
            await api('POST', `${propApi(slug, id)}/selection/bids`, { organization_id: Number(org), summary });
            return t('desk-select.bid.done');
          });
          if (ok) onDone();
        }}
      >
        <FormMessages form={form} idPrefix="bid" />
        <SelectField form={form} idPrefix="bid" name="organization_id" label={t('desk-select.bid.org')} value={org} onChange={setOrg} options={orgs.map((o) => ({ value: String(o), label: names.data?.find((x) => x.id === o)?.name ?? `#${o}` }))} />
        <Field form={form} idPrefix="bid" name="summary" label={t('desk-select.bid.summary')} value={summary} onInput={setSummary} multiline required maxLength={4000} />
        <SubmitButton form={form} label={t('desk-select.bid.submit')} />
      </form>
    </section>
  );
}

function BidDocForm({ slug, id, bid, onDone }: { slug: string; id: string; bid: Bid; onDone: () => void }) {
  const form = useForm();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [vis, setVis] = useState('public');
  const [why, setWhy] = useState('');
  const p = `bd${bid.id}`;
  return (
    <form
      class="form"
      noValidate
      ref={form.formRef}
      onSubmit={async (e) => {
        e.preventDefault();
        const ok = await form.run(async () => {
          await api('POST', `${propApi(slug, id)}/selection/bids/${bid.id}/documents`, {
            title,
            body,
            visibility: vis,
            ...(vis === 'confidential' ? { confidentiality_reason: why } : {}),
          });
          return t('desk-select.bid.docDone');
        });
        if (ok) {
          setTitle('');
          setBody('');
          setWhy('');
          onDone();
        }
      }}
    >
      <FormMessages form={form} idPrefix={p} />
      <Field form={form} idPrefix={p} name="title" label={t('desk-select.bid.docTitle')} value={title} onInput={setTitle} required maxLength={200} />
      <Field form={form} idPrefix={p} name="body" label={t('desk-select.bid.docBody')} value={body} onInput={setBody} multiline />
      <SelectField form={form} idPrefix={p} name="visibility" label={t('desk-select.bid.visibility')} value={vis} onChange={setVis} options={[{ value: 'public', label: t('desk-select.bid.public') }, { value: 'confidential', label: t('desk-select.bid.confidential') }]} />
      {vis === 'confidential' && <Field form={form} idPrefix={p} name="confidentiality_reason" label={t('desk-select.bid.reason')} value={why} onInput={setWhy} multiline required />}
      <SubmitButton form={form} label={t('desk-select.bid.addDoc')} variant="secondary" />
    </form>
  );
}

function Bids({ bids, slug, id, open, onDone }: { bids: Bid[]; slug: string; id: string; open: boolean; onDone: () => void }) {
  return (
    <section aria-labelledby="mybids-h" class="panel">
      <h2 id="mybids-h">{t('desk-select.bid.mine')}</h2>
      {bids.map((b) => (
        <div key={b.id} class="dsel-bid">
          <h3>{b.business_name}</h3>
          <Paragraphs text={b.summary} />
          {!!b.documents?.length && (
            <>
              <h4>{t('desk-select.bid.docs')}</h4>
              <ul>
                {b.documents.map((d) => (
                  <li key={d.id}>
                    {d.title}
                    {d.visibility === 'confidential' && <span class="badge">{t('desk-select.agr.confidential')}</span>}
                  </li>
                ))}
              </ul>
            </>
          )}
          {open && <BidDocForm slug={slug} id={id} bid={b} onDone={onDone} />}
        </div>
      ))}
    </section>
  );
}

function Declaration({ slug, id, onDone }: { slug: string; id: string; onDone: () => void }) {
  const form = useForm();
  const [choice, setChoice] = useState('true');
  return (
    <form
      class="form"
      noValidate
      ref={form.formRef}
      onSubmit={async (e) => {
        e.preventDefault();
        if (await form.run(async () => {
          await api('POST', `${propApi(slug, id)}/selection/declaration`, { no_conflict: choice === 'true' });
          return t('desk-select.eval.declared');
        }))
          onDone();
      }}
    >
      <FormMessages form={form} idPrefix="decl" />
      <fieldset>
        <legend>{t('desk-select.eval.declare')}</legend>
        <p class="hint">{t('desk-select.eval.declareText')}</p>
        {[
          ['true', t('desk-select.eval.noConflict')],
          ['false', t('desk-select.eval.conflict')],
        ].map(([v, label]) => (
          <div class="radio" key={v}>
            <input type="radio" id={`decl-${v}`} name="no_conflict" value={v} checked={choice === v} onChange={() => setChoice(v)} />
            <label for={`decl-${v}`}>{label}</label>
          </div>
        ))}
      </fieldset>
      <SubmitButton form={form} label={t('desk-select.eval.declareSubmit')} />
    </form>
  );
}

function Scoring({ slug, id, sel, onDone }: { slug: string; id: string; sel: Selection; onDone: () => void }) {
  const form = useForm();
  const bids = sel.bids ?? [];
  const init: Record<string, string> = {};
  for (const s of sel.me?.scores ?? []) init[`${s.bid_id}-${s.criterion_id}`] = String(s.score);
  const [vals, setVals] = useState<Record<string, string>>(init);
  const send = async (submit: boolean) => {
    const ok = await form.run(async () => {
      const scores = Object.entries(vals)
        .filter(([, v]) => v.trim() !== '')
        .map(([k, v]) => {
          const [b, c] = k.split('-').map(Number);
          return { bid_id: b, criterion_id: c, score: Number(v) };
        });
      await api('PUT', `${propApi(slug, id)}/selection/scores`, { scores, submit });
      return t(submit ? 'desk-select.eval.submitted' : 'desk-select.eval.saved');
    });
    if (ok) onDone();
  };
  return (
    <form
      class="form"
      noValidate
      ref={form.formRef}
      onSubmit={(e) => {
        e.preventDefault();
        void send(true);
      }}
    >
      <FormMessages form={form} idPrefix="score" />
      <p class="hint" id="score-hint">
        {t('desk-select.eval.scoreHint')}
      </p>
      <input type="hidden" name="scores" id="score-scores" />
      {bids.map((b) => (
        <fieldset key={b.id}>
          <legend>{b.business_name}</legend>
          {sel.criteria.map((c) => {
            const k = `${b.id}-${c.id}`;
            return (
              <Field
                key={k}
                form={form}
                idPrefix="score"
                name={`s${k}`}
                label={t('desk-select.eval.scoreLabel', { bid: b.business_name, criterion: `${c.name}（${c.weight}）` })}
                type="number"
                inputMode="numeric"
                min={0}
                max={100}
                value={vals[k] ?? ''}
                onInput={(v) => setVals({ ...vals, [k]: v })}
              />
            );
          })}
        </fieldset>
      ))}
      <div class="actions">
        <button type="button" class="btn btn-secondary" disabled={form.busy} onClick={() => void send(false)}>
          {t('desk-select.eval.save')}
        </button>
        <SubmitButton form={form} label={t('desk-select.eval.submit')} />
      </div>
    </form>
  );
}

function DeskSetup({ slug, id, sel, onDone }: { slug: string; id: string; sel: Selection; onDone: () => void }) {
  const form = useForm();
  const [summary, setSummary] = useState(sel.call?.summary ?? '');
  const [opens, setOpens] = useState(localDateTime(sel.call?.opens_at));
  const [closes, setCloses] = useState(localDateTime(sel.call?.closes_at));
  const [incentive, setIncentive] = useState(sel.incentive);
  const [points, setPoints] = useState(String(sel.incentive_points));
  const [criteria, setCriteria] = useState(sel.criteria.length ? sel.criteria.map((c) => `${c.name},${c.weight}`).join('\n') : '価格,30\n提案内容,50\n地域への貢献,20');
  return (
    <form
      class="form"
      noValidate
      ref={form.formRef}
      onSubmit={async (e) => {
        e.preventDefault();
        if (await form.run(async () => {
          const crit = criteria
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean)
            .map((l) => {
              const i = l.lastIndexOf(',');
              return { name: l.slice(0, i).trim(), weight: Number(l.slice(i + 1)) };
            });
          const body: Record<string, unknown> = { call_summary: summary, incentive, incentive_points: Number(points), criteria: crit };
          if (opens) body.call_opens_at = dateTimeMs(opens);
          if (closes) body.call_closes_at = dateTimeMs(closes);
          await api('PUT', `${propApi(slug, id)}/selection`, body);
          return t('desk-select.desk.saved');
        }))
          onDone();
      }}
    >
      <FormMessages form={form} idPrefix="setup" />
      <Field form={form} idPrefix="setup" name="call_summary" label={t('desk-select.desk.summary')} value={summary} onInput={setSummary} multiline />
      <Field form={form} idPrefix="setup" name="call_opens_at" label={t('desk-select.desk.opens')} type="datetime-local" value={opens} onInput={setOpens} />
      <Field form={form} idPrefix="setup" name="call_closes_at" label={t('desk-select.desk.closes')} type="datetime-local" value={closes} onInput={setCloses} />
      <Field form={form} idPrefix="setup" name="incentive" label={t('desk-select.desk.incentive')} value={incentive} onInput={setIncentive} />
      <Field form={form} idPrefix="setup" name="incentive_points" label={t('desk-select.desk.incentivePoints')} type="number" inputMode="numeric" min={0} max={30} value={points} onInput={setPoints} />
      <Field form={form} idPrefix="setup" name="criteria" label={t('desk-select.desk.criteria')} value={criteria} onInput={setCriteria} multiline rows={4} />
      <SubmitButton form={form} label={t('desk-select.desk.save')} />
    </form>
  );
}

function DeskEvaluators({ slug, id, sel, onDone }: { slug: string; id: string; sel: Selection; onDone: () => void }) {
  const form = useForm();
  const pub = useForm();
  const [uid, setUid] = useState('');
  const state = (e: NonNullable<Selection['evaluators']>[number]) =>
    t(e.recused ? 'desk-select.desk.st.recused' : e.submitted_at ? 'desk-select.desk.st.submitted' : e.declared_at ? 'desk-select.desk.st.declared' : 'desk-select.desk.st.invited');
  return (
    <section aria-labelledby="evs-h" class="panel">
      <h2 id="evs-h">{t('desk-select.desk.evaluators')}</h2>
      <ul>
        {(sel.evaluators ?? []).map((e) => (
          <li key={e.user_id}>{t('desk-select.desk.evalStatus', { name: e.name, state: state(e) })}</li>
        ))}
      </ul>
      {!sel.published_at && (
        <form
          class="form"
          noValidate
          ref={form.formRef}
          onSubmit={async (e) => {
            e.preventDefault();
            if (await form.run(async () => {
              await api('POST', `${propApi(slug, id)}/selection/evaluators`, { user_id: Number(uid) });
              return t('desk-select.desk.invited');
            }))
              onDone();
          }}
        >
          <FormMessages form={form} idPrefix="ev" />
          <SelectField
            form={form}
            idPrefix="ev"
            name="user_id"
            label={t('desk-select.desk.evaluatorId')}
            value={uid}
            onChange={setUid}
            options={[{ value: '', label: t('desk-select.desk.evaluatorPick') }, ...(sel.evaluator_candidates ?? []).map((c) => ({ value: String(c.user_id), label: c.name }))]}
          />
          <SubmitButton form={form} label={t('desk-select.desk.invite')} variant="secondary" />
        </form>
      )}
      {sel.may_publish && (
        <form
          class="form"
          noValidate
          ref={pub.formRef}
          onSubmit={async (e) => {
            e.preventDefault();
            if (await pub.run(async () => {
              await api('POST', `${propApi(slug, id)}/selection/publish`);
              return t('desk-select.desk.published');
            }))
              onDone();
          }}
        >
          <FormMessages form={pub} idPrefix="pub" />
          <SubmitButton form={pub} label={t('desk-select.desk.publish')} />
        </form>
      )}
    </section>
  );
}

/** /m/:slug/desk/proposals/:id/selection */
export function SelectionPage({ params }: { params: Params }) {
  const slug = params.slug ?? '';
  const id = params.id ?? '';
  useLang();
  const me = useStore(meStore);
  useMuni(slug);
  const [n, setN] = useState(0);
  const sel = useAsync(() => api<Selection>('GET', `${propApi(slug, id)}/selection`), [slug, id, me?.id, n]);
  const s = sel.data;
  const heading = s ? t('desk-select.sel.titleOf', { title: s.title }) : t('desk-select.sel.title');
  useTitle(heading);
  if (sel.error?.status === 404) return <NotFound />;
  const reload = () => setN((x) => x + 1);
  return (
    <>
      <PageHeading>{heading}</PageHeading>
      <ProjectLinks slug={slug} id={id} current="selection" />
      {sel.loading && !s && <Loading />}
      {sel.error && <ErrorBox>{sel.error.message}</ErrorBox>}
      {s && (
        <>
          <section aria-labelledby="sel-h" class="panel">
            <h2 id="sel-h">{t('desk-select.sel.method')}</h2>
            <p>
              <StageBadge stage={s.stage} /> {methodLabel(s.method)}
            </p>
            <h3>{t('desk-select.sel.grounds')}</h3>
            <Paragraphs text={s.grounds} />
            {s.method === 'negotiated' && <p>{t('desk-select.sel.negotiated')}</p>}
          </section>
          {s.call && (
            <section aria-labelledby="call-h" class="panel">
              <h2 id="call-h">{t('desk-select.sel.call')}</h2>
              <dl class="dsel-dl">
                <dt>{t('desk-select.sel.period')}</dt>
                <dd>
                  <DateOnly ms={s.call.opens_at} /> 〜 <DateOnly ms={s.call.closes_at} />（{t(s.call.open ? 'desk-select.sel.callOpen' : s.call.closed ? 'desk-select.sel.callClosed' : 'desk-select.sel.callNotYet')}）
                </dd>
                {s.incentive_points > 0 && (
                  <>
                    <dt>{t('desk-select.sel.incentive')}</dt>
                    <dd>
                      {t('desk-select.sel.points', { n: formatNumber(s.incentive_points) })} {s.incentive}
                    </dd>
                  </>
                )}
                <dt>{t('desk-select.sel.bidCount')}</dt>
                <dd>{formatNumber(s.bid_count)}</dd>
              </dl>
              <Paragraphs text={s.call.summary} />
              {s.criteria.length > 0 && <CriteriaTable criteria={s.criteria} id="sel-criteria" />}
            </section>
          )}
          {s.result && (
            <section aria-labelledby="res-h" class="panel">
              <h2 id="res-h">{t('desk-select.sel.result')}</h2>
              {s.result.awarded_business_name && <p>{t('desk-select.sel.awarded', { name: s.result.awarded_business_name })}</p>}
              <p>
                <DateOnly ms={s.published_at} />
              </p>
              <RankingTable rows={s.result.ranking} criteria={s.result.criteria} id="res-table" />
            </section>
          )}
          {s.evaluation && !s.result && (
            <section aria-labelledby="ev-h" class="panel">
              <h2 id="ev-h">{t('desk-select.sel.evaluation')}</h2>
              <p>{t('desk-select.sel.evalProgress', { active: formatNumber(s.evaluation.active), submitted: formatNumber(s.evaluation.submitted) })}</p>
              <p class="hint">{t('desk-select.sel.hidden')}</p>
              {s.ranking && <RankingTable rows={s.ranking} criteria={s.criteria} id="rank-table" />}
            </section>
          )}
          {s.me && !s.result && (
            <section aria-labelledby="score-h" class="panel">
              <h2 id="score-h">{t('desk-select.eval.title')}</h2>
              {s.me.recused ? (
                <p>{t('desk-select.eval.recused')}</p>
              ) : !s.me.declared ? (
                <Declaration slug={slug} id={id} onDone={reload} />
              ) : s.me.submitted ? (
                <p>{t('desk-select.eval.submitted')}</p>
              ) : !s.call?.closed ? (
                <p>{t('desk-select.eval.waitClose')}</p>
              ) : (
                <Scoring slug={slug} id={id} sel={s} onDone={reload} />
              )}
            </section>
          )}
          {s.view === 'desk' && s.method !== 'negotiated' && !s.published_at && s.stage === 'selection' && (
            <section aria-labelledby="setup-h" class="panel">
              <h2 id="setup-h">{t('desk-select.desk.setup')}</h2>
              <DeskSetup slug={slug} id={id} sel={s} onDone={reload} />
            </section>
          )}
          {s.view === 'desk' && s.method !== 'negotiated' && s.call && <DeskEvaluators slug={slug} id={id} sel={s} onDone={reload} />}
          {!!s.my_bids?.length && <Bids bids={s.my_bids} slug={slug} id={id} open={!!s.call?.open} onDone={reload} />}
          {me && s.call?.open && !s.my_bids?.length && s.view === 'public' && <BidForm slug={slug} id={id} onDone={reload} />}
        </>
      )}
    </>
  );
}

function KpiTable({ kpis, id, withActuals }: { kpis: Kpi[]; id: string; withActuals: boolean }) {
  return (
    <TableWrap labelId={id}>
      <table>
        <caption id={id}>{withActuals ? t('desk-select.mon.table') : t('desk-select.agr.kpis')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('desk-select.agr.kpi')}</th>
            <th scope="col">{t('desk-select.agr.target')}</th>
            {withActuals ? (
              <>
                <th scope="col">{t('desk-select.mon.latest')}</th>
                <th scope="col">{t('desk-select.mon.achieved')}</th>
              </>
            ) : (
              <th scope="col">{t('desk-select.agr.dates')}</th>
            )}
          </tr>
        </thead>
        <tbody>
          {kpis.map((k) => (
            <tr key={k.id}>
              <th scope="row">{k.name}</th>
              <td class="num">
                {formatNumber(k.target)} {k.unit}
              </td>
              {withActuals ? (
                <>
                  <td class="num">{k.latest === null || k.latest === undefined ? t('desk-select.mon.noActual') : `${formatNumber(k.latest)} ${k.unit}`}</td>
                  <td>{k.achieved === null || k.achieved === undefined ? '—' : t(k.achieved ? 'desk-select.mon.yes' : 'desk-select.mon.no')}</td>
                </>
              ) : (
                <td>{k.reporting_dates.length ? k.reporting_dates.map((d) => formatDate(d)).join('、') : '—'}</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function Docs({ docs }: { docs: Doc[] }) {
  if (!docs.length) return <p>{t('desk-select.agr.noDocs')}</p>;
  return (
    <ul>
      {docs.map((d) => (
        <li key={d.id}>
          {d.title}
          {d.visibility === 'confidential' && <span class="badge">{t('desk-select.agr.confidential')}</span>}
        </li>
      ))}
    </ul>
  );
}

function AgreementEdit({ slug, id, a, onDone }: { slug: string; id: string; a: Agreement; onDone: () => void }) {
  const form = useForm();
  const kform = useForm();
  const [summary, setSummary] = useState(a.summary);
  const [start, setStart] = useState(a.term_start ? new Date(a.term_start + 9 * 3600000).toISOString().slice(0, 10) : '');
  const [end, setEnd] = useState(a.term_end ? new Date(a.term_end + 9 * 3600000).toISOString().slice(0, 10) : '');
  const [parties, setParties] = useState(a.parties.map((p) => [p.kind, p.name, p.role, p.responsibility].join(',')).join('\n'));
  const [kname, setKname] = useState('');
  const [kunit, setKunit] = useState('');
  const [ktarget, setKtarget] = useState('');
  const [kdates, setKdates] = useState('');
  return (
    <section aria-labelledby="agr-edit-h" class="panel">
      <h2 id="agr-edit-h">{t('desk-select.agr.edit')}</h2>
      <form
        class="form"
        noValidate
        ref={form.formRef}
        onSubmit={async (e) => {
          e.preventDefault();
          if (await form.run(async () => {
            const body: Record<string, unknown> = {
              summary,
              parties: parties
                .split('\n')
                .map((l) => l.trim())
                .filter(Boolean)
                .map((l) => {
                  const [kind, name, role, ...rest] = l.split(',');
                  return { kind: (kind ?? '').trim(), name: (name ?? '').trim(), role: (role ?? '').trim(), responsibility: rest.join(',').trim() };
                }),
            };
            if (start) body.term_start = dateMs(start);
            if (end) body.term_end = dateMs(end);
            await api('PUT', `${propApi(slug, id)}/agreement`, body);
            return t('desk-select.agr.saved');
          }))
            onDone();
        }}
      >
        <FormMessages form={form} idPrefix="agr" />
        <Field form={form} idPrefix="agr" name="summary" label={t('desk-select.agr.summary')} value={summary} onInput={setSummary} multiline />
        <Field form={form} idPrefix="agr" name="term_start" label={t('desk-select.agr.termStart')} type="date" value={start} onInput={setStart} />
        <Field form={form} idPrefix="agr" name="term_end" label={t('desk-select.agr.termEnd')} type="date" value={end} onInput={setEnd} />
        <Field form={form} idPrefix="agr" name="parties" label={t('desk-select.agr.partiesField')} value={parties} onInput={setParties} multiline rows={4} />
        <SubmitButton form={form} label={t('desk-select.agr.save')} />
      </form>
      <h3>{t('desk-select.agr.addKpi')}</h3>
      <form
        class="form"
        noValidate
        ref={kform.formRef}
        onSubmit={async (e) => {
          e.preventDefault();
          if (await kform.run(async () => {
            await api('POST', `${propApi(slug, id)}/agreement/kpis`, {
              name: kname,
              unit: kunit,
              target: Number(ktarget),
              reporting_dates: kdates
                .split('\n')
                .map((l) => l.trim())
                .filter(Boolean)
                .map(dateMs),
            });
            return t('desk-select.agr.kpiAdded');
          })) {
            setKname('');
            setKtarget('');
            onDone();
          }
        }}
      >
        <FormMessages form={kform} idPrefix="kpi" />
        <Field form={kform} idPrefix="kpi" name="name" label={t('desk-select.agr.kpiName')} value={kname} onInput={setKname} required />
        <Field form={kform} idPrefix="kpi" name="unit" label={t('desk-select.agr.kpiUnit')} value={kunit} onInput={setKunit} required />
        <Field form={kform} idPrefix="kpi" name="target" label={t('desk-select.agr.kpiTarget')} type="number" inputMode="decimal" step="any" min={0} value={ktarget} onInput={setKtarget} required />
        <Field form={kform} idPrefix="kpi" name="reporting_dates" label={t('desk-select.agr.kpiDates')} value={kdates} onInput={setKdates} multiline rows={3} />
        <SubmitButton form={kform} label={t('desk-select.agr.addKpi')} variant="secondary" />
      </form>
    </section>
  );
}

/** /m/:slug/desk/proposals/:id/agreement */
export function AgreementPage({ params }: { params: Params }) {
  const slug = params.slug ?? '';
  const id = params.id ?? '';
  useLang();
  const me = useStore(meStore);
  useMuni(slug);
  const [n, setN] = useState(0);
  const ag = useAsync(() => api<Agreement>('GET', `${propApi(slug, id)}/agreement`), [slug, id, me?.id, n]);
  const a = ag.data;
  const heading = a ? t('desk-select.agr.titleOf', { title: a.title }) : t('desk-select.agr.title');
  useTitle(heading);
  return (
    <>
      <PageHeading>{heading}</PageHeading>
      <ProjectLinks slug={slug} id={id} current="agreement" />
      {ag.loading && !a && <Loading />}
      {ag.error?.status === 404 && <p>{t('desk-select.agr.notYet')}</p>}
      {ag.error && ag.error.status !== 404 && <ErrorBox>{ag.error.message}</ErrorBox>}
      {a && (
        <>
          <section aria-labelledby="agr-h" class="panel">
            <h2 id="agr-h">{t('desk-select.agr.summary')}</h2>
            <Paragraphs text={a.summary} />
            <dl class="dsel-dl">
              <dt>{t('desk-select.agr.implementer')}</dt>
              <dd>{a.implementer_name ?? '—'}</dd>
              <dt>{t('desk-select.agr.term')}</dt>
              <dd>
                <DateOnly ms={a.term_start} /> 〜 <DateOnly ms={a.term_end} />
              </dd>
              <dt>{t('desk-select.agr.signed')}</dt>
              <dd>
                <DateOnly ms={a.signed_at} />
              </dd>
            </dl>
          </section>
          <section aria-labelledby="parties-h" class="panel">
            <h2 id="parties-h">{t('desk-select.agr.parties')}</h2>
            <TableWrap labelId="parties-cap">
              <table>
                <caption id="parties-cap">{t('desk-select.agr.parties')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('desk-select.agr.name')}</th>
                    <th scope="col">{t('desk-select.agr.kind')}</th>
                    <th scope="col">{t('desk-select.agr.role')}</th>
                    <th scope="col">{t('desk-select.agr.resp')}</th>
                  </tr>
                </thead>
                <tbody>
                  {a.parties.map((p) => (
                    <tr key={p.id}>
                      <th scope="row">{p.name}</th>
                      <td>{t(`desk-select.agr.kind.${p.kind}` as 'desk-select.agr.kind.other')}</td>
                      <td>{p.role}</td>
                      <td>{p.responsibility}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </section>
          <section aria-labelledby="kpis-h" class="panel">
            <h2 id="kpis-h">{t('desk-select.agr.kpis')}</h2>
            <KpiTable kpis={a.kpis} id="agr-kpis" withActuals={false} />
          </section>
          <section aria-labelledby="adocs-h" class="panel">
            <h2 id="adocs-h">{t('desk-select.agr.docs')}</h2>
            <Docs docs={a.documents} />
          </section>
          {a.may_edit && <AgreementEdit slug={slug} id={id} a={a} onDone={() => setN((x) => x + 1)} />}
        </>
      )}
    </>
  );
}

/** Horizontal bars: latest actual as a share of the target (capped at 150 %), numbers in <title>s. */
function KpiChart({ kpis }: { kpis: Kpi[] }) {
  const rowH = 36;
  const left = 180;
  const width = 640;
  const plotW = width - left - 70;
  const height = 20 + kpis.length * rowH + 24;
  const x100 = left + plotW / 1.5;
  return (
    <svg class="dsel-chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby="kpi-chart-title" preserveAspectRatio="xMinYMin meet">
      <title id="kpi-chart-title">{t('desk-select.mon.chartTitle')}</title>
      <line x1={x100} y1={10} x2={x100} y2={height - 20} class="dsel-target" />
      <text x={x100} y={height - 6} class="dsel-tick" text-anchor="middle">
        100%
      </text>
      {kpis.map((k, i) => {
        const actual = k.latest ?? 0;
        const pct = k.target > 0 ? Math.round((actual / k.target) * 100) : 0;
        const w = Math.min(1.5, k.target > 0 ? actual / k.target : 0) * (plotW / 1.5);
        const y = 20 + i * rowH;
        return (
          <g key={k.id}>
            <title>{t('desk-select.mon.barTitle', { name: k.name, target: `${formatNumber(k.target)} ${k.unit}`, actual: k.latest === null || k.latest === undefined ? t('desk-select.mon.noActual') : `${formatNumber(actual)} ${k.unit}`, pct: formatNumber(pct) })}</title>
            <text x={left - 8} y={y + 16} class="dsel-tick" text-anchor="end">
              {k.name.length > 14 ? `${k.name.slice(0, 13)}…` : k.name}
            </text>
            <rect x={left} y={y + 4} width={Math.max(0, w).toFixed(1)} height={18} class={k.achieved ? 'dsel-bar dsel-bar-met' : 'dsel-bar'} />
            <text x={left + Math.max(0, w) + 6} y={y + 18} class="dsel-tick">
              {formatNumber(pct)}%
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function ReportForm({ slug, id, kpis, onDone }: { slug: string; id: string; kpis: Kpi[]; onDone: () => void }) {
  const form = useForm();
  const [period, setPeriod] = useState('');
  const [end, setEnd] = useState('');
  const [narrative, setNarrative] = useState('');
  const [vals, setVals] = useState<Record<number, string>>({});
  return (
    <section aria-labelledby="rep-h" class="panel">
      <h2 id="rep-h">{t('desk-select.mon.report')}</h2>
      <form
        class="form"
        noValidate
        ref={form.formRef}
        onSubmit={async (e) => {
          e.preventDefault();
          if (await form.run(async () => {
            const body: Record<string, unknown> = {
              period,
              narrative,
              actuals: kpis.filter((k) => (vals[k.id] ?? '').trim() !== '').map((k) => ({ kpi_id: k.id, actual: Number(vals[k.id]) })),
            };
            if (end) body.period_end = dateMs(end);
            await api('POST', `${propApi(slug, id)}/monitoring/reports`, body);
            return t('desk-select.mon.reportDone');
          })) {
            setPeriod('');
            setNarrative('');
            setVals({});
            onDone();
          }
        }}
      >
        <FormMessages form={form} idPrefix="rep" />
        <Field form={form} idPrefix="rep" name="period" label={t('desk-select.mon.period')} value={period} onInput={setPeriod} required maxLength={100} />
        <Field form={form} idPrefix="rep" name="period_end" label={t('desk-select.mon.periodEnd')} type="date" value={end} onInput={setEnd} required />
        <Field form={form} idPrefix="rep" name="narrative" label={t('desk-select.mon.narrative')} value={narrative} onInput={setNarrative} multiline />
        {kpis.map((k) => (
          <Field key={k.id} form={form} idPrefix="rep" name={`actual${k.id}`} label={t('desk-select.mon.actual', { name: k.name, unit: k.unit })} type="number" inputMode="decimal" step="any" min={0} value={vals[k.id] ?? ''} onInput={(v) => setVals({ ...vals, [k.id]: v })} />
        ))}
        <input type="hidden" name="actuals" id="rep-actuals" />
        <SubmitButton form={form} label={t('desk-select.mon.report')} />
      </form>
    </section>
  );
}

/** /m/:slug/desk/proposals/:id/monitoring */
export function MonitoringPage({ params }: { params: Params }) {
  const slug = params.slug ?? '';
  const id = params.id ?? '';
  useLang();
  const me = useStore(meStore);
  useMuni(slug);
  const [n, setN] = useState(0);
  const mon = useAsync(() => api<Monitoring>('GET', `${propApi(slug, id)}/monitoring`), [slug, id, me?.id, n]);
  const m = mon.data;
  const heading = m ? t('desk-select.mon.titleOf', { title: m.title }) : t('desk-select.mon.title');
  useTitle(heading);
  const kpiName = (kid: number) => m?.kpis.find((k) => k.id === kid);
  return (
    <>
      <PageHeading>{heading}</PageHeading>
      <ProjectLinks slug={slug} id={id} current="monitoring" />
      {mon.loading && !m && <Loading />}
      {mon.error?.status === 404 && <p>{t('desk-select.agr.notYet')}</p>}
      {mon.error && mon.error.status !== 404 && <ErrorBox>{mon.error.message}</ErrorBox>}
      {m && (
        <>
          <section aria-labelledby="chart-h" class="panel">
            <h2 id="chart-h">{t('desk-select.mon.chart')}</h2>
            {m.kpis.length > 0 && <KpiChart kpis={m.kpis} />}
            <KpiTable kpis={m.kpis} id="mon-kpis" withActuals />
          </section>
          <section aria-labelledby="reps-h" class="panel">
            <h2 id="reps-h">{t('desk-select.mon.reports')}</h2>
            {!m.reports.length && <p>{t('desk-select.mon.noReports')}</p>}
            {[...m.reports].reverse().map((r) => (
              <article key={r.id} class="dsel-report">
                <h3>
                  {r.period}（<DateOnly ms={r.period_end} />）
                </h3>
                <Paragraphs text={r.narrative} />
                {r.actuals.length > 0 && (
                  <ul>
                    {r.actuals.map((x) => (
                      <li key={x.kpi_id}>
                        {kpiName(x.kpi_id)?.name}: {formatNumber(x.actual)} {kpiName(x.kpi_id)?.unit}
                      </li>
                    ))}
                  </ul>
                )}
              </article>
            ))}
          </section>
          <section aria-labelledby="dec-h" class="panel">
            <h2 id="dec-h">{t('desk-select.mon.decisions')}</h2>
            {!m.decisions.length && <p>{t('desk-select.mon.noDecisions')}</p>}
            <ul>
              {m.decisions.map((d) => (
                <li key={d.at}>
                  <DateOnly ms={d.at} /> {t(`desk-select.move.${d.move}` as 'desk-select.move.end')}: {d.reason}
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="liaison-h" class="panel">
            <h2 id="liaison-h">{t('desk-select.mon.liaison')}</h2>
            <p>{t('desk-select.mon.liaisonCount', { n: formatNumber(m.liaison_meeting_count) })}</p>
            {m.liaison_meetings?.map((x) => (
              <article key={x.id} class="dsel-report">
                <h3>
                  <DateOnly ms={x.held_at} />
                </h3>
                <p>
                  {t('desk-select.mon.attendees')}: {x.attendees}
                </p>
                <Paragraphs text={x.notes} />
              </article>
            ))}
          </section>
          {m.documents.length > 0 && (
            <section aria-labelledby="mdocs-h" class="panel">
              <h2 id="mdocs-h">{t('desk-select.agr.docs')}</h2>
              <Docs docs={m.documents} />
            </section>
          )}
          {m.may_report && <ReportForm slug={slug} id={id} kpis={m.kpis} onDone={() => setN((x) => x + 1)} />}
        </>
      )}
    </>
  );
}
