// Sign-up. The server logs the new user in and sends a verification mail.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type User } from '../api';
import { Field, FormMessages, PageHeading, SubmitButton, useForm, useTitle } from '../components';
import { getLang, t } from '../i18n';
import { meStore, outboxStore } from '../session';
import { useStore } from '../store';

export function Register() {
  useTitle(t('register.title'));
  const form = useForm();
  const outbox = useStore(outboxStore);
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [password2, setPassword2] = useState('');
  const [registered, setRegistered] = useState<User | null>(null);
  const doneRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (registered) doneRef.current?.focus();
  }, [registered]);

  function onSubmit(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      if (password !== password2) {
        throw new ApiError(0, t('error.passwordMismatch'), { field: 'password_confirm' });
      }
      const user = await api<User>('POST', '/auth/register', {
        email: email.trim(),
        password,
        display_name: displayName.trim(),
        lang: getLang(),
      });
      meStore.set(user);
      setRegistered(user);
    });
  }

  if (registered) {
    return (
      <>
        <PageHeading>{t('register.title')}</PageHeading>
        <div class="notice notice-success" role="status" tabIndex={-1} ref={doneRef}>
          <h2 class="notice-title">{t('register.doneHeading')}</h2>
          <p>{t('register.doneBody', { email: registered.email })}</p>
          <p>{t('register.doneNoMail')}</p>
        </div>
        <ul class="link-list">
          <li>
            <a href="/account">{t('register.toAccount')}</a>
          </li>
          {outbox && (
            <li>
              <a href={`/dev/outbox?to=${encodeURIComponent(registered.email)}`}>{t('footer.outbox')}</a>
            </li>
          )}
        </ul>
      </>
    );
  }

  return (
    <>
      <PageHeading>{t('register.title')}</PageHeading>
      <p class="lead">{t('register.lead')}</p>
      <form class="form" noValidate onSubmit={onSubmit} ref={form.formRef}>
        <FormMessages form={form} idPrefix="reg" />
        <Field form={form} idPrefix="reg" name="display_name" label={t('field.displayName')} hint={t('field.displayNameHint')} value={displayName} onInput={setDisplayName} required autoComplete="nickname" maxLength={50} />
        <Field form={form} idPrefix="reg" name="email" type="email" label={t('field.email')} value={email} onInput={setEmail} required autoComplete="email" inputMode="email" />
        <Field form={form} idPrefix="reg" name="password" type="password" label={t('field.password')} hint={t('field.passwordHint')} value={password} onInput={setPassword} required autoComplete="new-password" />
        <Field form={form} idPrefix="reg" name="password_confirm" type="password" label={t('field.passwordConfirm')} value={password2} onInput={setPassword2} required autoComplete="new-password" />
        <SubmitButton form={form} label={t('register.submit')} />
      </form>
      <p>
        {t('register.haveAccount')} <a href="/login">{t('register.loginLink')}</a>
      </p>
    </>
  );
}
