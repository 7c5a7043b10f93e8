// A proposal's documents: the list (with a 「非公開」 badge on confidential ones and attachments as
// download links), the form to add a document (public or confidential; a confidential one needs
// a rationale of at least 30 characters, counted as the user types) and, per document, the
// attachment upload (raw body, progress, 415/413 explained in the UI's language).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { Field, FormMessages, SubmitButton, useForm } from '../../components';
import { t } from '../../i18n';
import { deskApi, formatBytes, RATIONALE_MIN, rationaleLength, uploadAttachment, type DeskDocument, type Proposal } from './api';
import { Paragraphs } from './common';

function AttachmentForm({ slug, proposalId, doc, onDone }: { slug: string; proposalId: number; doc: DeskDocument; onDone: () => void }) {
  const form = useForm();
  const [progress, setProgress] = useState<number | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const P = `att-${doc.id}`;
  const err = form.fieldError('file');
  function onSubmit(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      const file = fileRef.current?.files?.[0];
      if (!file) throw new ApiError(400, t('desk.upload.choose'), { code: 'validation', field: 'file' });
      setProgress(0);
      try {
        const a = await uploadAttachment(slug, proposalId, doc.id, file, setProgress);
        if (fileRef.current) fileRef.current.value = '';
        onDone();
        return t('desk.upload.done', { name: a.filename });
      } finally {
        setProgress(null);
      }
    });
  }
  const describedBy = [`${P}-file-hint`, err ? `${P}-file-error` : ''].filter(Boolean).join(' ');
  return (
    <form class="desk-attach" noValidate onSubmit={onSubmit} ref={form.formRef}>
      <FormMessages form={form} idPrefix={P} />
      <div class={`field${err ? ' field-invalid' : ''}`}>
        <label for={`${P}-file`}>{t('desk.upload.label', { title: doc.title })}</label>
        <p class="hint" id={`${P}-file-hint`}>
          {t('desk.upload.hint')}
        </p>
        {err && (
          <p class="field-error" id={`${P}-file-error`}>
            <span class="visually-hidden">{t('common.error')}: </span>
            {err}
          </p>
        )}
        <input type="file" id={`${P}-file`} name="file" ref={fileRef} class="desk-file" aria-invalid={err ? 'true' : undefined} aria-describedby={describedBy} accept=".pdf,.png,.jpg,.jpeg,.gif,.webp,.docx,.xlsx,.pptx,.doc,.xls,.ppt" />
      </div>
      {progress !== null && (
        <p class="desk-progress">
          <label for={`${P}-progress`}>{t('desk.upload.progress')}</label>
          <progress id={`${P}-progress`} max={100} value={Math.round(progress * 100)}>
            {Math.round(progress * 100)}%
          </progress>
        </p>
      )}
      <SubmitButton form={form} label={t('desk.upload.submit')} variant="secondary" busyLabel="desk.upload.busy" />
    </form>
  );
}

export function DocumentList({ slug, p, canAttach, onChange }: { slug: string; p: Proposal; canAttach: boolean; onChange: () => void }) {
  const docs = p.documents ?? [];
  if (!docs.length) return <p>{t('desk.docs.none')}</p>;
  return (
    <ul class="desk-docs">
      {docs.map((d) => (
        <li key={d.id} class={`desk-doc${d.visibility === 'confidential' ? ' desk-doc-secret' : ''}`}>
          <h3 class="desk-doc-title">
            {d.title}
            {d.visibility === 'confidential' ? <span class="badge desk-badge-secret">{t('desk.docs.confidential')}</span> : <span class="badge">{t('desk.docs.public')}</span>}
          </h3>
          {d.body && <Paragraphs text={d.body} />}
          {d.visibility === 'confidential' && d.confidentiality_reason && (
            <p class="desk-reason">
              <span class="desk-label">{t('desk.docs.reasonLabel')}</span>
              {d.confidentiality_reason}
            </p>
          )}
          {d.attachments.length > 0 && (
            <ul class="desk-files" aria-label={t('desk.docs.attachmentsOf', { title: d.title })}>
              {d.attachments.map((a) => (
                <li key={a.id}>
                  <a href={a.url} download={a.filename}>
                    {a.filename}
                  </a>{' '}
                  <span class="muted">（{formatBytes(a.size_bytes)}）</span>
                </li>
              ))}
            </ul>
          )}
          {canAttach && <AttachmentForm slug={slug} proposalId={p.id} doc={d} onDone={onChange} />}
        </li>
      ))}
    </ul>
  );
}

/** The form to add a document; `onAdded` reloads the proposal. */
export function AddDocumentForm({ slug, proposalId, onAdded }: { slug: string; proposalId: number; onAdded: () => void }) {
  const form = useForm();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [vis, setVis] = useState<'public' | 'confidential'>('public');
  const [why, setWhy] = useState('');
  const [announce, setAnnounce] = useState<string | null>(null);
  const P = 'doc';
  const n = rationaleLength(why);
  const countText = n >= RATIONALE_MIN ? t('desk.docs.countOk', { n }) : t('desk.docs.countShort', { n, rest: RATIONALE_MIN - n });
  // The count is announced to screen readers once the typing pauses, not on every key.
  useEffect(() => {
    if (vis !== 'confidential') return;
    const h = setTimeout(() => setAnnounce(countText), 1200);
    return () => clearTimeout(h);
  }, [countText, vis]);
  const whyErr = form.fieldError('confidentiality_reason');
  const visErr = form.fieldError('visibility');
  function onSubmit(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      if (!title.trim()) throw new ApiError(400, t('desk.docs.titleRequired'), { code: 'validation', field: 'title' });
      if (vis === 'confidential' && n < RATIONALE_MIN) throw new ApiError(400, t('desk.docs.reasonShort', { n }), { code: 'validation', field: 'confidentiality_reason' });
      await api('POST', `${deskApi(slug)}/proposals/${proposalId}/documents`, {
        title,
        body,
        visibility: vis,
        ...(vis === 'confidential' ? { confidentiality_reason: why } : {}),
      });
      setTitle('');
      setBody('');
      setWhy('');
      setVis('public');
      onAdded();
      return t('desk.docs.added', { title });
    });
  }
  const whyDescribed = [`${P}-why-hint`, `${P}-why-count`, whyErr ? `${P}-why-error` : ''].filter(Boolean).join(' ');
  return (
    <form class="form desk-docform" noValidate onSubmit={onSubmit} ref={form.formRef}>
      <FormMessages form={form} idPrefix={P} />
      <Field form={form} idPrefix={P} name="title" label={t('desk.docs.title')} value={title} onInput={setTitle} required maxLength={200} />
      <Field form={form} idPrefix={P} name="body" label={t('desk.docs.body')} hint={t('desk.docs.bodyHint')} value={body} onInput={setBody} multiline rows={6} maxLength={20000} />
      <fieldset class={`desk-fieldset${visErr ? ' field-invalid' : ''}`}>
        <legend>
          {t('desk.docs.visibility')} <span class="req">{t('common.required')}</span>
        </legend>
        {visErr && <p class="field-error">{visErr}</p>}
        <div class="desk-choices">
          <label class="desk-choice">
            <input type="radio" name="visibility" id={`${P}-visibility`} value="public" checked={vis === 'public'} onChange={() => setVis('public')} /> {t('desk.docs.public')}
          </label>
          <label class="desk-choice">
            <input type="radio" name="visibility" value="confidential" checked={vis === 'confidential'} onChange={() => setVis('confidential')} /> {t('desk.docs.confidential')}
          </label>
        </div>
        <p class="hint">{vis === 'public' ? t('desk.docs.publicExplain') : t('desk.docs.confidentialExplain')}</p>
      </fieldset>
      {vis === 'confidential' && (
        <div class={`field${whyErr ? ' field-invalid' : ''}`}>
          <label for={`${P}-confidentiality_reason`}>
            {t('desk.docs.reason')} <span class="req">{t('common.required')}</span>
          </label>
          <p class="hint" id={`${P}-why-hint`}>
            {t('desk.docs.reasonHint')}
          </p>
          {whyErr && (
            <p class="field-error" id={`${P}-why-error`}>
              <span class="visually-hidden">{t('common.error')}: </span>
              {whyErr}
            </p>
          )}
          <textarea
            id={`${P}-confidentiality_reason`}
            name="confidentiality_reason"
            rows={4}
            maxLength={2000}
            value={why}
            aria-required="true"
            aria-invalid={whyErr ? 'true' : undefined}
            aria-describedby={whyDescribed}
            onInput={(e) => setWhy((e.currentTarget as HTMLTextAreaElement).value)}
          />
          <p id={`${P}-why-count`} class={`desk-count-chars${n >= RATIONALE_MIN ? ' desk-count-ok' : ''}`}>
            {countText}
          </p>
          <div class="visually-hidden" aria-live="polite">
            {announce}
          </div>
        </div>
      )}
      <SubmitButton form={form} label={t('desk.docs.add')} />
    </form>
  );
}
