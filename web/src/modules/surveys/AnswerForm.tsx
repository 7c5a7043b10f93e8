// The answer form of a survey, used by respondents (PUT .../response) and by staff entering a
// paper answer sheet (POST .../responses/paper). One fieldset + legend per question; radio
// buttons, checkboxes, selects, and up/down buttons for ranking, all usable by keyboard. A
// server error naming "answers[2]" is shown inside that question's fieldset and focuses it.
import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { FormMessages, SubmitButton, useForm } from '../../components';
import { t } from '../../i18n';
import type { Answer, MyResponse, Question, Survey } from './types';

interface Props {
  survey: Survey;
  base: string; // API path of the survey
  mode: 'self' | 'paper';
  initial?: MyResponse | null;
  onSaved: (message: string, response?: MyResponse) => void;
}

function emptyAnswers(qs: Question[]): Answer[] {
  return qs.map(() => null);
}

export function AnswerForm({ survey, base, mode, initial, onSaved }: Props) {
  const qs = survey.questions ?? [];
  const form = useForm();
  const [answers, setAnswers] = useState<Answer[]>(() => {
    const a = emptyAnswers(qs);
    initial?.answers.forEach((v, i) => {
      if (i < a.length) a[i] = v;
    });
    return a;
  });
  const [age, setAge] = useState(initial?.age_band ?? '');
  const [district, setDistrict] = useState(initial?.district ?? '');
  const idp = mode === 'paper' ? 'paper' : 'sv';

  const set = (i: number, v: Answer) => setAnswers((prev) => prev.map((x, k) => (k === i ? v : x)));

  async function submit(e: Event) {
    e.preventDefault();
    await form.run(async () => {
      // Ranking selects keep -1 for an empty place; the API takes the chosen indexes only.
      const clean = answers.map((a) => {
        if (!Array.isArray(a)) return a;
        const f = a.filter((x) => x >= 0);
        return f.length ? f : null;
      });
      const body: Record<string, unknown> = { answers: clean };
      if (age) body.age_band = age;
      if (district) body.district = district;
      if (mode === 'paper') {
        try {
          const r = await api<{ paper_total: number }>('POST', `${base}/responses/paper`, { responses: [body] });
          setAnswers(emptyAnswers(qs));
          setAge('');
          setDistrict('');
          onSaved(t('surveys.paperSaved', { n: r.paper_total }));
        } catch (err) {
          // The server names "responses[0].answers[2]"; the form knows it as "answers[2]".
          if (err instanceof ApiError && err.field?.startsWith('responses[0].')) {
            const field = err.field.slice('responses[0].'.length);
            throw new ApiError(err.status, err.message.replace(/^responses\[0\]\./, ''), { ...err.problem, field });
          }
          throw err;
        }
        return;
      }
      const r = await api<MyResponse & { message: string }>('PUT', `${base}/response`, body);
      onSaved(r.message, r);
    });
  }

  const err = (name: string) => form.fieldError(name);
  const bands = survey.age_bands ?? [];
  const districts = survey.districts ?? [];

  return (
    <form ref={form.formRef} class="form survey-form" onSubmit={submit} noValidate>
      <FormMessages form={form} idPrefix={idp} />
      {qs.map((q, i) => (
        <QuestionField key={i} q={q} i={i} idp={idp} value={answers[i] ?? null} onChange={(v) => set(i, v)} error={err(`answers[${i}]`)} />
      ))}
      <fieldset class="survey-q" id={`${idp}-attributes`}>
        <legend>{t('surveys.attributes')}</legend>
        <p class="hint">{t('surveys.attributesHint')}</p>
        <div class={`field${err('age_band') ? ' field-invalid' : ''}`}>
          <label for={`${idp}-age_band`}>{t('surveys.ageBand')}</label>
          {err('age_band') && <p class="field-error" id={`${idp}-age_band-error`}>{err('age_band')}</p>}
          <select id={`${idp}-age_band`} name="age_band" value={age} onChange={(e) => setAge((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('surveys.noAnswer')}</option>
            {bands.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </div>
        {districts.length > 0 && (
          <div class={`field${err('district') ? ' field-invalid' : ''}`}>
            <label for={`${idp}-district`}>{t('surveys.district')}</label>
            {err('district') && <p class="field-error" id={`${idp}-district-error`}>{err('district')}</p>}
            <select id={`${idp}-district`} name="district" value={district} onChange={(e) => setDistrict((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">{t('surveys.noAnswer')}</option>
              {districts.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </div>
        )}
      </fieldset>
      <div class="button-row">
        <SubmitButton
          form={form}
          label={mode === 'paper' ? t('surveys.paperSubmit') : initial ? t('surveys.update') : t('surveys.submit')}
        />
      </div>
    </form>
  );
}

interface QProps {
  q: Question;
  i: number;
  idp: string;
  value: Answer;
  onChange: (v: Answer) => void;
  error: string | undefined;
}

function QuestionField({ q, i, idp, value, onChange, error }: QProps) {
  const id = `${idp}-answers[${i}]`;
  const name = `answers[${i}]`;
  const errId = `${idp}-q${i}-error`;
  const hintId = `${idp}-q${i}-hint`;
  let hint = '';
  if (q.type === 'multiple' && q.max) hint = t('surveys.maxChoices', { n: q.max });
  if (q.type === 'ranking') hint = q.top_n && q.choices && q.top_n < q.choices.length ? t('surveys.rankTop', { n: q.top_n }) : t('surveys.rankAll');
  if (q.type === 'text' && q.max_length) hint = t('surveys.textMax', { n: q.max_length });
  const describedBy = [hint ? hintId : '', error ? errId : ''].filter(Boolean).join(' ') || undefined;
  const invalid = error ? ('true' as const) : undefined;
  return (
    <fieldset class={`survey-q${error ? ' field-invalid' : ''}`} id={id} tabIndex={-1} aria-describedby={describedBy}>
      <legend>
        <span class="survey-qn">Q{i + 1}.</span> {q.text} <span class={q.required ? 'req' : 'opt'}>{q.required ? t('surveys.required') : t('surveys.optional')}</span>
      </legend>
      {hint && (
        <p class="hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={errId}>
          <span class="visually-hidden">{t('common.error')}: </span>
          {error}
        </p>
      )}
      {q.type === 'single' &&
        (q.choices ?? []).map((c, k) => (
          <div class="choice" key={k}>
            <input type="radio" id={`${id}-${k}`} name={name} checked={value === k} aria-invalid={invalid} onChange={() => onChange(k)} />
            <label for={`${id}-${k}`}>{c}</label>
          </div>
        ))}
      {q.type === 'multiple' &&
        (q.choices ?? []).map((c, k) => {
          const arr = Array.isArray(value) ? value : [];
          return (
            <div class="choice" key={k}>
              <input
                type="checkbox"
                id={`${id}-${k}`}
                name={name}
                checked={arr.includes(k)}
                aria-invalid={invalid}
                onChange={(e) => {
                  const on = (e.currentTarget as HTMLInputElement).checked;
                  const next = on ? [...arr, k].sort((a, b) => a - b) : arr.filter((x) => x !== k);
                  onChange(next.length ? next : null);
                }}
              />
              <label for={`${id}-${k}`}>{c}</label>
            </div>
          );
        })}
      {q.type === 'scale5' &&
        [1, 2, 3, 4, 5].map((v) => (
          <div class="choice" key={v}>
            <input type="radio" id={`${id}-${v}`} name={name} checked={value === v} aria-invalid={invalid} onChange={() => onChange(v)} />
            <label for={`${id}-${v}`}>
              {v}
              {q.labels?.[v - 1] ? `：${q.labels[v - 1]}` : ''}
            </label>
          </div>
        ))}
      {q.type === 'ranking' && <Ranking q={q} id={id} name={name} value={value} onChange={onChange} />}
      {q.type === 'text' && (
        <textarea
          id={`${id}-text`}
          name={name}
          aria-label={q.text}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          rows={4}
          maxLength={q.max_length}
          value={typeof value === 'string' ? value : ''}
          onInput={(e) => {
            const v = (e.currentTarget as HTMLTextAreaElement).value;
            onChange(v === '' ? null : v);
          }}
        />
      )}
    </fieldset>
  );
}

function Ranking({ q, id, name, value, onChange }: { q: Question; id: string; name: string; value: Answer; onChange: (v: Answer) => void }) {
  const choices = q.choices ?? [];
  const top = q.top_n && q.top_n < choices.length ? q.top_n : choices.length;
  const order = Array.isArray(value) ? value : null;
  if (top < choices.length) {
    // Top N: one select per place.
    const cur = order ?? [];
    return (
      <div class="rank-selects">
        {Array.from({ length: top }, (_, p) => (
          <div class="field" key={p}>
            <label for={`${id}-rank${p}`}>{t('surveys.rankPlace', { n: p + 1 })}</label>
            <select
              id={`${id}-rank${p}`}
              name={p === 0 ? name : undefined}
              value={cur[p] === undefined || cur[p]! < 0 ? '' : String(cur[p])}
              onChange={(e) => {
                const v = (e.currentTarget as HTMLSelectElement).value;
                const next = Array.from({ length: top }, (_, k) => (k === p ? (v === '' ? -1 : Number(v)) : cur[k] ?? -1));
                onChange(next.some((x) => x >= 0) ? next : null);
              }}
            >
              <option value="">{t('surveys.rankNone')}</option>
              {choices.map((c, k) => (
                <option key={k} value={String(k)}>
                  {c}
                </option>
              ))}
            </select>
          </div>
        ))}
      </div>
    );
  }
  if (!order) {
    return (
      <div>
        <p class="muted">{t('surveys.rankUnanswered')}</p>
        <button type="button" class="btn btn-secondary btn-small" name={name} onClick={() => onChange(choices.map((_, k) => k))}>
          {t('surveys.rankStart')}
        </button>
      </div>
    );
  }
  const move = (from: number, to: number) => {
    if (to < 0 || to >= order.length) return;
    const next = [...order];
    const [x] = next.splice(from, 1);
    next.splice(to, 0, x!);
    onChange(next);
    // Keep focus on the moved item's same button.
    requestAnimationFrame(() => {
      const btn = document.getElementById(`${id}-item${to}-${to < from ? 'up' : 'down'}`) as HTMLButtonElement | null;
      if (btn && !btn.disabled) btn.focus();
      else (document.getElementById(`${id}-item${to}-${to < from ? 'down' : 'up'}`) as HTMLButtonElement | null)?.focus();
    });
  };
  return (
    <div>
      <ol class="rank-list" aria-live="polite">
        {order.map((c, p) => (
          <li key={c}>
            <span class="rank-label">{t('surveys.rankNow', { n: p + 1, label: choices[c] ?? '' })}</span>
            <span class="rank-buttons">
              <button
                type="button"
                class="btn btn-secondary btn-small"
                id={`${id}-item${p}-up`}
                name={p === 0 ? name : undefined}
                disabled={p === 0}
                aria-label={t('surveys.moveUp', { label: choices[c] ?? '' })}
                onClick={() => move(p, p - 1)}
              >
                ↑
              </button>
              <button
                type="button"
                class="btn btn-secondary btn-small"
                id={`${id}-item${p}-down`}
                disabled={p === order.length - 1}
                aria-label={t('surveys.moveDown', { label: choices[c] ?? '' })}
                onClick={() => move(p, p + 1)}
              >
                ↓
              </button>
            </span>
          </li>
        ))}
      </ol>
      {!q.required && (
        <button type="button" class="btn btn-secondary btn-small" onClick={() => onChange(null)}>
          {t('surveys.rankClear')}
        </button>
      )}
    </div>
  );
}
