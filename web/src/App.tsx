// The application shell: skip link, header (site name, current place, language switch, login
// state), main navigation, the routed page inside <main>, and the footer. After every in-app
// navigation, focus moves to the page's <h1> so screen-reader and keyboard users start at the
// new content.
import { useEffect } from 'preact/hooks';
import type { ComponentType } from 'preact';
import { match, useLocation, type Params } from './router';
import { useStore } from './store';
import { localized, setLang, t, useLang } from './i18n';
import { flashStore, logout, meStore, navigateWithFlash, outboxStore, placeStore } from './session';
import { Live } from './components';
import { Home } from './pages/Home';
import { MunicipalityPage } from './pages/Municipality';
import { Register } from './pages/Register';
import { VerifyEmail } from './pages/VerifyEmail';
import { Login } from './pages/Login';
import { PasswordReset, PasswordResetConfirm } from './pages/PasswordReset';
import { Account } from './pages/Account';
import { Admin } from './pages/Admin';
import { Audit } from './pages/Audit';
import { Outbox } from './pages/Outbox';
import { NotFound } from './pages/NotFound';
import { processRoutes } from './modules/process/routes';
import { commentsRoutes } from './modules/comments/routes';
import { NotificationsLink } from './modules/comments';
import { draftsRoutes } from './modules/drafts/routes';
import { surveysRoutes } from './modules/surveys/routes';
import { workshopsRoutes } from './modules/workshops/routes';
import { reportsRoutes } from './modules/reports/routes';
import { searchRoutes } from './modules/search/routes';
import { statsRoutes } from './modules/stats/routes';
import { deskRoutes } from './modules/desk/routes';
import { deskReverseRoutes } from './modules/desk-reverse/routes';
import { deskSelectRoutes } from './modules/desk-select/routes';
import { opinionRoutes } from './modules/opinion/routes';

const routes: [string, ComponentType<{ params: Params }>][] = [
  ['/', Home],
  ['/m/:slug', MunicipalityPage],
  ['/m/:slug/admin', Admin],
  ['/register', Register],
  ['/verify-email', VerifyEmail],
  ['/login', Login],
  ['/password-reset', PasswordReset],
  ['/password-reset/confirm', PasswordResetConfirm],
  ['/account', Account],
  ['/audit', Audit],
  ['/dev/outbox', Outbox],
  ...processRoutes,
  ...commentsRoutes,
  ...draftsRoutes,
  ...surveysRoutes,
  ...workshopsRoutes,
  ...reportsRoutes,
  ...searchRoutes,
  ...statsRoutes,
  ...deskReverseRoutes,
  ...deskSelectRoutes,
  ...deskRoutes,
  ...opinionRoutes,
];

function resolve(path: string): [ComponentType<{ params: Params }>, Params] {
  for (const [pattern, comp] of routes) {
    const params = match(pattern, path);
    if (params) return [comp, params];
  }
  return [NotFound, {}];
}

export function App() {
  const lang = useLang();
  const loc = useLocation();
  const [Page, params] = resolve(loc.path);

  useEffect(() => {
    if (loc.seq === 0) return;
    const h1 = document.getElementById('page-title');
    if (h1) h1.focus();
    else document.getElementById('main')?.focus();
  }, [loc.seq]);

  return (
    <>
      <a class="skip-link" href="#main" onClick={skipToMain}>
        {t('skip.toMain')}
      </a>
      <Header lang={lang} path={loc.path} />
      <main id="main" tabIndex={-1}>
        <div class="container">
          <Flash seq={loc.seq} />
          <Page key={loc.path} params={params} />
        </div>
      </main>
      <Footer />
    </>
  );
}

function skipToMain(e: Event) {
  const main = document.getElementById('main');
  if (!main) return;
  e.preventDefault();
  main.focus();
  main.scrollIntoView();
}

function Flash({ seq }: { seq: number }) {
  const flash = useStore(flashStore);
  return <Live message={flash && flash.seq === seq ? flash.text : null} />;
}

function Header({ lang, path }: { lang: string; path: string }) {
  const me = useStore(meStore);
  const place = useStore(placeStore);
  const otherLang = lang === 'ja' ? 'en' : 'ja';

  async function onLogout() {
    try {
      await logout();
    } finally {
      navigateWithFlash('/', t('logout.done'));
    }
  }

  const navItems: [string, string][] = [
    ['/', t('nav.home')],
    ['/audit', t('nav.audit')],
  ];
  if (me) navItems.push(['/account', t('nav.account')]);

  return (
    <header class="site-header">
      <div class="header-top">
        <div class="container header-inner">
          <p class="brand">
            <a href="/" class="site-name">
              <span class="site-name-latin">kyoso</span> <span class="site-name-ja" lang="ja">共創</span>
            </a>
            {place && (
              <a href={place.href} class="place">
                <span class="visually-hidden">{t('nav.place')}: </span>
                {localized(place.name, place.name_en)}
              </a>
            )}
          </p>
          <div class="header-tools">
            <button type="button" class="lang-toggle" lang={otherLang} onClick={() => setLang(otherLang as 'ja' | 'en')}>
              <svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="20" height="20" class="icon">
                <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="2" />
                <path d="M3 12h18M12 3c3 3.5 3 14.5 0 18M12 3c-3 3.5-3 14.5 0 18" fill="none" stroke="currentColor" stroke-width="2" />
              </svg>
              {t('lang.switchTo')}
            </button>
            {me ? (
              <>
                <span class="who">{t('nav.loggedInAs', { name: me.display_name })}</span>
                <button type="button" class="btn-header" onClick={onLogout}>
                  {t('nav.logout')}
                </button>
              </>
            ) : me === null ? (
              <>
                <a class="btn-header" href={`/login${path !== '/login' && path !== '/register' ? `?next=${encodeURIComponent(path + location.search)}` : ''}`}>
                  {t('nav.login')}
                </a>
                <a class="btn-header btn-header-primary" href="/register">
                  {t('nav.register')}
                </a>
              </>
            ) : null}
          </div>
        </div>
      </div>
      <nav class="site-nav" aria-label={t('nav.label')}>
        <ul class="container">
          {navItems.map(([href, label]) => (
            <li key={href}>
              <a href={href} aria-current={path === href ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
          {me && (
            <li>
              <NotificationsLink />
            </li>
          )}
        </ul>
      </nav>
    </header>
  );
}

function Footer() {
  const outbox = useStore(outboxStore);
  return (
    <footer class="site-footer">
      <div class="container">
        <p class="footer-name">{t('site.name')}</p>
        <p>{t('footer.about')}</p>
        <nav aria-label={t('footer.links')}>
          <ul class="footer-links">
            <li>
              <a href="/audit">{t('footer.audit')}</a>
            </li>
            {outbox && (
              <li>
                <a href="/dev/outbox">{t('footer.outbox')}</a>
              </li>
            )}
          </ul>
        </nav>
        <p class="footer-note">{t('footer.times')}</p>
      </div>
    </footer>
  );
}

