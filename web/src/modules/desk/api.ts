// The co-creation desk's API (docs/api.md "Co-creation desk", docs/desk.md): types, URL helpers
// and the raw-body attachment upload (X-Filename, percent-encoded) with progress.
import { api, ApiError, API_BASE, type Problem } from '../../api';
import { t } from '../../i18n';

export interface Overview {
  policy_fields: string[];
  terms: { version: string; text: string };
  answer_days: number;
  following: boolean;
  desk: boolean;
}

export interface Challenge {
  id: number;
  department: string;
  title: string;
  background: string;
  desired_outcome: string;
  goal_residents: string;
  goal_financial: string;
  goal_growth: string;
  goal_region: string;
  policy_field: string;
  budget_available: boolean;
  budget_note: string;
  answer_deadline: number | null;
  list_review_at: number | null;
  status: 'draft' | 'open' | 'closed';
  created_at: number;
  updated_at: number;
  published_at: number | null;
  proposal_count: number;
  proposals?: { id: number; title: string; stage: string; stage_group: string }[];
}

export interface ChallengeList {
  items: Challenge[];
  next_after: number | null;
  next_review_at: number | null;
  following: boolean;
}

export interface DeskEvent {
  id?: number;
  move: string;
  from: string;
  to: string;
  actor_role: string;
  reason: string | null;
  decision: string | null;
  at: number;
}

export interface Attachment {
  id: number;
  filename: string;
  content_type: string;
  size_bytes: number;
  created_at: number;
  url: string;
}

export interface DeskDocument {
  id: number;
  section: string;
  title: string;
  body: string;
  visibility: 'public' | 'confidential';
  confidentiality_reason?: string | null;
  created_at: number;
  attachments: Attachment[];
}

export interface Person {
  id: number;
  name: string;
}

export interface Proposal {
  id: number;
  kind: 'theme' | 'free' | string;
  challenge: { id: number; title: string | null } | null;
  policy_field: string | null;
  business_name: string;
  title: string;
  summary: string;
  stage: string;
  stage_group: string;
  decision: string | null;
  decision_reason: string | null;
  decided_at: number | null;
  selection_method: string | null;
  selection_grounds: string | null;
  submitted_at: number | null;
  answer_due_at: number | null;
  closed_at: number | null;
  updated_at: number;
  created_at?: number;
  overdue: boolean;
  events?: DeskEvent[];
  view?: 'full' | 'public';
  documents?: DeskDocument[];
  my_roles?: ('proposer' | 'desk' | 'reviewer')[];
  organization_id?: number;
  waiting_on?: string;
  terms_accepted_at?: number | null;
  assigned_officer?: Person | null;
  allowed_moves?: string[];
  members?: Person[];
  reviewers?: { id: number; name: string; department: string; invited_at: number }[];
  desk_officers?: Person[];
}

export interface Message {
  id: number;
  author_role: string;
  author_name: string;
  body: string;
  created_at: number;
  mine: boolean;
}

export interface Meeting {
  id: number;
  held_at: number;
  attendees: string;
  notes: string;
  kind: 'dialogue' | 'liaison';
  created_at?: number;
  author_name?: string;
}

export interface Dashboard {
  items: (Proposal & { waiting_on: string; assigned_officer: Person | null })[];
  new: number[];
  overdue: number[];
  by_officer: { officer: Person | null; name: string; count: number }[];
  waiting: { desk: number; proposer: number; department: number; none: number };
}

export interface Transparency {
  counts: { agreed: number; in_talks: number; closed: number; received: number };
  total: number;
  median_answer_days: number | null;
  answered: number;
  answered_on_time: number;
  overdue: number;
  items: Proposal[];
}

export const deskApi = (slug: string) => `/municipalities/${encodeURIComponent(slug)}/desk`;
export const deskPage = (slug: string) => `/m/${encodeURIComponent(slug)}/desk`;

export function getOverview(slug: string): Promise<Overview> {
  return api<Overview>('GET', deskApi(slug));
}

export function getProposal(slug: string, id: string | number): Promise<Proposal> {
  return api<Proposal>('GET', `${deskApi(slug)}/proposals/${encodeURIComponent(String(id))}`);
}

/** Characters as the server counts them: code points, blanks (space, tab, newline) at both ends
 *  not counted. */
export function rationaleLength(s: string): number {
  return [...s.replace(/^[ \n\t]+|[ \n\t]+$/g, '')].length;
}

export const RATIONALE_MIN = 30;

let csrf: string | null = null;

async function csrfToken(): Promise<string> {
  if (csrf) return csrf;
  const res = await fetch(`${API_BASE}/auth/csrf`, { credentials: 'same-origin', cache: 'no-store' });
  const body = (await res.json().catch(() => ({}))) as { csrf_token?: string };
  if (!res.ok || !body.csrf_token) throw new ApiError(res.status, t('error.network'));
  csrf = body.csrf_token;
  return csrf;
}

function send(url: string, file: File, token: string, onProgress: (fraction: number) => void): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('X-Filename', encodeURIComponent(file.name));
    xhr.setRequestHeader('X-CSRF-Token', token);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, t('error.network')));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = undefined;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.send(file);
  });
}

/** Uploads one file as the raw request body. 415 and 413 become messages in the UI's language. */
export async function uploadAttachment(slug: string, proposalId: number, docId: number, file: File, onProgress: (fraction: number) => void): Promise<Attachment> {
  const url = `${API_BASE}${deskApi(slug)}/proposals/${proposalId}/documents/${docId}/attachments`;
  let res = await send(url, file, await csrfToken(), onProgress);
  if (res.status === 403 && (res.body as Problem | undefined)?.code === 'csrf') {
    csrf = null;
    res = await send(url, file, await csrfToken(), onProgress);
  }
  if (res.status >= 200 && res.status < 300) return res.body as Attachment;
  const problem = res.body && typeof res.body === 'object' ? (res.body as Problem) : undefined;
  if (res.status === 415) throw new ApiError(415, t('desk.upload.unsupported'), { ...problem, field: 'file' });
  if (res.status === 413) throw new ApiError(413, t('desk.upload.tooLarge'), { ...problem, field: 'file' });
  throw new ApiError(res.status, problem?.detail || problem?.title || t('error.generic', { status: res.status }), problem ? { ...problem, field: problem.field === 'filename' ? 'file' : problem.field } : undefined);
}

/** 「1.2 MB」 */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Unix ms of the end of a yyyy-mm-dd day in Japan (23:59:59.999 JST). */
export function dateInputToMs(v: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return null;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59, 999) - 9 * 3600_000;
}

/** yyyy-mm-dd of a Unix ms in Japan, for <input type="date">. */
export function msToDateInput(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  const d = new Date(ms + 9 * 3600_000);
  return d.toISOString().slice(0, 10);
}

/** yyyy-mm-ddThh:mm in Japan, for <input type="datetime-local">. */
export function msToLocalInput(ms: number): string {
  return new Date(ms + 9 * 3600_000).toISOString().slice(0, 16);
}

export function localInputToMs(v: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(v);
  if (!m) return null;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5])) - 9 * 3600_000;
}
