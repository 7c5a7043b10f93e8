// Types and URL helpers of reverse proposals (逆プロポ), referral (横展開) and the case library.
import { api } from '../../api';

export const RT = '/desk/reverse-themes';
export const deskBase = (slug: string) => `/municipalities/${encodeURIComponent(slug)}/desk`;
export const casesBase = (region: string) => `/regions/${encodeURIComponent(region)}/desk/cases`;

/** The policy fields of the desk (the server checks the same list). */
export const POLICY_FIELDS = ['まちづくり', '環境', '健康', '福祉', '子育て', '経済', '教育', '行財政運営', '防災', '観光', '交通', 'デジタル', 'その他'];

export interface Muni {
  slug: string;
  name: string;
}

export interface Application {
  id: number;
  municipality: Muni;
  department: string;
  problem_statement: string;
  status: 'applied' | 'picked' | 'not_picked';
  proposal_id: number | null;
  created_at: number;
  updated_at: number;
}

export interface Theme {
  id: number;
  organization: { id: number; name: string };
  business_name: string;
  title: string;
  summary: string;
  offer: string;
  want_to_learn: string;
  period: string;
  cost_borne: string;
  policy_field: string;
  target_region: Muni | null;
  apply_deadline: number;
  status: 'draft' | 'published' | 'closed';
  accepting: boolean;
  pick_reason: string | null;
  picked_at: number | null;
  published_at: number | null;
  application_count: number;
  picked?: { municipality: Muni; proposal_id: number | null }[];
  my_roles?: string[];
  apply_as?: Muni[];
  applications?: Application[];
  my_applications?: Application[];
  following?: boolean;
}

export interface Referral {
  id: number;
  status: 'referred' | 'opened';
  opened_proposal_id: number | null;
  note: string;
  created_at: number;
  from: Muni;
  to: Muni;
  proposal: { id: number; title: string; summary: string; business_name: string; kind: string; policy_field: string; stage: string };
  shared_documents?: { id: number; title: string; body: string; attachments: { id: number; filename: string; url: string; size_bytes: number }[] }[];
  my_side?: 'source' | 'target';
}

export interface ReferralState {
  consent: { consented_at: number; revoked_at: number | null; note: string; active: boolean } | null;
  shared_document_ids: number[];
  referrals: { id: number; to: Muni; status: 'referred' | 'opened'; opened_proposal_id: number | null; created_at: number }[];
  region_municipalities: Muni[];
  case: { id: number; region: string } | null;
  my_roles: string[];
  proposal: { id: number; title: string; stage: string };
}

export interface Case {
  id: number;
  title: string;
  summary: string;
  outcomes: string;
  kpis: string;
  contact_department: string;
  policy_field: string;
  published_at: number;
  municipality: Muni;
  business_name: string;
  proposal: { id: number; kind: string };
  region: Muni;
  adoption_count: number;
  adoptions?: { municipality: Muni; adopted_at: number }[];
  adopt_as?: Muni[];
  can_edit?: boolean;
  /** set once the publishing desk withdrew the case (only that desk still sees the page) */
  withdrawn?: { at: number; reason: string } | null;
}

/** The end (23:59:59 JST) of a yyyy-mm-dd day, in Unix ms; NaN when empty. */
export function endOfDayJst(d: string): number {
  return d ? new Date(`${d}T23:59:59+09:00`).getTime() : NaN;
}

/** yyyy-mm-dd (JST) of Unix ms. */
export function dayJst(ms: number): string {
  return new Date(ms + 9 * 3600000).toISOString().slice(0, 10);
}

export function getTheme(id: string): Promise<Theme> {
  return api<Theme>('GET', `${RT}/${encodeURIComponent(id)}`);
}
