// Municipality home: name, description, population, region, and the pages that exist for it.
import { useEffect } from 'preact/hooks';
import { api, type Municipality } from '../api';
import { ErrorBox, Loading, PageHeading, useTitle } from '../components';
import { loadRegions } from '../data';
import { useAsync } from '../hooks';
import { formatNumber, localized, t } from '../i18n';
import { isMunicipalityAdmin, meStore, placeStore } from '../session';
import { useStore } from '../store';
import type { Params } from '../router';

export function MunicipalityPage({ params }: { params: Params }) {
  const slug = params.slug ?? '';
  const me = useStore(meStore);
  const muni = useAsync(() => api<Municipality>('GET', `/municipalities/${encodeURIComponent(slug)}`), [slug]);
  const regions = useAsync(loadRegions, []);
  const m = muni.data;
  const name = m ? localized(m.name, m.name_en) : '';
  const notFound = muni.error?.status === 404;
  useTitle(m ? name : notFound ? t('notFound.title') : t('common.loading'));

  useEffect(() => {
    if (m) placeStore.set({ name: m.name, name_en: m.name_en, href: `/m/${encodeURIComponent(m.slug)}` });
  }, [m]);

  const region = m && regions.data?.find((r) => r.slug === m.region_slug);
  const description = m ? localized(m.description, m.description_en) : '';

  return (
    <>
      <PageHeading>{m ? name : notFound ? t('notFound.title') : t('common.loading')}</PageHeading>
      {muni.loading && <Loading />}
      {notFound && (
        <>
          <p>{t('muni.notFound')}</p>
          <p>
            <a href="/">{t('common.backHome')}</a>
          </p>
        </>
      )}
      {muni.error && !notFound && <ErrorBox>{muni.error.message}</ErrorBox>}
      {m && (
        <>
          <section aria-labelledby="muni-about">
            <h2 id="muni-about">{t('muni.about', { name })}</h2>
            {description ? (
              description.split(/\n{2,}/).map((para, i) => <p key={i}>{para}</p>)
            ) : (
              <p>{t('muni.noDescription')}</p>
            )}
            <dl class="facts">
              {typeof m.population === 'number' && (
                <div>
                  <dt>{t('muni.population')}</dt>
                  <dd>{t('muni.populationValue', { n: formatNumber(m.population) })}</dd>
                </div>
              )}
              {region && (
                <div>
                  <dt>{t('muni.region')}</dt>
                  <dd>
                    <a href="/">{localized(region.name, region.name_en)}</a>
                  </dd>
                </div>
              )}
            </dl>
          </section>
          <section aria-labelledby="muni-links">
            <h2 id="muni-links">{t('muni.links')}</h2>
            <ul class="link-list">
              <li>
                <a href={`/m/${encodeURIComponent(m.slug)}/processes`}>{t('process.listTitle')}</a>
              </li>
              <li>
                <a href={`/m/${encodeURIComponent(m.slug)}/search`}>{t('search.link')}</a>
              </li>
              <li>
                <a href={`/m/${encodeURIComponent(m.slug)}/desk`}>{t('desk.link')}</a>
              </li>
              <li>
                <a href={`/m/${encodeURIComponent(m.slug)}/opinion`}>{t('opinion.link')}</a>
              </li>
              <li>
                <a href={`/audit?municipality=${encodeURIComponent(m.slug)}`}>{t('muni.auditLink', { name })}</a>
              </li>
              {isMunicipalityAdmin(me, m.slug) && (
                <li>
                  <a href={`/m/${encodeURIComponent(m.slug)}/admin`}>{t('muni.adminLink', { name })}</a>
                </li>
              )}
            </ul>
          </section>
        </>
      )}
    </>
  );
}
