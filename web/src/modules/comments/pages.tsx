// Pages of the comments part: a discussion page for one target (/m/:slug/comments/:kind/:id),
// the staff moderation queue (/m/:slug/moderation) and the notification inbox (/notifications).
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../../api';
import { ErrorBox, Field, FormMessages, Live, Loading, PageHeading, SubmitButton, Time, useForm, useTitle } from '../../components';
import { useAsync } from '../../hooks';
import { t, useLang } from '../../i18n';
import type { Params } from '../../router';
import { meStore } from '../../session';
import { useStore } from '../../store';
import { dismiss, hide, loadNotifications, loadReports, loadThread, markRead, unhide, type Notification, type Report } from './api';
import { Comments } from './Comments';

export function DiscussionPage({ params }: { params: Params }) {
  useLang();
  const target = `${params.kind}:${params.id}`;
  const info = useAsync(() => loadThread(params.slug, target), [params.slug, target]);
  const title = info.data ? t('comments.page.title', { title: info.data.target_title }) : '';
  useTitle(title);
  return (
    <>
      <PageHeading>{title || t('common.loading')}</PageHeading>
      {info.error && <ErrorBox>{errorMessage(info.error)}</ErrorBox>}
      {info.data && (
        <>
          <p>
            <a href={`/m/${encodeURIComponent(params.slug)}/processes/${info.data.process_id}`}>{t('comments.page.back')}</a>
          </p>
          <Comments slug={params.slug} target={target} />
        </>
      )}
    </>
  );
}

const STATUSES = ['open', 'hidden', 'dismissed', 'all'] as const;

export function ModerationPage({ params }: { params: Params }) {
  useLang();
  useTitle(t('comments.moderation.title'));
  const slug = params.slug;
  const [status, setStatus] = useState<(typeof STATUSES)[number]>('open');
  const [shown, setShown] = useState<(typeof STATUSES)[number]>('open');
  const [items, setItems] = useState<Report[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  async function load(after: number | null) {
    setLoading(true);
    setError(null);
    try {
      const page = await loadReports(slug, shown, after);
      setItems((prev) => (after ? [...prev, ...page.items] : page.items));
      setNext(page.next_after);
    } catch (e) {
      setError(errorMessage(e));
      setItems([]);
    } finally {
      setLoading(false);
    }
  }
  useEffect(() => {
    void load(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [slug, shown]);

  const done = (text: string) => {
    setMessage(text);
    void load(null);
  };

  return (
    <>
      <PageHeading>{t('comments.moderation.title')}</PageHeading>
      <p class="lead">{t('comments.moderation.lead')}</p>
      <Live message={message} />
      <form
        class="form form-inline"
        onSubmit={(e) => {
          e.preventDefault();
          setShown(status);
        }}
      >
        <div class="field">
          <label for="mod-status">{t('comments.moderation.status')}</label>
          <select id="mod-status" value={status} onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value as (typeof STATUSES)[number])}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`comments.moderation.status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="btn btn-secondary">
          {t('comments.moderation.show')}
        </button>
      </form>
      {error && <ErrorBox>{error}</ErrorBox>}
      {!error && !loading && items.length === 0 && <p>{t('comments.moderation.empty')}</p>}
      <ul class="plain-list">
        {items.map((r) => (
          <li key={r.id}>
            <ReportItem slug={slug} r={r} onDone={done} />
          </li>
        ))}
      </ul>
      {loading && <Loading />}
      {next && !loading && (
        <button type="button" class="btn btn-secondary" onClick={() => void load(next)}>
          {t('comments.moderation.more')}
        </button>
      )}
    </>
  );
}

function ReportItem({ slug, r, onDone }: { slug: string; r: Report; onDone: (s: string) => void }) {
  const form = useForm();
  const [reason, setReason] = useState('');
  const prefix = `mod-${r.id}`;
  const kind = t(`comments.moderation.kind.${r.content_kind}`);
  return (
    <article class="report-item" aria-labelledby={`${prefix}-h`}>
      <h2 id={`${prefix}-h`} class="report-title">
        {kind} #{r.content_id} <span class="badge">{t(`comments.moderation.status.${r.status}`)}</span>
      </h2>
      <dl class="facts facts-compact">
        <dt>{t('comments.moderation.content')}</dt>
        <dd>
          {r.content ? (
            <>
              <span class="break">{r.content.text}</span>
              {r.content.hidden && (
                <>
                  <br />
                  <strong>{t('comments.moderation.currentlyHidden', { reason: r.content.hidden_reason ?? '' })}</strong>
                </>
              )}
              <br />
              <a href={r.content.url}>{t('comments.moderation.open')}</a>
            </>
          ) : (
            t('comments.moderation.gone')
          )}
        </dd>
        <dt>{t('comments.moderation.reportReason')}</dt>
        <dd class="break">{r.reason}</dd>
        <dt>{t('comments.moderation.reportedAt')}</dt>
        <dd>
          <Time ms={r.created_at} />
        </dd>
      </dl>
      {r.content && !r.content.hidden && r.status === 'open' && (
        <form
          class="form"
          ref={form.formRef}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void form.run(async () => {
              await hide(slug, r.content_kind, r.content_id, reason);
              onDone(t('comments.moderation.hidden'));
            });
          }}
        >
          <FormMessages form={form} idPrefix={prefix} />
          <Field form={form} idPrefix={prefix} name="reason" label={t('comments.moderation.hideReason')} value={reason} onInput={setReason} maxLength={200} required />
          <div class="button-row">
            <SubmitButton form={form} label={t('comments.moderation.hide')} variant="danger" />
            <button
              type="button"
              class="btn btn-secondary"
              onClick={() =>
                void form.run(async () => {
                  await dismiss(slug, r.id);
                  onDone(t('comments.moderation.dismissed'));
                })
              }
            >
              {t('comments.moderation.dismiss')}
            </button>
          </div>
        </form>
      )}
      {r.content?.hidden && (
        <div class="button-row">
          <button
            type="button"
            class="btn btn-secondary"
            onClick={() =>
              void form.run(async () => {
                await unhide(slug, r.content_kind, r.content_id);
                onDone(t('comments.moderation.unhidden'));
              })
            }
          >
            {t('comments.moderation.unhide')}
          </button>
        </div>
      )}
      {form.error && r.content?.hidden && <ErrorBox>{form.error.message}</ErrorBox>}
    </article>
  );
}

export function NotificationsPage() {
  useLang();
  useTitle(t('comments.inbox.title'));
  const me = useStore(meStore);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [items, setItems] = useState<Notification[]>([]);
  const [unread, setUnread] = useState(0);
  const [next, setNext] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  async function load(after: number | null) {
    setLoading(true);
    setError(null);
    try {
      const page = await loadNotifications(unreadOnly, after);
      setItems((prev) => (after ? [...prev, ...page.items] : page.items));
      setNext(page.next_after);
      setUnread(page.unread_count);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }
  useEffect(() => {
    if (me) void load(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [me?.id, unreadOnly]);

  async function read(ids: number[] | 'all') {
    try {
      const r = await markRead(ids === 'all' ? { all: true } : { ids });
      setUnread(r.unread_count);
      setItems((prev) => prev.map((n) => (ids === 'all' || ids.includes(n.id) ? { ...n, read: true } : n)));
      if (ids === 'all') setMessage(t('comments.inbox.markedAll'));
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  if (me === null)
    return (
      <>
        <PageHeading>{t('comments.inbox.title')}</PageHeading>
        <p>
          {t('comments.inbox.login')} <a href="/login?next=/notifications">{t('comments.login')}</a>
        </p>
      </>
    );
  return (
    <>
      <PageHeading>{t('comments.inbox.title')}</PageHeading>
      <p class="lead" id="inbox-unread">
        {t('comments.inbox.unread', { n: unread })}
      </p>
      <Live message={message} />
      <div class="button-row">
        <button type="button" class="btn btn-secondary" aria-pressed={unreadOnly ? 'true' : 'false'} onClick={() => setUnreadOnly(!unreadOnly)}>
          {t('comments.inbox.unreadOnly')}
        </button>
        {unread > 0 && (
          <button type="button" class="btn btn-secondary" onClick={() => void read('all')}>
            {t('comments.inbox.markAll')}
          </button>
        )}
      </div>
      {error && <ErrorBox>{error}</ErrorBox>}
      {!loading && items.length === 0 && !error && <p>{t('comments.inbox.empty')}</p>}
      <ul class="notification-list">
        {items.map((n) => (
          <li key={n.id} class={`notification${n.read ? '' : ' notification-unread'}`}>
            {!n.read && <span class="badge badge-warn">{t('comments.inbox.new')}</span>}
            <a class="notification-title" href={n.url || '#'} onClick={() => !n.read && void read([n.id])}>
              {n.title}
            </a>
            <span class="muted">
              <Time ms={n.created_at} />
            </span>
            {!n.read && (
              <button type="button" class="btn btn-secondary btn-small" onClick={() => void read([n.id])}>
                {t('comments.inbox.markRead')}
                <span class="visually-hidden">: {n.title}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
      {loading && <Loading />}
      {next && !loading && (
        <button type="button" class="btn btn-secondary" onClick={() => void load(next)}>
          {t('comments.inbox.more')}
        </button>
      )}
    </>
  );
}

/** A link to the inbox with the unread count, for the site header (the lead may place it). */
export function NotificationsLink() {
  useLang();
  const me = useStore(meStore);
  const [n, setN] = useState(0);
  useEffect(() => {
    if (!me) return;
    loadNotifications(true).then(
      (p) => setN(p.unread_count),
      () => setN(0),
    );
  }, [me?.id]);
  if (!me) return null;
  return <a href="/notifications">{t('comments.inbox.link', { n })}</a>;
}
