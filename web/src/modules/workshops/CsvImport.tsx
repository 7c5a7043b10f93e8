// CSV import form (staff): reads the chosen file, uploads it as text/csv with a progress bar
// (upload progress, then an indeterminate bar while the server validates and imports), and shows
// the server's per-line errors in a table. Uses XMLHttpRequest for upload progress, with the same
// CSRF token api.ts uses (GET /auth/csrf).
import { useEffect, useRef, useState } from 'preact/hooks';
import { API_BASE } from '../../api';
import { Live, TableWrap } from '../../components';
import { t } from '../../i18n';

interface RowError {
  line: number;
  field: string | null;
  message: string;
}

interface Result {
  ok: boolean;
  detail: string;
  errors: RowError[];
  count: number;
}

async function csrfToken(): Promise<string> {
  const r = await fetch(`${API_BASE}/auth/csrf`, { credentials: 'same-origin' });
  const b = (await r.json()) as { csrf_token?: string };
  return b.csrf_token ?? '';
}

function upload(url: string, body: Blob, token: string, onProgress: (p: number | null) => void): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', url);
    x.withCredentials = true;
    x.setRequestHeader('Content-Type', 'text/csv; charset=utf-8');
    x.setRequestHeader('X-CSRF-Token', token);
    x.upload.onprogress = (e) => onProgress(e.lengthComputable ? Math.round((e.loaded / e.total) * 100) : null);
    x.upload.onload = () => onProgress(null);
    x.onload = () => {
      let json: any = null;
      try {
        json = JSON.parse(x.responseText);
      } catch {
        json = null;
      }
      resolve({ status: x.status, json });
    };
    x.onerror = () => reject(new Error(t('common.error')));
    x.send(body);
  });
}

export function CsvImport({ url, onDone }: { url: string; onDone: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [missing, setMissing] = useState(false);
  const summary = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    if (result && !result.ok) summary.current?.focus();
  }, [result]);

  async function submit(e: Event) {
    e.preventDefault();
    setResult(null);
    if (!file) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setBusy(true);
    setProgress(0);
    try {
      let token = await csrfToken();
      let r = await upload(url, file, token, setProgress);
      if (r.status === 403 && r.json?.code === 'csrf') {
        token = await csrfToken();
        r = await upload(url, file, token, setProgress);
      }
      if (r.status === 201) {
        setResult({ ok: true, detail: t('workshops.importDone', { n: r.json.imported, i: r.json.ideas, c: r.json.comments }), errors: [], count: 0 });
        onDone();
      } else {
        setResult({ ok: false, detail: r.json?.detail ?? t('common.error'), errors: r.json?.errors ?? [], count: r.json?.error_count ?? 0 });
      }
    } catch (err) {
      setResult({ ok: false, detail: err instanceof Error ? err.message : String(err), errors: [], count: 0 });
    } finally {
      setBusy(false);
      setProgress(null);
    }
  }

  return (
    <form onSubmit={submit} noValidate class="ws-import">
      <p class="hint">{t('workshops.importHint')}</p>
      <details>
        <summary>{t('workshops.importColumns')}</summary>
        <ul>
          <li>{t('workshops.col.kind')}</li>
          <li>{t('workshops.col.theme')}</li>
          <li>{t('workshops.col.idea')}</li>
          <li>{t('workshops.col.title')}</li>
          <li>{t('workshops.col.body')}</li>
          <li>{t('workshops.col.stance')}</li>
        </ul>
        <p>{t('workshops.importExample')}</p>
        <pre class="ws-pre">{'kind,theme_id,idea_id,title,body,stance\nidea,12,,木陰のベンチ,"夏でも座れる\nベンチがほしい",\ncomment,12,34,,賛成です,for\n'}</pre>
      </details>
      <Live message={result?.ok ? result.detail : null} />
      {result && !result.ok && (
        <div class="notice notice-error" role="alert" tabIndex={-1} ref={summary}>
          <p class="notice-title">{result.detail}</p>
          {result.errors.length > 0 && (
            <>
              <h4 id="ws-csv-errors">{t('workshops.importErrors', { n: result.count })}</h4>
              <TableWrap labelId="ws-csv-errors">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('workshops.colLine')}</th>
                      <th scope="col">{t('workshops.colField')}</th>
                      <th scope="col">{t('workshops.colMessage')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.errors.map((x, i) => (
                      <tr key={i}>
                        <td>{x.line}</td>
                        <td>{x.field ?? '—'}</td>
                        <td>{x.message}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            </>
          )}
        </div>
      )}
      <div class={`field${missing ? ' field-invalid' : ''}`}>
        <label for="ws-csv-file">{t('workshops.f.file')}</label>
        {missing && (
          <p class="field-error" id="ws-csv-file-error">
            {t('workshops.chooseFile')}
          </p>
        )}
        <input
          id="ws-csv-file"
          name="file"
          type="file"
          accept=".csv,text/csv"
          aria-describedby={missing ? 'ws-csv-file-error' : undefined}
          aria-invalid={missing ? 'true' : undefined}
          onChange={(e) => {
            setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null);
            setResult(null);
          }}
        />
      </div>
      {busy && (
        <p>
          <label for="ws-csv-progress">{t('workshops.importing')}</label>{' '}
          {progress === null ? <progress id="ws-csv-progress" aria-label={t('workshops.progress')} /> : <progress id="ws-csv-progress" max={100} value={progress}>{progress}%</progress>}
        </p>
      )}
      <button type="submit" class="btn btn-primary" disabled={busy}>
        {busy ? t('workshops.importing') : t('workshops.importButton')}
      </button>
    </form>
  );
}
