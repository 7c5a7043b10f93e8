// Password reset: request a mail (always 202, no account enumeration), then set a new password
// from the mailed link (?token=).
import { useState } from 'preact/hooks';
import { api, ApiError, resetCsrf } from '../api';
import { ErrorBox, Field, FormMessages, PageHeading, Status, SubmitButton, useForm, useTitle } from '../components';
import { t } from '../i18n';
import { meStore } from '../session';

export function PasswordReset() {
  useTitle(t('reset.title'));
  const form = useForm();
  const [email, setEmail] = useState('');
  function onSubmit(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      await api('POST', '/auth/password-reset', { email: email.trim() });
      return t('reset.sent');
    });
  }
  return (
    <>
      <PageHeading>{t('reset.title')}</PageHeading>
      <p class="lead">{t('reset.lead')}</p>
      <form class="form" noValidate onSubmit={onSubmit} ref={form.formRef}>
        <FormMessages form={form} idPrefix="reset" />
        <Field form={form} idPrefix="reset" name="email" type="email" label={t('field.email')} value={email} onInput={setEmail} required autoComplete="email" inputMode="email" />
        <SubmitButton form={form} label={t('reset.submit')} />
      </form>
      <p>
        <a href="/login">{t('login.title')}</a>
      </p>
    </>
  );
}

export function PasswordResetConfirm() {
  useTitle(t('resetConfirm.title'));
  const form = useForm();
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const [password, setPassword] = useState('');
  const [password2, setPassword2] = useState('');
  const [done, setDone] = useState(false);

  function onSubmit(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      if (password !== password2) throw new ApiError(0, t('error.passwordMismatch'), { field: 'password_confirm' });
      await api('POST', '/auth/password-reset/confirm', { token, password });
      // Every session of the user ended, possibly including this one.
      resetCsrf();
      meStore.set(null);
      setDone(true);
    });
  }

  if (!token) {
    return (
      <>
        <PageHeading>{t('resetConfirm.title')}</PageHeading>
        <ErrorBox>{t('resetConfirm.noToken')}</ErrorBox>
        <p>
          <a href="/password-reset">{t('resetConfirm.again')}</a>
        </p>
      </>
    );
  }
  if (done) {
    return (
      <>
        <PageHeading>{t('resetConfirm.title')}</PageHeading>
        <Status>{t('resetConfirm.done')}</Status>
        <p>
          <a class="btn btn-primary" href="/login">
            {t('login.title')}
          </a>
        </p>
      </>
    );
  }
  return (
    <>
      <PageHeading>{t('resetConfirm.title')}</PageHeading>
      <p class="lead">{t('resetConfirm.lead')}</p>
      <form class="form" noValidate onSubmit={onSubmit} ref={form.formRef}>
        <FormMessages form={form} idPrefix="rc" />
        <Field form={form} idPrefix="rc" name="password" type="password" label={t('field.newPassword')} hint={t('field.passwordHint')} value={password} onInput={setPassword} required autoComplete="new-password" />
        <Field form={form} idPrefix="rc" name="password_confirm" type="password" label={t('field.passwordConfirm')} value={password2} onInput={setPassword2} required autoComplete="new-password" />
        <SubmitButton form={form} label={t('resetConfirm.submit')} />
      </form>
      {form.error && (
        <p>
          <a href="/password-reset">{t('resetConfirm.again')}</a>
        </p>
      )}
    </>
  );
}
