// Results of a survey: per question an SVG bar chart (each bar has a <title>) and a table with
// the same numbers; scale means; ranking by Borda score; free-text answers for staff; a cross-tab
// by age band or district with suppressed cells shown as 「—（5人未満）」; CSV download links.
import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { ErrorBox, Loading, PageHeading, TableWrap, useTitle } from '../../components';
import { useAsync } from '../../hooks';
import { formatNumber, t, useLang } from '../../i18n';
import type { Params } from '../../router';
import { meStore } from '../../session';
import { useStore } from '../../store';
import { apiBase, pageBase, type ChoiceResult, type CrossTab, type QuestionResult, type Results, type Survey } from './types';
import './surveys.css';

interface Bar {
  label: string;
  value: number;
  title: string;
}

function BarChart({ id, title, bars }: { id: string; title: string; bars: Bar[] }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rowH = 40;
  const h = bars.length * rowH + 4;
  return (
    <svg class="survey-chart" viewBox={`0 0 320 ${h}`} role="img" aria-labelledby={`${id}-title`} preserveAspectRatio="xMinYMin meet">
      <title id={`${id}-title`}>{title}</title>
      {bars.map((b, i) => {
        const w = Math.max(b.value > 0 ? 2 : 0, Math.round((b.value / max) * 240));
        const y = i * rowH;
        return (
          <g key={i}>
            <title>{b.title}</title>
            <text x="0" y={y + 14} class="survey-chart-label">
              {b.label}
            </text>
            <rect x="0" y={y + 20} width={w} height="14" class="survey-chart-bar" />
            <text x={w + 6} y={y + 32} class="survey-chart-value">
              {formatNumber(b.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function pctText(p: number | undefined | null) {
  return p === null || p === undefined ? '—' : `${p.toFixed(1)}%`;
}

function CountTable({ id, caption, rows }: { id: string; caption: string; rows: ChoiceResult[] }) {
  return (
    <TableWrap labelId={`${id}-cap`}>
      <table class="table">
        <caption id={`${id}-cap`}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('surveys.table.item')}</th>
            <th scope="col">{t('surveys.table.count')}</th>
            <th scope="col">{t('surveys.table.percent')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <th scope="row">{r.value !== undefined ? `${r.value}：${r.label}` : r.label}</th>
              <td class="num">{formatNumber(r.count ?? 0)}</td>
              <td class="num">{pctText(r.percent)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function QuestionBlock({ q }: { q: QuestionResult }) {
  const id = `res-q${q.index}`;
  const heading = `Q${q.index + 1}. ${q.text}`;
  const rows = q.choices ?? q.distribution;
  return (
    <section class="panel survey-result" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{heading}</h2>
      <p class="muted">{t('surveys.answered', { n: q.answered })}</p>
      {rows && (
        <>
          <BarChart
            id={id}
            title={t('surveys.chartTitle', { text: q.text })}
            bars={rows.map((r) => {
              const label = r.value !== undefined ? `${r.value}：${r.label}` : r.label;
              return { label, value: r.count ?? 0, title: t('surveys.barTitle', { label, count: r.count ?? 0, percent: (r.percent ?? 0).toFixed(1) }) };
            })}
          />
          {q.mean !== undefined && q.mean !== null && <p>{t('surveys.mean', { mean: q.mean.toFixed(2) })}</p>}
          <CountTable id={id} caption={heading} rows={rows} />
        </>
      )}
      {q.items && (
        <>
          <p class="hint">{q.method_note}</p>
          <BarChart
            id={id}
            title={t('surveys.chartTitle', { text: q.text })}
            bars={q.items.map((r) => ({ label: r.label, value: r.score ?? 0, title: t('surveys.barScore', { label: r.label, score: r.score ?? 0 }) }))}
          />
          <TableWrap labelId={`${id}-cap`}>
            <table class="table">
              <caption id={`${id}-cap`}>{heading}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('surveys.table.item')}</th>
                  <th scope="col">{t('surveys.table.score')}</th>
                  <th scope="col">{t('surveys.table.meanRank')}</th>
                </tr>
              </thead>
              <tbody>
                {q.items.map((r, i) => (
                  <tr key={i}>
                    <th scope="row">{r.label}</th>
                    <td class="num">{formatNumber(r.score ?? 0)}</td>
                    <td class="num">{r.mean_rank === null || r.mean_rank === undefined ? '—' : r.mean_rank.toFixed(2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </>
      )}
      {q.type === 'text' && !q.answers && <p>{t('surveys.textCount', { n: q.answered })}</p>}
      {q.type === 'text' && q.answers && (
        <>
          <h3>{t('surveys.textAnswers')}</h3>
          <ul class="survey-texts">
            {q.answers.map((a, i) => (
              <li key={i}>{a}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function CrossTabBlock({ base, survey }: { base: string; survey: Survey }) {
  const qs = (survey.questions ?? []).map((q, i) => ({ q, i })).filter(({ q }) => q.type === 'single' || q.type === 'multiple' || q.type === 'scale5');
  const [question, setQuestion] = useState(qs[0]?.i ?? 0);
  const [by, setBy] = useState<'age_band' | 'district'>('age_band');
  const [shown, setShown] = useState<{ question: number; by: string }>({ question: qs[0]?.i ?? 0, by: 'age_band' });
  const ct = useAsync(() => api<CrossTab>('GET', `${base}/crosstab?question=${shown.question}&by=${shown.by}`), [base, shown.question, shown.by]);
  if (qs.length === 0) return null;
  const d = ct.data;
  return (
    <section class="panel" aria-labelledby="crosstab-h">
      <h2 id="crosstab-h">{t('surveys.crosstab')}</h2>
      <form
        class="form-inline"
        onSubmit={(e) => {
          e.preventDefault();
          setShown({ question, by });
        }}
      >
        <div class="field">
          <label for="ct-question">{t('surveys.crossQuestion')}</label>
          <select id="ct-question" value={String(question)} onChange={(e) => setQuestion(Number((e.currentTarget as HTMLSelectElement).value))}>
            {qs.map(({ q, i }) => (
              <option key={i} value={String(i)}>
                Q{i + 1}. {q.text}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="ct-by">{t('surveys.crossBy')}</label>
          <select id="ct-by" value={by} onChange={(e) => setBy((e.currentTarget as HTMLSelectElement).value as 'age_band' | 'district')}>
            <option value="age_band">{t('surveys.byAge')}</option>
            {(survey.districts ?? []).length > 0 && <option value="district">{t('surveys.byDistrict')}</option>}
          </select>
        </div>
        <button type="submit" class="btn btn-secondary">
          {t('surveys.crossShow')}
        </button>
      </form>
      {ct.loading && !d && <Loading />}
      {ct.error && <ErrorBox>{ct.error.message}</ErrorBox>}
      {d && (
        <>
          <p class="hint">{d.note}</p>
          <TableWrap labelId="crosstab-cap">
            <table class="table" id="crosstab-table">
              <caption id="crosstab-cap">
                {t('surveys.crossCaption', { text: `Q${d.question + 1}. ${d.text}`, by: d.by === 'age_band' ? t('surveys.byAge') : t('surveys.byDistrict') })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{d.by === 'age_band' ? t('surveys.ageBand') : t('surveys.district')}</th>
                  {d.columns.map((c, i) => (
                    <th scope="col" key={i}>
                      {c}
                    </th>
                  ))}
                  <th scope="col">{t('surveys.rowTotal')}</th>
                </tr>
              </thead>
              <tbody>
                {d.rows.map((r, i) => (
                  <tr key={i}>
                    <th scope="row">{r.label}</th>
                    {r.cells.map((c, k) => (
                      <td key={k} class={c.suppressed ? 'num suppressed' : 'num'}>
                        {c.suppressed
                          ? c.reason === 'complementary'
                            ? t('surveys.suppressedComp')
                            : t('surveys.suppressed')
                          : `${formatNumber(c.count ?? 0)}（${pctText(c.percent)}）`}
                      </td>
                    ))}
                    <td class={r.total_suppressed ? 'num suppressed' : 'num'}>{r.total_suppressed ? t('surveys.suppressed') : formatNumber(r.total ?? 0)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </>
      )}
    </section>
  );
}

export function ResultsPage({ params }: { params: Params }) {
  useLang();
  const slug = params.slug ?? '';
  const pid = params.pid ?? '';
  const sid = params.sid ?? '';
  const me = useStore(meStore);
  const base = `${apiBase(slug, pid)}/${encodeURIComponent(sid)}`;
  const page = `${pageBase(slug, pid)}/${encodeURIComponent(sid)}`;
  const sv = useAsync(() => api<Survey>('GET', base), [base, me?.id]);
  const res = useAsync(() => api<Results>('GET', `${base}/results`), [base, me?.id]);
  const title = sv.data ? t('surveys.resultsTitle', { title: sv.data.title }) : t('surveys.results');
  useTitle(title);
  const hidden = res.error instanceof ApiError && res.error.code === 'results_not_open';
  return (
    <>
      <PageHeading>{title}</PageHeading>
      <p>
        <a href={page}>{t('surveys.toSurvey')}</a>
      </p>
      {(res.loading || sv.loading) && !res.data && !res.error && <Loading />}
      {hidden && <ErrorBox title={t('surveys.resultsHidden')}>{res.error?.message}</ErrorBox>}
      {res.error && !hidden && <ErrorBox>{res.error.message}</ErrorBox>}
      {res.data && sv.data && (
        <>
          <p>{t('surveys.respondents', { n: res.data.respondents, online: res.data.online, paper: res.data.paper })}</p>
          <section class="panel" aria-labelledby="csv-h">
            <h2 id="csv-h">{t('surveys.download')}</h2>
            <ul class="link-list">
              <li>
                <a href={`/api/v1${base}/results.csv`} download>
                  {t('surveys.downloadAgg')}
                </a>
              </li>
              {sv.data.staff && (
                <li>
                  <a href={`/api/v1${base}/responses.csv`} download>
                    {t('surveys.downloadRaw')}
                  </a>
                </li>
              )}
            </ul>
          </section>
          {res.data.questions.map((q) => (
            <QuestionBlock key={q.index} q={q} />
          ))}
          <CrossTabBlock base={base} survey={sv.data} />
        </>
      )}
    </>
  );
}
