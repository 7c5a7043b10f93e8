// My account: profile, e-mail change, password change, devices (sessions), data export and
// account deletion. Each section is its own form with its own messages.
import { useState } from 'preact/hooks';
import { api, ApiError, errorMessage, request, resetCsrf, type Session, type User } from '../api';
import { ErrorBox, Live, Field, FormMessages, Loading, PageHeading, SelectField, SubmitButton, Time, useForm, useTitle } from '../components';
import { useAsync } from '../hooks';
import { formatTime, getLang, localized, roleLabel, setLang, t } from '../i18n';
import { loadRegions } from '../data';
import { meStore, navigateWithFlash } from '../session';
import { useStore } from '../store';
import { LoginRequired } from './NotFound';
import { ResendButton } from './VerifyEmail';

export function Account() {
  const me = useStore(meStore);
  useTitle(t('account.title'));
  if (me === undefined) {
    return (
      <>
        <PageHeading>{t('account.title')}</PageHeading>
        <Loading />
      </>
    );
  }
  if (me === null) return <LoginRequired title={t('account.title')} />;
  return (
    <>
      <PageHeading>{t('account.title')}</PageHeading>
      <nav class="toc" aria-labelledby="toc-title">
        <p id="toc-title" class="toc-title">
          {t('account.toc')}
        </p>
        <ul>
          <li><a href="#profile">{t('account.profile')}</a></li>
          <li><a href="#email">{t('account.emailSection')}</a></li>
          <li><a href="#password">{t('account.passwordSection')}</a></li>
          <li><a href="#sessions">{t('account.sessionsSection')}</a></li>
          <li><a href="#export">{t('account.exportSection')}</a></li>
          <li><a href="#delete">{t('account.deleteSection')}</a></li>
        </ul>
      </nav>
      <ProfileSection me={me} />
      <RolesSection me={me} />
      <EmailSection me={me} />
      <PasswordSection />
      <SessionsSection />
      <ExportSection />
      <DeleteSection />
    </>
  );
}

function ProfileSection({ me }: { me: User }) {
  const form = useForm();
  const [displayName, setDisplayName] = useState(me.display_name);
  const [lang, setLangValue] = useState<string>(me.lang ?? getLang());
  function onSubmit(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      const user = await api<User>('PATCH', '/me', { display_name: displayName.trim(), lang });
      meStore.set(user);
      if (user.lang && user.lang !== getLang()) setLang(user.lang);
      return t('account.profileSaved');
    });
  }
  return (
    <section class="panel" aria-labelledby="profile">
      <h2 id="profile" tabIndex={-1}>{t('account.profile')}</h2>
      <form class="form" noValidate onSubmit={onSubmit} ref={form.formRef}>
        <FormMessages form={form} idPrefix="profile" />
        <Field form={form} idPrefix="profile" name="display_name" label={t('field.displayName')} hint={t('field.displayNameHint')} value={displayName} onInput={setDisplayName} required autoComplete="nickname" maxLength={50} />
        <SelectField
          form={form}
          idPrefix="profile"
          name="lang"
          label={t('field.lang')}
          value={lang}
          onChange={setLangValue}
          options={[
            { value: 'ja', label: '日本語', lang: 'ja' },
            { value: 'en', label: 'English', lang: 'en' },
          ]}
        />
        <SubmitButton form={form} label={t('common.save')} busyLabel="common.saving" />
      </form>
    </section>
  );
}

function RolesSection({ me }: { me: User }) {
  const roles = me.roles ?? [];
  const regions = useAsync(loadRegions, []);
  const muniName = (slug: string | null): string => {
    if (!slug) return '';
    for (const r of regions.data ?? []) {
      if (r.slug === slug) return localized(r.name, r.name_en);
      const m = r.municipalities.find((x) => x.slug === slug);
      if (m) return localized(m.name, m.name_en);
    }
    return slug;
  };
  const adminOf = roles.filter((r) => r.role === 'municipality_admin' && r.tenant_slug);
  return (
    <section class="panel" aria-labelledby="roles">
      <h2 id="roles">{t('account.roles')}</h2>
      {roles.length === 0 && !me.platform_admin ? (
        <p>{t('account.noRoles')}</p>
      ) : (
        <ul class="plain-list">
          {me.platform_admin && <li>{roleLabel('platform_admin')}</li>}
          {roles.map((r) => (
            <li key={r.id}>
              {roleLabel(r.role)}
              {r.tenant_slug ? (getLang() === 'ja' ? `（${muniName(r.tenant_slug)}）` : ` (${muniName(r.tenant_slug)})`) : ''}
            </li>
          ))}
        </ul>
      )}
      {adminOf.length > 0 && (
        <>
          <h3>{t('account.adminLinks')}</h3>
          <ul class="link-list">
            {adminOf.map((r) => (
              <li key={r.id}>
                <a href={`/m/${encodeURIComponent(r.tenant_slug as string)}/admin`}>{t('account.adminOf', { name: muniName(r.tenant_slug) })}</a>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function EmailSection({ me }: { me: User }) {
  const form = useForm();
  const [newEmail, setNewEmail] = useState('');
  const [password, setPassword] = useState('');
  function onSubmit(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      const user = await api<User>('PUT', '/me/email', { current_password: password, new_email: newEmail.trim() });
      meStore.set(user);
      setNewEmail('');
      setPassword('');
      return t('account.emailChanged');
    });
  }
  return (
    <section class="panel" aria-labelledby="email">
      <h2 id="email" tabIndex={-1}>{t('account.emailSection')}</h2>
      <dl class="facts">
        <div>
          <dt>{t('account.currentEmail')}</dt>
          <dd>
            <span class="break">{me.email}</span>{' '}
            <span class={`badge ${me.email_verified ? 'badge-ok' : 'badge-warn'}`}>
              {me.email_verified ? t('account.verified') : t('account.unverified')}
            </span>
          </dd>
        </div>
      </dl>
      {!me.email_verified && (
        <>
          <p>{t('account.unverifiedNote')}</p>
          <ResendButton />
        </>
      )}
      <p>{t('account.emailLead')}</p>
      <form class="form" noValidate onSubmit={onSubmit} ref={form.formRef}>
        <FormMessages form={form} idPrefix="email" />
        <Field form={form} idPrefix="email" name="new_email" type="email" label={t('field.newEmail')} value={newEmail} onInput={setNewEmail} required autoComplete="email" inputMode="email" />
        <Field form={form} idPrefix="email" name="current_password" type="password" label={t('field.currentPassword')} value={password} onInput={setPassword} required autoComplete="current-password" />
        <SubmitButton form={form} label={t('account.emailSubmit')} />
      </form>
    </section>
  );
}

function PasswordSection() {
  const form = useForm();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [next2, setNext2] = useState('');
  function onSubmit(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      if (next !== next2) throw new ApiError(0, t('error.passwordMismatch'), { field: 'new_password_confirm' });
      await api('PUT', '/me/password', { current_password: current, new_password: next });
      setCurrent('');
      setNext('');
      setNext2('');
      return t('account.passwordChanged');
    });
  }
  return (
    <section class="panel" aria-labelledby="password">
      <h2 id="password" tabIndex={-1}>{t('account.passwordSection')}</h2>
      <p>{t('account.passwordLead')}</p>
      <form class="form" noValidate onSubmit={onSubmit} ref={form.formRef}>
        <FormMessages form={form} idPrefix="pw" />
        <Field form={form} idPrefix="pw" name="current_password" type="password" label={t('field.currentPassword')} value={current} onInput={setCurrent} required autoComplete="current-password" />
        <Field form={form} idPrefix="pw" name="new_password" type="password" label={t('field.newPassword')} hint={t('field.passwordHint')} value={next} onInput={setNext} required autoComplete="new-password" />
        <Field form={form} idPrefix="pw" name="new_password_confirm" type="password" label={t('field.passwordConfirm')} value={next2} onInput={setNext2} required autoComplete="new-password" />
        <SubmitButton form={form} label={t('account.passwordSubmit')} />
      </form>
    </section>
  );
}

/** A short, human name for a User-Agent string ("Chrome（Windows）"). */
export function describeAgent(ua: string | null | undefined): string {
  if (!ua) return t('account.sessionUnknownDevice');
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /(Chrome|Chromium|CriOS)\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : null;
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone/.test(ua)
      ? 'iPhone'
      : /iPad/.test(ua)
        ? 'iPad'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Mac OS X|Macintosh/.test(ua)
            ? 'Mac'
            : /Linux|X11/.test(ua)
              ? 'Linux'
              : null;
  if (browser && os) return getLang() === 'ja' ? `${browser}（${os}）` : `${browser} (${os})`;
  return browser ?? os ?? ua.slice(0, 40);
}

function SessionsSection() {
  const sessions = useAsync(() => api<{ items: Session[] }>('GET', '/me/sessions'), []);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const items = sessions.data?.items ?? [];
  const others = items.filter((s) => !s.current);

  async function act(fn: () => Promise<string>) {
    setBusy(true);
    setMsg(null);
    try {
      setMsg({ ok: true, text: await fn() });
    } catch (e) {
      setMsg({ ok: false, text: errorMessage(e) });
    } finally {
      setBusy(false);
      sessions.reload();
    }
  }

  function revokeOne(s: Session) {
    void act(async () => {
      await api('DELETE', `/me/sessions/${encodeURIComponent(String(s.id))}`);
      return t('account.sessionRevoked');
    });
  }
  function revokeOthers() {
    void act(async () => {
      if (others.length === 0) return t('account.sessionsNoOthers');
      for (const s of others) await api('DELETE', `/me/sessions/${encodeURIComponent(String(s.id))}`);
      return t('account.sessionsOthersDone');
    });
  }
  async function revokeAll() {
    setBusy(true);
    setMsg(null);
    try {
      await api('DELETE', '/me/sessions');
      resetCsrf();
      meStore.set(null);
      navigateWithFlash('/login', t('account.sessionsAllDone'));
    } catch (e) {
      setMsg({ ok: false, text: errorMessage(e) });
      setBusy(false);
    }
  }

  return (
    <section class="panel" aria-labelledby="sessions">
      <h2 id="sessions" tabIndex={-1}>{t('account.sessionsSection')}</h2>
      <p>{t('account.sessionsLead')}</p>
      <Live message={msg && msg.ok ? msg.text : null} />
      {msg && !msg.ok && <ErrorBox>{msg.text}</ErrorBox>}
      {sessions.loading && !sessions.data && <Loading />}
      {sessions.error && <ErrorBox>{sessions.error.message}</ErrorBox>}
      {items.length > 0 && (
        <ul class="session-list">
          {items.map((s) => {
            const device = describeAgent(s.user_agent);
            return (
              <li key={s.id} class={`session${s.current ? ' session-current' : ''}`}>
                <p class="session-device">
                  {device}
                  {s.current && <span class="badge badge-ok">{t('account.sessionCurrent')}</span>}
                </p>
                <dl class="facts facts-compact">
                  <div>
                    <dt>{t('account.sessionCreated')}</dt>
                    <dd><Time ms={s.created_at} /></dd>
                  </div>
                  <div>
                    <dt>{t('account.sessionLastSeen')}</dt>
                    <dd><Time ms={s.last_seen_at} /></dd>
                  </div>
                </dl>
                {!s.current && (
                  <button
                    type="button"
                    class="btn btn-secondary"
                    disabled={busy}
                    aria-label={t('account.sessionRevokeLabel', { device, time: formatTime(s.created_at) })}
                    onClick={() => revokeOne(s)}
                  >
                    {t('account.sessionRevoke')}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <div class="button-row">
        <button type="button" class="btn btn-secondary" disabled={busy} onClick={revokeOthers}>
          {t('account.sessionsOthers')}
        </button>
        <button type="button" class="btn btn-secondary" disabled={busy} onClick={() => void revokeAll()}>
          {t('account.sessionsAll')}
        </button>
      </div>
    </section>
  );
}

function filenameFrom(disposition: string | null): string {
  const m = disposition && /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  if (m && m[1]) {
    try {
      return decodeURIComponent(m[1]);
    } catch {
      return m[1];
    }
  }
  return 'kyoso-my-data.json';
}

function ExportSection() {
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  async function onClick() {
    setBusy(true);
    setMsg(null);
    try {
      const res = await request('GET', '/me/export');
      const blob = await res.blob();
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = filenameFrom(res.headers.get('Content-Disposition'));
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setMsg({ ok: true, text: t('account.exportDone') });
    } catch (e) {
      setMsg({ ok: false, text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <section class="panel" aria-labelledby="export">
      <h2 id="export" tabIndex={-1}>{t('account.exportSection')}</h2>
      <p>{t('account.exportLead')}</p>
      <p>
        <button type="button" class="btn btn-secondary" onClick={() => void onClick()} disabled={busy}>
          {t('account.exportButton')}
        </button>
      </p>
      <Live message={msg && msg.ok ? msg.text : null} />
      {msg && !msg.ok && <ErrorBox>{msg.text}</ErrorBox>}
    </section>
  );
}

function DeleteSection() {
  const form = useForm();
  const [password, setPassword] = useState('');
  function onSubmit(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      await api('DELETE', '/me', { current_password: password });
      resetCsrf();
      meStore.set(null);
      navigateWithFlash('/', t('account.deleteDone'));
    });
  }
  return (
    <section class="panel panel-danger" aria-labelledby="delete">
      <h2 id="delete" tabIndex={-1}>{t('account.deleteSection')}</h2>
      <div class="notice notice-warning">
        <p class="notice-title">{t('account.deleteWarning')}</p>
        <ul>
          <li>{t('account.deleteBody1')}</li>
          <li>{t('account.deleteBody2')}</li>
          <li>{t('account.deleteBody3')}</li>
        </ul>
      </div>
      <form class="form" noValidate onSubmit={onSubmit} ref={form.formRef}>
        <FormMessages form={form} idPrefix="del" />
        <Field form={form} idPrefix="del" name="current_password" type="password" label={t('field.currentPassword')} hint={t('account.deleteHint')} value={password} onInput={setPassword} required autoComplete="current-password" />
        <SubmitButton form={form} label={t('account.deleteSubmit')} variant="danger" />
      </form>
    </section>
  );
}

