// The statistics page of a process: a text summary, counters, a per-day bar chart (SVG with
// titles) with the same numbers in a table, a date-range form, and open-data download links.
import { useEffect, useState } from 'preact/hooks';
import { API_BASE, api, qs } from '../../api';
import { ErrorBox, Field, FormMessages, Loading, PageHeading, SelectField, SubmitButton, TableWrap, useForm, useTitle } from '../../components';
import { formatNumber, langStore, t, useLang } from '../../i18n';
import type { Params } from '../../router';
import { DayChart, fmtDate, metricValue } from './Chart';
import { EXPORT_KINDS, METRICS, processApi, type Metric, type Stats } from './types';
import './stats.css';

export function StatsPage({ params }: { params: Params }) {
  useLang();
  const lang = langStore.get();
  const slug = params.slug ?? '';
  const pid = params.pid ?? '';
  const base = processApi(slug, pid);
  const form = useForm();
  const [data, setData] = useState<Stats | null>(null);
  const [first, setFirst] = useState<{ loading: boolean; error: Error | null }>({ loading: true, error: null });
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [metric, setMetric] = useState<Metric>('participants');

  useEffect(() => {
    let live = true;
    setFirst({ loading: true, error: null });
    api<Stats>('GET', `${base}/stats`)
      .then((s) => {
        if (!live) return;
        setData(s);
        setFrom(s.range.from);
        setTo(s.range.to);
        setFirst({ loading: false, error: null });
      })
      .catch((e: Error) => live && setFirst({ loading: false, error: e }));
    return () => {
      live = false;
    };
  }, [base]);

  const title = data ? t('stats.titleOf', { title: data.process.title }) : t('stats.title');
  useTitle(title);
  const procPage = `/m/${encodeURIComponent(slug)}/processes/${encodeURIComponent(pid)}`;
  const name = t(`stats.m.${metric}`);
  let peak: { date: string; value: number } | null = null;
  for (const d of data?.series ?? []) if (!peak || d[metric] > peak.value) peak = { date: d.date, value: d[metric] };

  return (
    <>
      <PageHeading>{title}</PageHeading>
      <p>
        <a href={procPage}>{t('stats.back')}</a>
      </p>
      {first.loading && <Loading />}
      {first.error && <ErrorBox>{first.error.message}</ErrorBox>}
      {data && (
        <>
          <p id="stats-summary">
            {t('stats.summary', {
              participants: formatNumber(data.totals.participants),
              ideas: formatNumber(data.totals.ideas),
              comments: formatNumber(data.totals.comments),
              supports: formatNumber(data.totals.supports),
              suggestions: formatNumber(data.totals.suggestions),
              survey_responses: formatNumber(data.totals.survey_responses),
            })}
          </p>
          <section class="panel" aria-labelledby="stats-counts-h">
            <h2 id="stats-counts-h">{t('stats.countsTitle')}</h2>
            <ul class="stats-counters">
              {METRICS.map((m) => (
                <li key={m}>
                  <span class="stats-counter-label">{t(`stats.m.${m}`)}</span>
                  <span class="stats-counter-value">{metricValue(m, data.totals[m])}</span>
                </li>
              ))}
            </ul>
            <p class="hint">{t('stats.countsNote')}</p>
          </section>

          <section class="panel" aria-labelledby="stats-range-h">
            <h2 id="stats-range-h">{t('stats.rangeTitle')}</h2>
            <form
              class="form-inline"
              ref={(el) => {
                form.formRef.current = el;
              }}
              noValidate
              onSubmit={(e) => {
                e.preventDefault();
                void form.run(async () => {
                  setData(await api<Stats>('GET', `${base}/stats${qs({ from, to })}`));
                });
              }}
            >
              <FormMessages form={form} idPrefix="stats" />
              <Field form={form} idPrefix="stats" name="from" label={t('stats.from')} type="date" value={from} onInput={setFrom} />
              <Field form={form} idPrefix="stats" name="to" label={t('stats.to')} type="date" value={to} onInput={setTo} />
              <SubmitButton form={form} label={t('stats.show')} variant="secondary" />
            </form>
            <p class="hint">{t('stats.rangeHint')}</p>
            <SelectField
              form={form}
              idPrefix="stats"
              name="metric"
              label={t('stats.metric')}
              value={metric}
              onChange={(v) => setMetric(v as Metric)}
              options={METRICS.map((m) => ({ value: m, label: t(`stats.m.${m}`) }))}
            />
            <p aria-live="polite">
              {peak && peak.value > 0
                ? t('stats.rangeSummary', {
                    from: fmtDate(data.range.from, lang),
                    to: fmtDate(data.range.to, lang),
                    days: data.range.days,
                    metric: name,
                    peak: fmtDate(peak.date, lang),
                    value: metricValue(metric, peak.value),
                  })
                : t('stats.rangeEmpty', { from: fmtDate(data.range.from, lang), to: fmtDate(data.range.to, lang), metric: name })}
            </p>
            <DayChart series={data.series} metric={metric} lang={lang} />
            <TableWrap labelId="stats-table-cap">
              <table class="table" id="stats-table">
                <caption id="stats-table-cap">
                  {t('stats.tableCaption', { from: fmtDate(data.range.from, lang), to: fmtDate(data.range.to, lang) })}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{t('stats.date')}</th>
                    {METRICS.map((m) => (
                      <th scope="col" key={m}>
                        {t(`stats.m.${m}`)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {data.series.map((d) => (
                    <tr key={d.date}>
                      <th scope="row">
                        <time dateTime={d.date}>{fmtDate(d.date, lang)}</time>
                      </th>
                      {METRICS.map((m) => (
                        <td class="num" key={m}>
                          {formatNumber(d[m])}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </section>

          <section class="panel" aria-labelledby="stats-dl-h">
            <h2 id="stats-dl-h">{t('stats.downloadTitle')}</h2>
            <p>{t('stats.downloadNote')}</p>
            <p>
              <a href="https://creativecommons.org/licenses/by/4.0/deed.ja" rel="license noopener">
                {t('stats.license')}
              </a>
            </p>
            <ul class="link-list">
              <li>
                <a href={`${API_BASE}${base}/export.json`} download>
                  {t('stats.downloadJson')}
                </a>
              </li>
              {EXPORT_KINDS.map((k) => (
                <li key={k}>
                  <a href={`${API_BASE}${base}/export.csv?kind=${k}`} download>
                    {t('stats.downloadCsv', { kind: t(`stats.kind.${k}`) })}
                  </a>
                </li>
              ))}
            </ul>
            <p class="hint">{t('stats.csvNote')}</p>
          </section>
        </>
      )}
    </>
  );
}
