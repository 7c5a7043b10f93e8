// Log in with e-mail and password; returns to ?next= (a local path) afterwards.
import { useState } from 'preact/hooks';
import { api, resetCsrf, type User } from '../api';
import { Field, FormMessages, PageHeading, SubmitButton, useForm, useTitle } from '../components';
import { t } from '../i18n';
import { meStore, navigateWithFlash } from '../session';
import { useStore } from '../store';

/** Only same-site paths are accepted as a return address (no //host, no scheme). */
export function safeNext(raw: string | null): string | null {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return null;
  return raw;
}

export function Login() {
  useTitle(t('login.title'));
  const me = useStore(meStore);
  const form = useForm();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const next = safeNext(new URLSearchParams(location.search).get('next'));

  function onSubmit(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      const user = await api<User>('POST', '/auth/login', { email: email.trim(), password });
      // The session was rotated; the CSRF cookie may be bound to it.
      resetCsrf();
      meStore.set(user);
      navigateWithFlash(next ?? '/', t('login.done', { name: user.display_name }));
    });
  }

  return (
    <>
      <PageHeading>{t('login.title')}</PageHeading>
      {me && <p class="callout">{t('login.already', { name: me.display_name })}</p>}
      <form class="form" noValidate onSubmit={onSubmit} ref={form.formRef}>
        <FormMessages form={form} idPrefix="login" />
        <Field form={form} idPrefix="login" name="email" type="email" label={t('field.email')} value={email} onInput={setEmail} required autoComplete="username" inputMode="email" />
        <Field form={form} idPrefix="login" name="password" type="password" label={t('field.password')} value={password} onInput={setPassword} required autoComplete="current-password" />
        <SubmitButton form={form} label={t('login.submit')} />
      </form>
      <ul class="link-list">
        <li>
          <a href="/password-reset">{t('login.forgot')}</a>
        </li>
        <li>
          {t('login.noAccount')} <a href="/register">{t('login.registerLink')}</a>
        </li>
      </ul>
    </>
  );
}
