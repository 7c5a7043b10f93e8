// Pieces the desk's pages share: the municipality (header place), labels of stages, moves and
// decisions, a date-only <time>, the stage badge, who the user is to the desk, and the desk's
// small navigation.
import { useEffect } from 'preact/hooks';
import { api, type Municipality, type User } from '../../api';
import { useAsync } from '../../hooks';
import { getLang, hasKey, isoTime, localized, t, useLang } from '../../i18n';
import { placeStore } from '../../session';
import { deskPage } from './api';

/** Loads the municipality, puts it in the header and returns its localized name ('' while loading). */
export function useMuni(slug: string): { name: string; notFound: boolean } {
  const m = useAsync(() => api<Municipality>('GET', `/municipalities/${encodeURIComponent(slug)}`), [slug]);
  useEffect(() => {
    const d = m.data;
    if (d) placeStore.set({ name: d.name, name_en: d.name_en, href: `/m/${encodeURIComponent(d.slug)}` });
  }, [m.data]);
  return { name: m.data ? localized(m.data.name, m.data.name_en) : '', notFound: m.error?.status === 404 };
}

function label(prefix: string, value: string | null | undefined): string {
  if (!value) return '';
  const k = `${prefix}.${value}`;
  return hasKey(k) ? t(k) : value;
}

export const stageLabel = (s: string | null | undefined) => label('desk.stage', s);
export const groupLabel = (s: string | null | undefined) => label('desk.group', s);
export const moveLabel = (s: string | null | undefined) => label('desk.move', s);
export const eventLabel = (s: string | null | undefined) => label('desk.event', s);
export const decisionLabel = (s: string | null | undefined) => label('desk.decision', s);
export const methodLabel = (s: string | null | undefined) => label('desk.method', s);
export const waitingLabel = (s: string | null | undefined) => label('desk.waiting', s);
export const roleLabel = (s: string | null | undefined) => label('desk.actor', s);
export const kindLabel = (s: string | null | undefined) => label('desk.kind', s);

const dateFormats = new Map<string, Intl.DateTimeFormat>();

export function formatDate(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const lang = getLang();
  let f = dateFormats.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { timeZone: 'Asia/Tokyo', year: 'numeric', month: lang === 'ja' ? 'long' : 'short', day: 'numeric' });
    dateFormats.set(lang, f);
  }
  return f.format(new Date(ms));
}

/** A date (no time of day) in Japan time. */
export function DateOnly({ ms }: { ms: number | null | undefined }) {
  useLang();
  if (ms === null || ms === undefined) return <>{t('desk.none')}</>;
  return <time dateTime={isoTime(ms)}>{formatDate(ms)}</time>;
}

export function StageBadge({ stage, overdue }: { stage: string; overdue?: boolean }) {
  return (
    <>
      <span class={`badge desk-stage desk-stage-${stage}`}>{stageLabel(stage)}</span>
      {overdue && <span class="badge badge-warn">{t('desk.overdue')}</span>}
    </>
  );
}

export function isBusiness(me: User | null | undefined): boolean {
  return !!me && me.roles.some((r) => r.organization_id !== null && (r.role === 'business_admin' || r.role === 'business_member'));
}

export function orgIds(me: User | null | undefined): number[] {
  if (!me) return [];
  const ids = me.roles.filter((r) => r.organization_id !== null && (r.role === 'business_admin' || r.role === 'business_member')).map((r) => r.organization_id as number);
  return [...new Set(ids)];
}

/** Links between the desk's pages, shown under each page's heading. */
export function DeskNav({ slug, desk, business }: { slug: string; desk: boolean; business: boolean }) {
  const base = deskPage(slug);
  const m = useAsync(() => api<Municipality>('GET', `/municipalities/${encodeURIComponent(slug)}`), [slug]);
  const region = m.data?.region_slug;
  return (
    <nav class="desk-nav" aria-label={t('desk.nav.label')}>
      <ul>
        <li>
          <a href={base}>{t('desk.nav.list')}</a>
        </li>
        <li>
          <a href={`${base}/transparency`}>{t('desk.nav.transparency')}</a>
        </li>
        {business && (
          <li>
            <a href={`${base}/mine`}>{t('desk.nav.mine')}</a>
          </li>
        )}
        {desk && (
          <li>
            <a href={`${base}/dashboard`}>{t('desk.nav.dashboard')}</a>
          </li>
        )}
        <li>
          <a href={`${base}/calls`}>{t('desk.nav.calls')}</a>
        </li>
        <li>
          <a href="/desk/reverse">{t('desk.nav.reverse')}</a>
        </li>
        {desk && (
          <li>
            <a href={`${base}/referrals`}>{t('desk.nav.referrals')}</a>
          </li>
        )}
        {region && (
          <li>
            <a href={`/r/${encodeURIComponent(region)}/desk/cases`}>{t('desk.nav.cases')}</a>
          </li>
        )}
      </ul>
    </nav>
  );
}

/** Text with blank-line paragraphs, line breaks kept (CSS pre-line). */
export function Paragraphs({ text }: { text: string | null | undefined }) {
  if (!text) return <p class="muted">{t('desk.none')}</p>;
  return (
    <>
      {text.split(/\n{2,}/).map((para, i) => (
        <p key={i} class="desk-pre">
          {para}
        </p>
      ))}
    </>
  );
}
