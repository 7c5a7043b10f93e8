// Region home: the region this installation serves and its municipalities.
import { useEffect } from 'preact/hooks';
import { ErrorBox, Loading, PageHeading, useTitle } from '../components';
import { loadRegions } from '../data';
import { useAsync } from '../hooks';
import { formatNumber, localized, t } from '../i18n';
import { meStore, placeStore } from '../session';
import { useStore } from '../store';
import type { MunicipalitySummary } from '../api';

function kindLabel(kind: string): string | null {
  if (kind === 'city') return t('home.kind.city');
  if (kind === 'town') return t('home.kind.town');
  if (kind === 'village') return t('home.kind.village');
  return null;
}

export function Home() {
  useTitle(t('home.title'));
  const me = useStore(meStore);
  const regions = useAsync(loadRegions, []);

  useEffect(() => {
    const r = regions.data?.[0];
    if (r) placeStore.set({ name: r.name, name_en: r.name_en, href: '/' });
  }, [regions.data]);

  return (
    <>
      <PageHeading>{t('home.heading')}</PageHeading>
      <p class="lead">{t('home.lead')}</p>
      {me === null && (
        <p class="callout">
          {t('home.loginPrompt')} <a href="/register">{t('nav.register')}</a> / <a href="/login">{t('nav.login')}</a>
        </p>
      )}
      {regions.loading && <Loading />}
      {regions.error && <ErrorBox>{regions.error.message}</ErrorBox>}
      {regions.data && regions.data.length === 0 && <p>{t('home.noRegions')}</p>}
      {regions.data?.map((r) => (
        <section key={r.slug} aria-labelledby={`region-${r.slug}`}>
          <h2 id={`region-${r.slug}`}>{t('home.municipalities', { region: localized(r.name, r.name_en) })}</h2>
          {localized(r.description, r.description_en) && <p>{localized(r.description, r.description_en)}</p>}
          <ul class="card-list">
            {r.municipalities.map((m) => (
              <MunicipalityCard key={m.slug} m={m} />
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}

/** The first sentence of a description, for a short card. */
function firstSentence(text: string): string {
  const m = /^.*?[。．.!?！？](?=\s|$|[^.])/s.exec(text.trim());
  return (m ? m[0] : text).trim();
}

function MunicipalityCard({ m }: { m: MunicipalitySummary }) {
  const kind = kindLabel(m.kind);
  const description = localized(m.description, m.description_en);
  return (
    <li class="card">
      <a href={`/m/${encodeURIComponent(m.slug)}`} class="card-link">
        <span class="card-title">{localized(m.name, m.name_en)}</span>
        {kind && <span class="card-meta">{kind}</span>}
        {typeof m.population === 'number' && <span class="card-meta">{t('home.population', { n: formatNumber(m.population) })}</span>}
        {description && <span class="card-text">{firstSentence(description)}</span>}
      </a>
    </li>
  );
}
