// Development outbox (/dev/outbox): shows the mails the server kept instead of sending
// (mail_mode=outbox), with URLs as links, so a person running the demo can open the
// verification link. A friendly notice when the server does not offer it (404).
import { useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { api, qs, type OutboxMail } from '../api';
import { ErrorBox, Field, FormMessages, Loading, PageHeading, Time, useForm, useTitle } from '../components';
import { useAsync } from '../hooks';
import { t } from '../i18n';
import { replaceQuery } from '../router';

const URL_RE = /https?:\/\/[^\s<>"'「」（）]+/g;
const APP_PATHS = /^\/(verify-email|password-reset\/confirm|login|account|m\/|audit)/;

/** Turns a plain-text body into text nodes and links. Trailing punctuation stays text. */
function linkify(body: string): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let last = 0;
  for (const m of body.matchAll(URL_RE)) {
    let url = m[0];
    const trail = /[.,;:!?。、)\]]+$/.exec(url);
    if (trail) url = url.slice(0, -trail[0].length);
    const start = m.index ?? 0;
    if (start > last) out.push(body.slice(last, start));
    out.push(<MailLink key={start} url={url} />);
    last = start + url.length;
  }
  if (last < body.length) out.push(body.slice(last));
  return out;
}

function MailLink({ url }: { url: string }) {
  let here: string | null = null;
  try {
    const u = new URL(url);
    // The mail may name another host/port than the one serving this page (e.g. a demo on a
    // different port): offer the same page on this site too.
    if (u.origin !== location.origin && APP_PATHS.test(u.pathname)) here = u.pathname + u.search;
  } catch {
    // Not a URL after all: plain link below.
  }
  return (
    <>
      <a href={url} class="break mail-link">
        {url}
      </a>
      {here && (
        <>
          {' '}
          <a href={here} class="mail-here">
            [{t('outbox.openHere', { path: here.split('?')[0] ?? here })}]
          </a>
        </>
      )}
    </>
  );
}

export function Outbox() {
  useTitle(t('outbox.title'));
  const initial = new URLSearchParams(location.search).get('to') ?? '';
  const [to, setTo] = useState(initial);
  const [applied, setApplied] = useState(initial);
  const form = useForm();
  const mails = useAsync(() => api<{ items: OutboxMail[] }>('GET', `/dev/outbox${qs({ to: applied })}`), [applied]);
  const notAvailable = mails.error?.status === 404;

  function onSubmit(e: Event) {
    e.preventDefault();
    const v = to.trim();
    replaceQuery(qs({ to: v }));
    if (v === applied) mails.reload();
    else setApplied(v);
  }

  const items = [...(mails.data?.items ?? [])].sort((a, b) => b.created_at - a.created_at || b.id - a.id);

  return (
    <>
      <PageHeading>{t('outbox.title')}</PageHeading>
      {notAvailable ? (
        <div class="notice notice-info">
          <p>{t('outbox.notAvailable')}</p>
        </div>
      ) : (
        <>
          <p class="lead">{t('outbox.lead')}</p>
          <form class="form form-inline" noValidate onSubmit={onSubmit} ref={form.formRef}>
            <FormMessages form={form} idPrefix="ob" />
            <Field form={form} idPrefix="ob" name="to" type="email" label={t('outbox.filter')} hint={t('outbox.filterHint')} value={to} onInput={setTo} autoComplete="off" inputMode="email" />
            <button type="submit" class="btn btn-secondary">
              {t('outbox.apply')}
            </button>
          </form>
          {mails.loading && <Loading />}
          {mails.error && <ErrorBox>{mails.error.message}</ErrorBox>}
          {mails.data && items.length === 0 && <p>{t('outbox.empty')}</p>}
          {items.length > 0 && (
            <ol class="mail-list">
              {items.map((m) => (
                <li key={m.id}>
                  <article class="mail" aria-labelledby={`mail-${m.id}`}>
                    <h2 id={`mail-${m.id}`} class="mail-subject">
                      {m.subject}
                    </h2>
                    <dl class="facts facts-compact">
                      <div>
                        <dt>{t('outbox.to')}</dt>
                        <dd class="break">{m.to}</dd>
                      </div>
                      <div>
                        <dt>{t('outbox.date')}</dt>
                        <dd>
                          <Time ms={m.created_at} />
                        </dd>
                      </div>
                    </dl>
                    <div class="mail-body">{linkify(m.body)}</div>
                  </article>
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </>
  );
}
