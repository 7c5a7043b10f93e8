// The public audit log: newest first, filter by municipality, keyset "load more", and a check of
// the hash chain through GET /audit/verify.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorMessage, qs, type AuditEntry, type AuditVerify } from '../api';
import { ErrorBox, FormMessages, Loading, PageHeading, SelectField, TableWrap, Time, useForm, useTitle } from '../components';
import { loadRegions } from '../data';
import { useAsync } from '../hooks';
import { actionLabel, localized, t } from '../i18n';
import { replaceQuery } from '../router';

interface AuditPage {
  items: AuditEntry[];
  next_before: number | string | null;
}

const PAGE = 20;

function detailText(d: unknown): string {
  if (d === null || d === undefined || d === '') return '';
  if (typeof d === 'string') return d;
  if (typeof d === 'object' && !Array.isArray(d)) {
    return Object.entries(d as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(', ');
  }
  return JSON.stringify(d);
}

export function Audit() {
  useTitle(t('audit.title'));
  const initial = new URLSearchParams(location.search).get('municipality') ?? '';
  const [filter, setFilter] = useState(initial);
  const [applied, setApplied] = useState(initial);
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<number | string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const regions = useAsync(loadRegions, []);
  const filterForm = useForm();

  const munis = (regions.data ?? []).flatMap((r) => r.municipalities);
  const nameOf = (slug: string | null) => {
    if (!slug) return '—';
    const m = munis.find((x) => x.slug === slug);
    if (m) return localized(m.name, m.name_en);
    const r = regions.data?.find((x) => x.slug === slug);
    return r ? localized(r.name, r.name_en) : slug;
  };

  // Only the newest request may update the list: an older answer (say, the unfiltered first
  // page) arriving after a newer one (the filtered page) must not overwrite it.
  const latest = useRef(0);

  async function load(before: number | string | null, replace: boolean) {
    const id = ++latest.current;
    setLoading(true);
    setError(null);
    if (replace) {
      setItems([]);
      setNext(null);
    }
    try {
      const page = await api<AuditPage>('GET', `/audit${qs({ municipality: applied, limit: PAGE, before })}`);
      if (id !== latest.current) return;
      setItems((prev) => (replace ? page.items : [...prev, ...page.items]));
      setNext(page.next_before ?? null);
    } catch (e) {
      if (id !== latest.current) return;
      setError(errorMessage(e));
    } finally {
      if (id === latest.current) setLoading(false);
    }
  }

  useEffect(() => {
    void load(null, true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [applied]);

  function onFilter(e: Event) {
    e.preventDefault();
    setApplied(filter);
    replaceQuery(qs({ municipality: filter }));
  }

  return (
    <>
      <PageHeading>{t('audit.title')}</PageHeading>
      <p class="lead">{t('audit.lead')}</p>

      <VerifyPanel />

      <form class="form form-inline" noValidate onSubmit={onFilter} ref={filterForm.formRef} aria-label={t('audit.filter')}>
        <FormMessages form={filterForm} idPrefix="af" />
        <SelectField
          form={filterForm}
          idPrefix="af"
          name="municipality"
          label={t('audit.filter')}
          value={filter}
          onChange={setFilter}
          options={[{ value: '', label: t('audit.filterAll') }, ...munis.map((m) => ({ value: m.slug, label: localized(m.name, m.name_en) }))]}
        />
        <button type="submit" class="btn btn-secondary">
          {t('audit.apply')}
        </button>
      </form>

      {error && <ErrorBox>{error}</ErrorBox>}
      {!loading && !error && items.length === 0 && <p>{t('audit.empty')}</p>}
      {items.length > 0 && (
        <TableWrap labelId="audit-caption">
          <table class="table table-audit table-stack" id="audit-table" role="table">
            <caption id="audit-caption">
              {t('audit.caption')}
              {applied ? `（${nameOf(applied)}）` : ''}
            </caption>
            <thead>
              <tr role="row">
                <th scope="col" role="columnheader">{t('audit.seq')}</th>
                <th scope="col" role="columnheader">{t('audit.at')}</th>
                <th scope="col" role="columnheader">{t('audit.action')}</th>
                <th scope="col" role="columnheader">{t('audit.tenant')}</th>
                <th scope="col" role="columnheader">{t('audit.actor')}</th>
                <th scope="col" role="columnheader">{t('audit.target')}</th>
                <th scope="col" role="columnheader">{t('audit.detail')}</th>
                <th scope="col" role="columnheader">{t('audit.hash')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.seq} role="row">
                  <td role="cell" class="num" data-label={t('audit.seq')}>{a.seq}</td>
                  <td role="cell" class="nowrap" data-label={t('audit.at')}>
                    <Time ms={a.at} />
                  </td>
                  <td role="cell" data-label={t('audit.action')}>
                    <span>
                      {actionLabel(a.action)}
                      <br />
                      <code class="muted">{a.action}</code>
                    </span>
                  </td>
                  <td role="cell" data-label={t('audit.tenant')}>{nameOf(a.tenant_slug)}</td>
                  <td role="cell" data-label={t('audit.actor')}>{a.actor ?? t('audit.system')}</td>
                  <td role="cell" class="break" data-label={t('audit.target')}>{a.target ?? '—'}</td>
                  <td role="cell" class="break" data-label={t('audit.detail')}>{detailText(a.detail) || '—'}</td>
                  <td role="cell" data-label={t('audit.hash')}>
                    <code class="hash" title={a.hash}>{a.hash ? `${a.hash.slice(0, 12)}…` : '—'}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <p class="visually-hidden" aria-live="polite">
        {items.length > 0 ? t('audit.count', { n: items.length }) : ''}
      </p>
      {loading && <Loading />}
      {!loading && next !== null && (
        <p>
          <button type="button" class="btn btn-secondary" onClick={() => void load(next, false)}>
            {t('audit.more')}
          </button>
        </p>
      )}
      {!loading && next === null && items.length > 0 && <p class="muted">{t('audit.end')}</p>}
    </>
  );
}

function VerifyPanel() {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<AuditVerify | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function verify() {
    setBusy(true);
    setResult(null);
    setError(null);
    try {
      setResult(await api<AuditVerify>('GET', '/audit/verify'));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section class="panel" aria-labelledby="audit-verify">
      <h2 id="audit-verify">{t('audit.verifySection')}</h2>
      <p>
        <button type="button" class="btn btn-secondary" onClick={() => void verify()} disabled={busy}>
          {busy ? t('audit.verifying') : t('audit.verify')}
        </button>
      </p>
      <div role="status" aria-live="polite" id="verify-result">
        {result && result.ok && (
          <div class="notice notice-success">
            <p>{t('audit.verifyOk', { entries: result.entries })}</p>
            {result.head && (
              <p class="break">
                {t('audit.verifyHead')}
                <code>{result.head}</code>
              </p>
            )}
          </div>
        )}
      </div>
      {result && !result.ok && (
        <ErrorBox>{t('audit.verifyBroken', { seq: result.first_broken?.seq ?? '?', reason: result.first_broken?.reason ?? '' })}</ErrorBox>
      )}
      {error && <ErrorBox>{error}</ErrorBox>}
    </section>
  );
}
