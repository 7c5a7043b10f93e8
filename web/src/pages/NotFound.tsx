import { PageHeading, useTitle } from '../components';
import { t } from '../i18n';

export function NotFound() {
  useTitle(t('notFound.title'));
  return (
    <>
      <PageHeading>{t('notFound.title')}</PageHeading>
      <p>{t('notFound.body')}</p>
      <p>
        <a href="/">{t('common.backHome')}</a>
      </p>
    </>
  );
}

/** Shown to a logged-in user who lacks the role a page needs. The page that renders it sets the
 *  document title (a parent's effect runs after its child's). */
export function Forbidden({ detail }: { detail?: string }) {
  return (
    <>
      <PageHeading>{t('forbidden.title')}</PageHeading>
      <div class="notice notice-warning">
        <p>{t('forbidden.body')}</p>
        {detail && <p>{detail}</p>}
      </div>
      <p>
        <a href="/">{t('common.backHome')}</a>
      </p>
    </>
  );
}

/** Shown when a page needs a login; the page that renders it sets the document title. */
export function LoginRequired({ title }: { title: string }) {
  const next = encodeURIComponent(location.pathname + location.search);
  return (
    <>
      <PageHeading>{title}</PageHeading>
      <p>{t('auth.required')}</p>
      <p>
        <a class="btn btn-primary" href={`/login?next=${next}`}>
          {t('auth.loginLink')}
        </a>
      </p>
    </>
  );
}
