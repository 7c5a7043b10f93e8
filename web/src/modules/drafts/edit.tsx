// Staff edit a draft (たたき台) before publishing: its title, section titles and paragraphs, one
// labelled text box per paragraph (番号 1-2 etc.), with buttons to add or remove paragraphs and
// sections. Once published the text changes only through accepted suggestions, so the page then
// says so instead of showing the form. Paragraphs are matched by position on the server: a
// paragraph that stays keeps its id and the comments on it.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { ErrorBox, Field, FormMessages, Loading, PageHeading, SubmitButton, useForm, useTitle } from '../../components';
import { useAsync } from '../../hooks';
import { t } from '../../i18n';
import type { Params } from '../../router';
import { navigateWithFlash } from '../../session';
import { Forbidden, NotFound } from '../../pages/NotFound';
import { base, getDraft, type Draft } from './api';
import './drafts.css';

interface SecDraft {
  title: string;
  paragraphs: string[];
}

export function DraftEditPage({ params }: { params: Params }) {
  const draft = useAsync(() => getDraft(params.slug!, params.pid!, params.did!), [params.did]);
  const form = useForm();
  const [title, setTitle] = useState('');
  const [sections, setSections] = useState<SecDraft[]>([]);
  const d = draft.data;
  useEffect(() => {
    if (!d) return;
    setTitle(d.title);
    setSections(d.sections.map((s) => ({ title: s.title, paragraphs: s.paragraphs.map((p) => p.text) })));
  }, [d?.id]);
  useTitle(t('drafts.edit.title'));
  const here = `/m/${encodeURIComponent(params.slug!)}/processes/${encodeURIComponent(params.pid!)}/drafts/${encodeURIComponent(params.did!)}`;
  if (draft.error) return draft.error.status === 404 ? <NotFound /> : <ErrorBox title={t('common.error')}>{draft.error.message}</ErrorBox>;
  if (!d) return <><PageHeading>{t('drafts.edit.title')}</PageHeading><Loading /></>;
  if (!d.can_manage) return <Forbidden detail={t('drafts.staffOnly')} />;

  const setSec = (i: number, s: SecDraft) => setSections(sections.map((x, k) => (k === i ? s : x)));
  function onSubmit(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      await api<Draft>('PATCH', `${base(params.slug!, params.pid!)}/${d!.id}`, { title, sections });
      navigateWithFlash(here, t('drafts.edit.saved'));
    });
  }
  return (
    <>
      <PageHeading>{t('drafts.edit.title')}</PageHeading>
      {d.status !== 'editing' ? (
        <p class="notice notice-info">{t('drafts.edit.locked')}</p>
      ) : (
        <>
          <p class="lead">{t('drafts.edit.lead')}</p>
          <form class="form" noValidate onSubmit={onSubmit} ref={form.formRef}>
            <FormMessages form={form} idPrefix="draft-edit" />
            <Field form={form} idPrefix="draft-edit" name="title" label={t('drafts.fieldTitle')} value={title} onInput={setTitle} required maxLength={200} />
            {sections.map((s, i) => (
              <fieldset key={i} class="draft-edit-section">
                <legend>{t('drafts.edit.sectionN', { n: i + 1 })}</legend>
                <Field form={form} idPrefix="draft-edit" name={`sections[${i}].title`} label={t('drafts.edit.sectionTitle', { n: i + 1 })} value={s.title} onInput={(v) => setSec(i, { ...s, title: v })} required maxLength={200} />
                {s.paragraphs.map((p, k) => (
                  <div key={k} class="draft-edit-para">
                    <Field
                      form={form}
                      idPrefix="draft-edit"
                      name={`sections[${i}].paragraphs[${k}]`}
                      label={t('drafts.edit.paraN', { label: `${i + 1}-${k + 1}` })}
                      value={p}
                      onInput={(v) => setSec(i, { ...s, paragraphs: s.paragraphs.map((x, m) => (m === k ? v : x)) })}
                      required
                      multiline
                      rows={4}
                      maxLength={5000}
                    />
                    {s.paragraphs.length > 1 && (
                      <button type="button" class="btn btn-secondary btn-small" onClick={() => setSec(i, { ...s, paragraphs: s.paragraphs.filter((_, m) => m !== k) })}>
                        {t('drafts.edit.removePara', { label: `${i + 1}-${k + 1}` })}
                      </button>
                    )}
                  </div>
                ))}
                <p class="button-row">
                  <button type="button" class="btn btn-secondary btn-small" onClick={() => setSec(i, { ...s, paragraphs: [...s.paragraphs, ''] })}>
                    {t('drafts.edit.addPara', { n: i + 1 })}
                  </button>
                  {sections.length > 1 && (
                    <button type="button" class="btn btn-secondary btn-small" onClick={() => setSections(sections.filter((_, m) => m !== i))}>
                      {t('drafts.edit.removeSection', { n: i + 1 })}
                    </button>
                  )}
                </p>
              </fieldset>
            ))}
            <p>
              <button type="button" class="btn btn-secondary" onClick={() => setSections([...sections, { title: '', paragraphs: [''] }])}>
                {t('drafts.edit.addSection')}
              </button>
            </p>
            <p class="hint">{t('drafts.edit.removeHint')}</p>
            <SubmitButton form={form} label={t('drafts.edit.save')} />
          </form>
        </>
      )}
      <p><a href={here}>{t('drafts.edit.back')}</a></p>
    </>
  );
}
