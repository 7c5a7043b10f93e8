// E-mail verification: submits ?token= automatically once and shows the outcome. A logged-in
// user whose address is still unverified can ask for a new mail.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, errorMessage } from '../api';
import { ErrorBox, Live, PageHeading, Status, useTitle } from '../components';
import { t } from '../i18n';
import { loadMe, meStore } from '../session';
import { useStore } from '../store';

type State = { kind: 'checking' } | { kind: 'ok' } | { kind: 'error'; message: string } | { kind: 'notoken' };

export function VerifyEmail() {
  useTitle(t('verify.title'));
  const me = useStore(meStore);
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const [state, setState] = useState<State>(token ? { kind: 'checking' } : { kind: 'notoken' });
  const started = useRef(false);

  useEffect(() => {
    if (!token || started.current) return;
    started.current = true;
    api('POST', '/auth/verify-email', { token }).then(
      async () => {
        setState({ kind: 'ok' });
        // The response is the verified user; refresh /me only if someone is logged in here.
        if (meStore.get()) await loadMe();
      },
      (e: unknown) => setState({ kind: 'error', message: errorMessage(e) }),
    );
  }, [token]);

  return (
    <>
      <PageHeading>{t('verify.title')}</PageHeading>
      {state.kind === 'checking' && (
        <p class="loading" role="status">
          {t('verify.checking')}
        </p>
      )}
      {state.kind === 'ok' && <Status>{t('verify.ok')}</Status>}
      {state.kind === 'error' && (
        <ErrorBox title={t('verify.failed')}>
          <p>{state.message}</p>
        </ErrorBox>
      )}
      {state.kind === 'notoken' && <ErrorBox>{t('verify.noToken')}</ErrorBox>}
      {me && !me.email_verified && state.kind !== 'ok' && state.kind !== 'checking' && <ResendButton />}
      <p>
        {me ? <a href="/account">{t('verify.toAccount')}</a> : state.kind === 'ok' ? <a href="/login">{t('verify.toLogin')}</a> : <a href="/">{t('common.backHome')}</a>}
      </p>
    </>
  );
}

/** "確認メールを送り直す": POST /auth/resend-verification. */
export function ResendButton() {
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  async function onClick() {
    setBusy(true);
    setMsg(null);
    try {
      await api('POST', '/auth/resend-verification', {});
      setMsg({ ok: true, text: t('verify.resent') });
    } catch (e) {
      setMsg({ ok: false, text: e instanceof ApiError ? e.message : errorMessage(e) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <div class="stack">
      <p>
        <button type="button" class="btn btn-secondary" onClick={onClick} disabled={busy}>
          {busy ? t('common.sending') : t('verify.resend')}
        </button>
      </p>
      <Live message={msg && msg.ok ? msg.text : null} />
      {msg && !msg.ok && <ErrorBox>{msg.text}</ErrorBox>}
    </div>
  );
}
