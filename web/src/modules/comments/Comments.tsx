// The comments component for one target (a theme, an idea, later a draft paragraph or a report):
// the stance totals, a form to post, and the thread. On wide screens the top-level comments are
// shown in a 賛成 column and a 反対 column side by side (中立 below); on phones, one list in order
// with a stance label on each. Replies nest under their comment (the server bounds the depth).
// Authors edit (history behind a disclosure) and delete their own; anyone logged in can report.
//
// Embed it with: <Comments slug="kamome" target="idea:12" /> (see index.ts).
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../../api';
import { ErrorBox, Field, FormMessages, Live, Loading, SubmitButton, Time, useForm } from '../../components';
import { useAsync } from '../../hooks';
import { t, useLang } from '../../i18n';
import { meStore } from '../../session';
import { useStore } from '../../store';
import { deleteComment, editComment, loadThread, loadVersions, postComment, report, type Comment, type Stance, type Thread } from './api';
import { FollowButton } from './FollowButton';
import './comments.css';

const STANCES: Stance[] = ['for', 'against', 'neutral'];

/** True while the media query matches (re-renders on change). */
export function useMedia(query: string): boolean {
  const [m, setM] = useState(() => typeof matchMedia === 'function' && matchMedia(query).matches);
  useEffect(() => {
    if (typeof matchMedia !== 'function') return;
    const mq = matchMedia(query);
    const on = () => setM(mq.matches);
    on();
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, [query]);
  return m;
}

export function StanceLabel({ stance }: { stance: Stance | null }) {
  if (!stance) return null;
  return <span class={`stance stance-${stance}`}>{t(`comments.stance.${stance}`)}</span>;
}

interface Ctx {
  slug: string;
  target: string;
  loggedIn: boolean;
  reload: () => void;
  announce: (s: string) => void;
}

export function Comments({ slug, target, headingLevel = 2 }: { slug: string; target: string; headingLevel?: 2 | 3 }) {
  useLang();
  const me = useStore(meStore);
  const thread = useAsync<Thread>(() => loadThread(slug, target), [slug, target, me?.id]);
  const wide = useMedia('(min-width: 48em)');
  const [message, setMessage] = useState<string | null>(null);
  const H = headingLevel === 2 ? 'h2' : 'h3';
  const ctx: Ctx = { slug, target, loggedIn: !!me, reload: thread.reload, announce: setMessage };
  const d = thread.data;
  const [kind, idText] = target.split(':');
  return (
    <section class="comments" aria-labelledby={`comments-${kind}-${idText}`}>
      <H id={`comments-${kind}-${idText}`}>{t('comments.heading', { n: d?.counts.total ?? 0 })}</H>
      <Live message={message} />
      {thread.loading && !d && <Loading />}
      {thread.error && <ErrorBox>{errorMessage(thread.error)}</ErrorBox>}
      {d && (
        <>
          <p class="comments-summary">
            {t('comments.summary', { for: d.counts.for, against: d.counts.against, neutral: d.counts.neutral })}
          </p>
          {me && (kind === 'theme' || kind === 'idea') && (
            <FollowButton targetKind={kind} targetId={Number(idText)} following={d.following} onChange={thread.reload} />
          )}
          {me ? (
            <NewComment ctx={ctx} />
          ) : (
            <p>
              {t('comments.loginToComment')} <a href={`/login?next=${encodeURIComponent(location.pathname)}`}>{t('comments.login')}</a>
            </p>
          )}
          {d.items.length === 0 ? (
            <p>{t('comments.empty')}</p>
          ) : wide ? (
            <div class="comments-columns">
              {STANCES.map((s) => (
                <section key={s} class={`comments-column comments-column-${s}`} aria-labelledby={`col-${kind}-${idText}-${s}`}>
                  <h3 id={`col-${kind}-${idText}-${s}`}>{t(`comments.column.${s}`)}</h3>
                  <CommentList ctx={ctx} items={d.items.filter((c) => (c.stance ?? 'neutral') === s)} />
                </section>
              ))}
            </div>
          ) : (
            <CommentList ctx={ctx} items={d.items} />
          )}
        </>
      )}
    </section>
  );
}

function CommentList({ ctx, items }: { ctx: Ctx; items: Comment[] }) {
  if (items.length === 0) return <p class="muted">{t('comments.column.empty')}</p>;
  return (
    <ul class="comment-list">
      {items.map((c) => (
        <li key={c.id}>
          <CommentItem ctx={ctx} c={c} />
          {c.replies.length > 0 && <CommentList ctx={ctx} items={c.replies} />}
        </li>
      ))}
    </ul>
  );
}

function CommentItem({ ctx, c }: { ctx: Ctx; c: Comment }) {
  const [mode, setMode] = useState<'none' | 'reply' | 'edit'>('none');
  const [error, setError] = useState<string | null>(null);
  const reportRef = useRef<HTMLDialogElement>(null);
  const gone = c.hidden || c.deleted;
  const name = c.author?.name ?? '';
  async function onDelete() {
    if (!confirm(t('comments.delete.confirm'))) return;
    try {
      await deleteComment(ctx.slug, c.id);
      ctx.announce(t('comments.deleted'));
      ctx.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  }
  return (
    <article class={`comment${gone ? ' comment-gone' : ''}`} id={`comment-${c.id}`} aria-label={gone ? c.body : name}>
      {!gone && (
        <p class="comment-meta">
          <StanceLabel stance={c.stance} />
          <span class="comment-author">{name}</span>
          {c.source === 'workshop' ? (
            <span class="badge">{t('comments.workshopBadge')}</span>
          ) : (
            c.is_staff && <span class="badge badge-ok">{t('comments.staffBadge')}</span>
          )}
          <span class="muted">
            <Time ms={c.created_at} />
            {c.edited && <> ・{t('comments.edited')}</>}
          </span>
        </p>
      )}
      {gone ? (
        <p class="comment-placeholder">{c.body}</p>
      ) : mode === 'edit' ? (
        <CommentForm
          ctx={ctx}
          idPrefix={`c-edit-${c.id}`}
          initial={{ stance: c.stance ?? 'neutral', body: c.body }}
          submitLabel={t('comments.edit.save')}
          onCancel={() => setMode('none')}
          submit={async (stance, body) => {
            await editComment(ctx.slug, c.id, { stance, body });
            setMode('none');
            ctx.announce(t('comments.edit.saved'));
            ctx.reload();
          }}
        />
      ) : (
        // body_html is rendered by the server from Markdown with raw HTML disabled (safe).
        <div class="comment-body" dangerouslySetInnerHTML={{ __html: c.body_html ?? '' }} />
      )}
      {error && <ErrorBox>{error}</ErrorBox>}
      {!gone && c.edited && <History slug={ctx.slug} id={c.id} />}
      {ctx.loggedIn && mode === 'none' && (
        <div class="comment-actions">
          <button type="button" class="btn btn-secondary btn-small" onClick={() => setMode('reply')}>
            {t('comments.reply')}
          </button>
          {c.mine && !gone && (
            <>
              <button type="button" class="btn btn-secondary btn-small" onClick={() => setMode('edit')}>
                {t('comments.edit')}
              </button>
              <button type="button" class="btn btn-danger btn-small" onClick={onDelete}>
                {t('comments.delete')}
              </button>
            </>
          )}
          {!c.mine && !gone && (
            <button type="button" class="btn btn-secondary btn-small" onClick={() => reportRef.current?.showModal()}>
              {t('comments.report')}
            </button>
          )}
        </div>
      )}
      {mode === 'reply' && (
        <CommentForm
          ctx={ctx}
          idPrefix={`c-reply-${c.id}`}
          title={t('comments.reply.title', { name: name || c.body })}
          submitLabel={t('comments.reply.submit')}
          onCancel={() => setMode('none')}
          submit={async (stance, body) => {
            await postComment(ctx.slug, { target: ctx.target, stance, body, parent_id: c.id });
            setMode('none');
            ctx.announce(t('comments.reply.posted'));
            ctx.reload();
          }}
        />
      )}
      {!gone && <ReportDialog dialogRef={reportRef} slug={ctx.slug} kind="comment" id={c.id} onDone={ctx.announce} />}
    </article>
  );
}

function History({ slug, id }: { slug: string; id: number }) {
  const [open, setOpen] = useState(false);
  const versions = useAsync(() => (open ? loadVersions(slug, id) : Promise.resolve({ items: [] })), [open, slug, id]);
  return (
    <details class="comment-history" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>{t('comments.history')}</summary>
      {open && versions.loading && <Loading />}
      {versions.error && <ErrorBox>{errorMessage(versions.error)}</ErrorBox>}
      <ol class="plain-list">
        {(versions.data?.items ?? []).map((v) => (
          <li key={v.version} class="comment-version">
            <p class="comment-meta">
              <strong>{t('comments.history.version', { n: v.version })}</strong> <StanceLabel stance={v.stance} />{' '}
              <span class="muted">
                <Time ms={v.created_at} />
              </span>
            </p>
            <div class="comment-body" dangerouslySetInnerHTML={{ __html: v.body_html ?? '' }} />
          </li>
        ))}
      </ol>
    </details>
  );
}

function NewComment({ ctx }: { ctx: Ctx }) {
  const [key, setKey] = useState(0);
  return (
    <div class="comment-new">
      <h3>{t('comments.form.title')}</h3>
      <CommentForm
        key={key}
        ctx={ctx}
        idPrefix="c-new"
        submitLabel={t('comments.form.submit')}
        submit={async (stance, body) => {
          await postComment(ctx.slug, { target: ctx.target, stance, body });
          setKey((k) => k + 1);
          ctx.announce(t('comments.form.posted'));
          ctx.reload();
        }}
      />
    </div>
  );
}

interface FormProps {
  ctx: Ctx;
  idPrefix: string;
  title?: string;
  initial?: { stance: Stance; body: string };
  submitLabel: string;
  onCancel?: () => void;
  submit: (stance: Stance, body: string) => Promise<void>;
}

function CommentForm(p: FormProps) {
  const form = useForm();
  const [stance, setStance] = useState<Stance | ''>(p.initial?.stance ?? '');
  const [body, setBody] = useState(p.initial?.body ?? '');
  const stanceErr = form.fieldError('stance');
  const legendId = `${p.idPrefix}-stance-legend`;
  return (
    <form
      class="form comment-form"
      ref={form.formRef}
      noValidate
      aria-label={p.title}
      onSubmit={(e) => {
        e.preventDefault();
        void form.run(async () => {
          if (!stance) throw new ApiError(400, t('comments.form.stanceRequired'), { code: 'validation', field: 'stance' });
          await p.submit(stance, body);
        });
      }}
    >
      {p.title && <p class="comment-form-title">{p.title}</p>}
      <FormMessages form={form} idPrefix={p.idPrefix} />
      <fieldset class={`field stance-field${stanceErr ? ' field-invalid' : ''}`} aria-describedby={stanceErr ? `${p.idPrefix}-stance-error` : undefined}>
        <legend id={legendId}>
          {t('comments.form.stance')} <span class="req">{t('common.required')}</span>
        </legend>
        {stanceErr && (
          <p class="field-error" id={`${p.idPrefix}-stance-error`}>
            {stanceErr}
          </p>
        )}
        <div class="stance-options">
          {STANCES.map((s, i) => (
            <label key={s} class={`stance-option stance-option-${s}`}>
              <input
                type="radio"
                name="stance"
                id={i === 0 ? `${p.idPrefix}-stance` : undefined}
                value={s}
                checked={stance === s}
                onChange={() => setStance(s)}
              />{' '}
              {t(`comments.stance.${s}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <Field
        form={form}
        idPrefix={p.idPrefix}
        name="body"
        label={t('comments.form.body')}
        hint={t('comments.form.bodyHint')}
        value={body}
        onInput={setBody}
        multiline
        rows={4}
        maxLength={4000}
        required
      />
      <div class="button-row">
        <SubmitButton form={form} label={p.submitLabel} />
        {p.onCancel && (
          <button type="button" class="btn btn-secondary" onClick={p.onCancel}>
            {t('comments.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

/** A modal dialog to report content (comment, idea or theme) with a reason. */
export function ReportDialog(p: {
  dialogRef: { current: HTMLDialogElement | null };
  slug: string;
  kind: 'comment' | 'idea' | 'theme';
  id: number;
  onDone: (message: string) => void;
}) {
  const form = useForm();
  const [reason, setReason] = useState('');
  const prefix = `report-${p.kind}-${p.id}`;
  const close = () => {
    p.dialogRef.current?.close();
    form.clear();
  };
  return (
    <dialog ref={p.dialogRef} class="report-dialog" aria-labelledby={`${prefix}-title`}>
      <form
        class="form"
        ref={form.formRef}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void form.run(async () => {
            await report(p.slug, p.kind, p.id, reason);
            setReason('');
            close();
            p.onDone(t('comments.report.done'));
          });
        }}
      >
        <h2 id={`${prefix}-title`}>{t('comments.report.title')}</h2>
        <FormMessages form={form} idPrefix={prefix} />
        <Field
          form={form}
          idPrefix={prefix}
          name="reason"
          label={t('comments.report.reason')}
          hint={t('comments.report.reasonHint')}
          value={reason}
          onInput={setReason}
          multiline
          rows={3}
          maxLength={1000}
          required
        />
        <div class="button-row">
          <SubmitButton form={form} label={t('comments.report.submit')} variant="danger" />
          <button type="button" class="btn btn-secondary" onClick={close}>
            {t('comments.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
