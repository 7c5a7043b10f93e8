// Small pieces shared by the desk-reverse pages.
import type { User } from '../../api';
import { t } from '../../i18n';
import type { Theme } from './api';

/** Text with line breaks as paragraphs. */
export function Paras({ text }: { text: string | null | undefined }) {
  if (!text) return null;
  return (
    <>
      {text
        .split(/\n+/)
        .filter((p) => p.trim())
        .map((p, i) => (
          <p key={i}>{p}</p>
        ))}
    </>
  );
}

/** The organizations the user is a business member of. */
export function myOrgIds(me: User | null | undefined): number[] {
  if (!me) return [];
  const ids = me.roles.filter((r) => (r.role === 'business_admin' || r.role === 'business_member') && r.organization_id).map((r) => r.organization_id as number);
  return [...new Set(ids)];
}

export function themeStatus(th: Theme): string {
  if (th.picked_at) return t('desk-reverse.status.picked');
  if (th.status === 'published' && !th.accepting) return t('desk-reverse.status.deadlinePassed');
  return t(`desk-reverse.status.${th.status}` as 'desk-reverse.status.draft');
}

export function ReverseNav() {
  return (
    <nav class="dr-nav" aria-label={t('desk-reverse.nav.reverse')}>
      <ul class="button-row plain">
        <li>
          <a href="/desk/reverse">{t('desk-reverse.nav.reverse')}</a>
        </li>
        <li>
          <a href="/r/minato/desk/cases">{t('desk-reverse.nav.cases')}</a>
        </li>
      </ul>
    </nav>
  );
}
