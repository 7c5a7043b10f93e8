// The municipality-wide search page: one labelled search box (role=search) over processes,
// themes, ideas, comments and draft paragraphs. The query lives in the URL (?q=&kind=), so a
// result page can be bookmarked and the back button works. The server sends plain text and
// highlight offsets in characters (code points); matches are wrapped in <mark> here, so no
// HTML from the server is ever inserted.
import { useEffect, useState } from 'preact/hooks';
import { api, qs, type Municipality } from '../../api';
import { ErrorBox, Loading, PageHeading, useTitle } from '../../components';
import { useAsync } from '../../hooks';
import { formatTime, localized, t, useLang, type MessageKey } from '../../i18n';
import { navigate, useQuery, type Params } from '../../router';
import { placeStore } from '../../session';
import './search.css';

const enc = encodeURIComponent;
const KINDS = ['process', 'theme', 'idea', 'comment', 'paragraph'] as const;
type Kind = (typeof KINDS)[number];
const PAGE = 20;

interface Result {
  kind: Kind;
  id: number;
  title: string;
  title_highlights: [number, number][];
  snippet: string;
  highlights: [number, number][];
  url: string;
  process_id: number;
  process_title: string;
  created_at: number;
  state?: string;
  target_kind?: string;
  section_title?: string;
}

interface Results {
  q: string;
  items: Result[];
  next_after: number | null;
  total: number | null;
}

/** text with the [start, end) character ranges wrapped in <mark>. */
function Marked({ text, ranges }: { text: string; ranges: [number, number][] }) {
  if (!ranges.length) return <>{text}</>;
  const chars = Array.from(text);
  const parts: preact.ComponentChildren[] = [];
  let at = 0;
  ranges.forEach(([s, e], i) => {
    if (s > at) parts.push(chars.slice(at, s).join(''));
    parts.push(<mark key={i}>{chars.slice(s, e).join('')}</mark>);
    at = e;
  });
  if (at < chars.length) parts.push(chars.slice(at).join(''));
  return <>{parts}</>;
}

function ResultItem({ r }: { r: Result }) {
  const context = r.kind === 'paragraph' && r.section_title ? t('search.inSection', { section: r.section_title }) : null;
  return (
    <li class="sr-item">
      <p class="sr-kind">
        <span class="badge">{t(`search.kind.${r.kind}` as MessageKey)}</span>
        {r.state === 'withdrawn' && <span class="badge badge-warn">{t('search.withdrawn')}</span>}
      </p>
      <h3 class="sr-title">
        <a href={r.url}>
          {r.kind === 'comment' ? t('search.commentOn', { title: r.title }) : <Marked text={r.title} ranges={r.title_highlights} />}
        </a>
      </h3>
      {context && <p class="sr-meta">{context}</p>}
      {r.snippet && (
        <p class="sr-snippet">
          <Marked text={r.snippet} ranges={r.highlights} />
        </p>
      )}
      <p class="sr-meta">
        {r.kind !== 'process' && <>{t('search.inProcess', { title: r.process_title })} ・ </>}
        {formatTime(r.created_at)}
      </p>
    </li>
  );
}

export function SearchPage({ params }: { params: Params }) {
  useLang();
  const slug = params.slug ?? '';
  const query = useQuery();
  const q = (query.get('q') ?? '').trim();
  const kindParam = query.get('kind') ?? '';
  const kind = (KINDS as readonly string[]).includes(kindParam) ? kindParam : '';
  const [text, setText] = useState(q);
  const [kindSel, setKindSel] = useState(kind);
  const [more, setMore] = useState<Result[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [moreBusy, setMoreBusy] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [inputError, setInputError] = useState<string | null>(null);

  const muni = useAsync(() => api<Municipality>('GET', `/municipalities/${enc(slug)}`), [slug]);
  useEffect(() => {
    const m = muni.data;
    if (m) placeStore.set({ name: m.name, name_en: m.name_en, href: `/m/${enc(m.slug)}` });
  }, [muni.data]);
  useEffect(() => {
    setText(q);
    setKindSel(kind);
  }, [q, kind]);

  const res = useAsync(
    () =>
      q
        ? api<Results>('GET', `/municipalities/${enc(slug)}/search${qs({ q, kind, limit: PAGE })}`)
        : Promise.resolve(null),
    [slug, q, kind],
  );
  useEffect(() => {
    setMore([]);
    setNext(res.data?.next_after ?? null);
    setMoreError(null);
  }, [res.data]);

  const name = muni.data ? localized(muni.data.name, muni.data.name_en) : '';
  useTitle(q ? t('search.titleWithQuery', { q }) : t('search.title'));

  function submit(e: Event) {
    e.preventDefault();
    const v = text.trim();
    if (!v) {
      setInputError(t('search.empty'));
      document.getElementById('search-q')?.focus();
      return;
    }
    if (Array.from(v).length > 100) {
      setInputError(t('search.tooLong'));
      document.getElementById('search-q')?.focus();
      return;
    }
    setInputError(null);
    navigate(`/m/${enc(slug)}/search${qs({ q: v, kind: kindSel })}`);
  }

  async function loadMore() {
    if (next === null) return;
    setMoreBusy(true);
    setMoreError(null);
    try {
      const r = await api<Results>('GET', `/municipalities/${enc(slug)}/search${qs({ q, kind, limit: PAGE, after: next })}`);
      setMore((m) => [...m, ...r.items]);
      setNext(r.next_after);
    } catch (e) {
      setMoreError(e instanceof Error ? e.message : String(e));
    } finally {
      setMoreBusy(false);
    }
  }

  const items = res.data ? [...res.data.items, ...more] : [];
  const total = res.data?.total ?? items.length;
  const announce = res.loading ? '' : res.data ? (total === 0 ? t('search.noneLive', { q }) : t('search.count', { n: total, q })) : '';

  return (
    <>
      <PageHeading>{t('search.title')}</PageHeading>
      {name && <p class="lead">{t('search.lead', { name })}</p>}
      <form role="search" aria-label={t('search.formLabel')} class="sr-form" onSubmit={submit} noValidate>
        <div class={`field${inputError ? ' field-invalid' : ''}`}>
          <label for="search-q">{t('search.label')}</label>
          <p class="hint" id="search-q-hint">
            {t('search.hint')}
          </p>
          {inputError && (
            <p class="field-error" id="search-q-error">
              <span class="visually-hidden">{t('common.error')}: </span>
              {inputError}
            </p>
          )}
          <input
            id="search-q"
            name="q"
            type="search"
            value={text}
            maxLength={100}
            aria-invalid={inputError ? 'true' : undefined}
            aria-describedby={inputError ? 'search-q-hint search-q-error' : 'search-q-hint'}
            onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <div class="field">
          <label for="search-kind">{t('search.kindLabel')}</label>
          <select id="search-kind" name="kind" value={kindSel} onChange={(e) => setKindSel((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('search.kind.all')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`search.kind.${k}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="btn btn-primary">
          {t('search.submit')}
        </button>
      </form>

      <div role="status" aria-live="polite" class="sr-live" id="search-status">
        {announce}
      </div>
      {res.loading && <Loading />}
      {res.error && <ErrorBox>{res.error.message}</ErrorBox>}
      {res.data && items.length === 0 && (
        <div class="sr-empty">
          <p>{t('search.none', { q })}</p>
          <p>{t('search.noneTips')}</p>
        </div>
      )}
      {items.length > 0 && (
        <section aria-labelledby="search-results">
          <h2 id="search-results">{t('search.resultsHeading', { q })}</h2>
          <ol class="sr-list">
            {items.map((r) => (
              <ResultItem key={`${r.kind}-${r.id}`} r={r} />
            ))}
          </ol>
          {moreError && <ErrorBox>{moreError}</ErrorBox>}
          {next !== null && (
            <p>
              <button type="button" class="btn btn-secondary" onClick={loadMore} disabled={moreBusy}>
                {moreBusy ? t('search.loadingMore') : t('search.more')}
              </button>
            </p>
          )}
        </section>
      )}
      {name && (
        <p>
          <a href={`/m/${enc(slug)}`}>{t('search.back', { name })}</a>
        </p>
      )}
    </>
  );
}
