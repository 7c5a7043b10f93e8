// Opinion maps attached to a theme of a participatory process (issue 5: "can be attached to a
// theme of the deliberation issue or run as a standalone conversation").
//   <ThemeSelect …/>        staff forms: choose a theme of one of the municipality's processes,
//                           a <select> grouped by process (optional; '' = standalone).
//   <ThemeConversations …/> the theme page: the conversations attached to the theme, with a link
//                           to take part (open) or to the results (closed); drafts for staff only
//                           (the API leaves them out for everyone else).
// APIs: GET /municipalities/{slug}/processes, …/processes/{id}/themes, and
// GET …/opinion/conversations?theme_id=N (docs/api.md "Opinion map").
import { api, qs } from '../../api';
import type { FormState } from '../../components';
import { useAsync } from '../../hooks';
import { formatNumber, t, useLang, type MessageKey } from '../../i18n';
import './opinion.css';

const enc = encodeURIComponent;

interface ProcessLite {
  id: number;
  title: string;
  status: 'draft' | 'published' | 'closed';
}
interface ThemeLite {
  id: number;
  title: string;
  hidden?: boolean;
}
interface ConvLite {
  id: number;
  topic: string;
  status: 'draft' | 'open' | 'closed';
  n_participants: number;
  n_statements: number;
}

/** The municipality's processes that have themes, each with its themes (staff see drafts too). */
async function loadThemeGroups(slug: string): Promise<{ process: ProcessLite; themes: ThemeLite[] }[]> {
  const ps = await api<{ items: ProcessLite[] }>('GET', `/municipalities/${enc(slug)}/processes${qs({ limit: 100 })}`);
  const groups = await Promise.all(
    ps.items.map(async (process) => ({
      process,
      themes: (await api<{ items: ThemeLite[] }>('GET', `/municipalities/${enc(slug)}/processes/${process.id}/themes`)).items,
    })),
  );
  return groups.filter((g) => g.themes.length > 0);
}

/** A select of the municipality's themes grouped by process; value is the theme id as a string
 * ('' = not attached to a theme). Errors of the field `theme_id` from the server are shown. */
export function ThemeSelect({ form, idPrefix, slug, value, onChange }: { form: FormState; idPrefix: string; slug: string; value: string; onChange: (v: string) => void }) {
  useLang();
  const groups = useAsync(() => loadThemeGroups(slug), [slug]);
  const id = `${idPrefix}-theme_id`;
  const err = form.fieldError('theme_id');
  const known = !value || (groups.data ?? []).some((g) => g.themes.some((th) => String(th.id) === value));
  const describedBy = [`${id}-hint`, err ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={`field${err ? ' field-invalid' : ''}`}>
      <label for={id}>{t('opinion.theme')}</label>
      <p class="hint" id={`${id}-hint`}>
        {groups.error ? t('opinion.themeLoadError') : groups.data && groups.data.length === 0 ? t('opinion.themeNone') : t('opinion.themeHint')}
      </p>
      {err && (
        <p class="field-error" id={`${id}-error`}>
          <span class="visually-hidden">{t('common.error')}: </span>
          {err}
        </p>
      )}
      <select id={id} name="theme_id" value={value} aria-invalid={err ? 'true' : undefined} aria-describedby={describedBy} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">{t('opinion.themeStandalone')}</option>
        {!known && <option value={value}>{t('opinion.themeNumber', { id: value })}</option>}
        {(groups.data ?? []).map((g) => (
          <optgroup key={g.process.id} label={g.process.status === 'published' ? g.process.title : `${g.process.title}（${t(`opinion.processStatus.${g.process.status}` as MessageKey)}）`}>
            {g.themes.map((th) => (
              <option key={th.id} value={String(th.id)}>
                {th.hidden ? `${th.title}（${t('opinion.themeHidden')}）` : th.title}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </div>
  );
}

/** The opinion maps of one theme, for its page in the deliberation UI. Renders nothing while
 * loading, on an error, or when there are none (staff then get a link to create one). */
export function ThemeConversations({ slug, themeId, canManage = false }: { slug: string; themeId: number; canManage?: boolean }) {
  useLang();
  const list = useAsync(
    () => api<{ items: ConvLite[] }>('GET', `/municipalities/${enc(slug)}/opinion/conversations${qs({ theme_id: themeId, limit: 20 })}`),
    [slug, themeId],
  );
  const items = list.data?.items ?? [];
  const root = `/m/${enc(slug)}/opinion`;
  if (items.length === 0 && !canManage) return null;
  if (!list.data) return null;
  return (
    <section class="op-theme" aria-labelledby="op-theme-h">
      <h2 id="op-theme-h">{t('opinion.themeSection')}</h2>
      {items.length > 0 && (
        <>
          <p>{t('opinion.themeLead')}</p>
          <ul class="op-theme-list">
            {items.map((c) => (
              <li key={c.id}>
                <p class="op-theme-topic">
                  <strong>{c.topic}</strong> <span class={c.status === 'open' ? 'badge badge-ok' : 'badge'}>{t(`opinion.status.${c.status}` as MessageKey)}</span>
                </p>
                <p class="muted">
                  {t('opinion.participants', { n: formatNumber(c.n_participants) })}・{t('opinion.themeStatements', { n: formatNumber(c.n_statements) })}
                </p>
                <p class="op-theme-actions">
                  {c.status === 'open' && (
                    <a class="btn btn-primary" href={`${root}/${c.id}`}>
                      {t('opinion.themeJoin')}
                      <span class="visually-hidden">{t('opinion.themeLinkTopic', { topic: c.topic })}</span>
                    </a>
                  )}
                  {c.status !== 'draft' && (
                    <a href={`${root}/${c.id}/map`}>
                      {t('opinion.themeResults')}
                      <span class="visually-hidden">{t('opinion.themeLinkTopic', { topic: c.topic })}</span>
                    </a>
                  )}
                  {c.status === 'draft' && canManage && (
                    <a href={`${root}/${c.id}/manage`}>
                      {t('opinion.toManage')}
                      <span class="visually-hidden">{t('opinion.themeLinkTopic', { topic: c.topic })}</span>
                    </a>
                  )}
                </p>
              </li>
            ))}
          </ul>
        </>
      )}
      {canManage && (
        <p>
          <a href={`${root}${qs({ theme: themeId })}#op-create-h`}>{t('opinion.themeCreate')}</a>
        </p>
      )}
    </section>
  );
}
