// Shared UI pieces: form fields wired for accessibility (label, hint and error tied with
// aria-describedby, aria-invalid), the error summary and status messages, the page heading that
// receives focus after navigation, tables that scroll inside a labelled container.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';
import { formatTime, isoTime, t, useLang, type MessageKey } from './i18n';

/** Sets document.title to "<page> | kyoso 共創". */
export function useTitle(title: string) {
  useEffect(() => {
    document.title = title ? `${title} | ${t('site.titleSuffix')}` : t('site.name');
  }, [title]);
}

/** The page's main heading. Layout focuses it after each in-app navigation. */
export function PageHeading({ children }: { children: ComponentChildren }) {
  return (
    <h1 id="page-title" tabIndex={-1}>
      {children}
    </h1>
  );
}

export function Time({ ms }: { ms: number | null | undefined }) {
  useLang();
  return <time dateTime={isoTime(ms)}>{formatTime(ms)}</time>;
}

export function Loading() {
  return (
    <p class="loading" role="status">
      {t('common.loading')}
    </p>
  );
}

/** A message that is announced politely (success, progress). */
export function Status({ children, tone = 'success' }: { children: ComponentChildren; tone?: 'success' | 'info' }) {
  return (
    <div class={`notice notice-${tone}`} role="status">
      {children}
    </div>
  );
}

/** A polite live region that is always in the page, so that a message placed into it later is
 *  announced by screen readers (a region created together with its text often is not). */
export function Live({ message, id }: { message: string | null | undefined; id?: string }) {
  return (
    <div role="status" aria-live="polite" class="live" id={id}>
      {message ? <div class="notice notice-success">{message}</div> : null}
    </div>
  );
}

/** An error announced immediately (role=alert). */
export function ErrorBox({ children, title, focus = false }: { children: ComponentChildren; title?: string; focus?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus, children]);
  return (
    <div class="notice notice-error" role="alert" tabIndex={-1} ref={ref}>
      {title && <p class="notice-title">{title}</p>}
      <div>{children}</div>
    </div>
  );
}

export type FormError = ApiError | null;

export interface FormState {
  busy: boolean;
  error: FormError;
  done: string | null;
  /** Runs an async action: clears messages, records the error, sets `done` to the returned text. */
  run: (fn: () => Promise<string | void>) => Promise<boolean>;
  fieldError: (name: string) => string | undefined;
  clear: () => void;
  setError: (e: FormError) => void;
  formRef: { current: HTMLFormElement | null };
}

/** The server's detail for a field error, without the technical "field: " prefix it may carry
 *  (the message is shown next to the labelled field anyway). */
export function fieldMessage(error: ApiError): string {
  const f = error.field;
  if (f && error.message.startsWith(`${f}: `)) return error.message.slice(f.length + 2);
  return error.message;
}

/** State for one form. After a failure, focus goes to the named field or the error summary. */
export function useForm(): FormState {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<FormError>(null);
  const [done, setDone] = useState<string | null>(null);
  const [errorSeq, setErrorSeq] = useState(0);
  const formRef = useRef<HTMLFormElement | null>(null);

  useEffect(() => {
    if (!error || !formRef.current) return;
    const form = formRef.current;
    const target = error.field
      ? (form.querySelector(`[name="${CSS.escape(error.field)}"]`) as HTMLElement | null)
      : null;
    if (target) target.focus();
    else (form.querySelector('.notice-error') as HTMLElement | null)?.focus();
  }, [error, errorSeq]);

  async function run(fn: () => Promise<string | void>): Promise<boolean> {
    if (busy) return false;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const text = await fn();
      if (text) setDone(text);
      return true;
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, e instanceof Error ? e.message : String(e)));
      setErrorSeq((n) => n + 1);
      return false;
    } finally {
      setBusy(false);
    }
  }

  return {
    busy,
    error,
    done,
    run,
    fieldError: (name) => (error && error.field === name ? fieldMessage(error) : undefined),
    clear: () => {
      setError(null);
      setDone(null);
    },
    setError: (e) => {
      setError(e);
      setErrorSeq((n) => n + 1);
    },
    formRef,
  };
}

/** Error summary and success message for a form, placed at its top. */
export function FormMessages({ form, idPrefix }: { form: FormState; idPrefix: string }) {
  const { error, done } = form;
  return (
    <>
      {error && (
        <div class="notice notice-error" role="alert" tabIndex={-1}>
          <p class="notice-title">{error.field ? t('common.errorSummary') : t('common.error')}</p>
          {error.field && document.getElementById(`${idPrefix}-${error.field}`) ? (
            <p>
              <a href={`#${idPrefix}-${error.field}`} onClick={(e) => focusField(e, `${idPrefix}-${error.field}`)}>
                {fieldLabel(`${idPrefix}-${error.field}`)}
                {fieldMessage(error)}
              </a>
            </p>
          ) : (
            <p>{error.message}</p>
          )}
        </div>
      )}
      <Live message={done} />
    </>
  );
}

/** "メールアドレス：" taken from the field's <label>, to prefix the summary message. */
function fieldLabel(id: string): string {
  const label = document.querySelector(`label[for="${CSS.escape(id)}"]`);
  const text = label?.firstChild?.textContent?.trim();
  if (!text) return '';
  return document.documentElement.lang === 'ja' ? `${text}：` : `${text}: `;
}

function focusField(e: Event, id: string) {
  const el = document.getElementById(id);
  if (el) {
    e.preventDefault();
    el.focus();
  }
}

interface FieldProps {
  form: FormState;
  idPrefix: string;
  name: string;
  label: string;
  type?: string;
  value: string;
  onInput: (v: string) => void;
  hint?: string;
  required?: boolean;
  autoComplete?: string;
  inputMode?: JSX.HTMLAttributes['inputMode'];
  maxLength?: number;
  min?: number;
  max?: number;
  /** for type="number": "any" allows decimals */
  step?: string;
  multiline?: boolean;
  rows?: number;
}

/** A labelled input. Its id is `${idPrefix}-${name}`; `name` is the API's JSON field name, so a
 *  problem+json `field` finds it. */
export function Field(p: FieldProps) {
  const id = `${p.idPrefix}-${p.name}`;
  const err = p.form.fieldError(p.name);
  const describedBy = [p.hint ? `${id}-hint` : '', err ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: p.name,
    value: p.value,
    'aria-invalid': err ? ('true' as const) : undefined,
    'aria-describedby': describedBy,
    'aria-required': p.required ? ('true' as const) : undefined,
    autoComplete: p.autoComplete,
    maxLength: p.maxLength,
  };
  return (
    <div class={`field${err ? ' field-invalid' : ''}`}>
      <label for={id}>
        {p.label}
        {p.required ? (
          <>
            {' '}
            <span class="req">{t('common.required')}</span>
          </>
        ) : null}
      </label>
      {p.hint && (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      )}
      {err && (
        <p class="field-error" id={`${id}-error`}>
          <span class="visually-hidden">{t('common.error')}: </span>
          {err}
        </p>
      )}
      {p.multiline ? (
        <textarea {...common} rows={p.rows ?? 5} onInput={(e) => p.onInput((e.currentTarget as HTMLTextAreaElement).value)} />
      ) : (
        <input
          {...common}
          type={p.type ?? 'text'}
          inputMode={p.inputMode}
          min={p.min}
          max={p.max}
          step={p.step}
          onInput={(e) => p.onInput((e.currentTarget as HTMLInputElement).value)}
        />
      )}
    </div>
  );
}

interface SelectProps {
  form: FormState;
  idPrefix: string;
  name: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: { value: string; label: string; lang?: string }[];
  hint?: string;
}

export function SelectField(p: SelectProps) {
  const id = `${p.idPrefix}-${p.name}`;
  const err = p.form.fieldError(p.name);
  const describedBy = [p.hint ? `${id}-hint` : '', err ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${err ? ' field-invalid' : ''}`}>
      <label for={id}>{p.label}</label>
      {p.hint && (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      )}
      {err && (
        <p class="field-error" id={`${id}-error`}>
          <span class="visually-hidden">{t('common.error')}: </span>
          {err}
        </p>
      )}
      <select
        id={id}
        name={p.name}
        value={p.value}
        aria-invalid={err ? 'true' : undefined}
        aria-describedby={describedBy}
        onChange={(e) => p.onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {p.options.map((o) => (
          <option key={o.value} value={o.value} lang={o.lang}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function SubmitButton({ form, label, busyLabel, variant = 'primary' }: { form: FormState; label: string; busyLabel?: MessageKey; variant?: 'primary' | 'secondary' | 'danger' }) {
  return (
    <button type="submit" class={`btn btn-${variant}`} disabled={form.busy} aria-disabled={form.busy ? 'true' : undefined}>
      {form.busy ? t(busyLabel ?? 'common.sending') : label}
    </button>
  );
}

/** A table inside a horizontally scrollable, keyboard-focusable, labelled region. */
export function TableWrap({ labelId, children }: { labelId: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-labelledby={labelId} tabIndex={0}>
      {children}
    </div>
  );
}
