// Types and API paths of surveys (意向調査); see docs/openapi.yaml (tag surveys).
export type QuestionType = 'single' | 'multiple' | 'scale5' | 'ranking' | 'text';

export interface Question {
  type: QuestionType;
  text: string;
  required: boolean;
  choices?: string[];
  max?: number;
  labels?: string[];
  top_n?: number;
  max_length?: number;
}

export type Answer = null | number | number[] | string;

export interface MyResponse {
  answers: Answer[];
  age_band: string;
  district: string;
  created_at: number;
  updated_at: number;
}

export interface Survey {
  id: number;
  process_id: number;
  title: string;
  description: string;
  opens_at: number;
  closes_at: number;
  eligibility: 'logged_in' | 'email_verified' | 'residents';
  results_visibility: 'after_close' | 'always';
  status: 'draft' | 'published' | 'closed';
  state: 'draft' | 'scheduled' | 'open' | 'closed';
  results_open: boolean;
  results_open_at: number;
  response_count: number;
  questions_locked: boolean;
  questions?: Question[];
  districts?: string[];
  age_bands?: string[];
  eligible?: boolean;
  eligibility_reason?: string | null;
  staff?: boolean;
  my_response?: MyResponse | null;
}

export interface ChoiceResult {
  choice?: number;
  value?: number;
  label: string;
  count?: number;
  percent?: number;
  score?: number;
  mean_rank?: number | null;
  ranked_by?: number;
}

export interface QuestionResult {
  index: number;
  type: QuestionType;
  text: string;
  answered: number;
  choices?: ChoiceResult[];
  distribution?: ChoiceResult[];
  mean?: number | null;
  items?: ChoiceResult[];
  method_note?: string;
  answers?: string[];
}

export interface Results {
  survey_id: number;
  title: string;
  respondents: number;
  online: number;
  paper: number;
  questions: QuestionResult[];
}

export interface CrossCell {
  count: number | null;
  percent: number | null;
  suppressed: boolean;
  reason?: 'small' | 'complementary';
}

export interface CrossTab {
  question: number;
  text: string;
  by: 'age_band' | 'district';
  columns: string[];
  rows: { label: string; total: number | null; total_suppressed: boolean; cells: CrossCell[] }[];
  threshold: number;
  note: string;
}

/** API path of a process's surveys (relative to /api/v1). */
export function apiBase(slug: string, pid: string): string {
  return `/municipalities/${encodeURIComponent(slug)}/processes/${encodeURIComponent(pid)}/surveys`;
}

/** Page path of a process's surveys. */
export function pageBase(slug: string, pid: string): string {
  return `/m/${encodeURIComponent(slug)}/processes/${encodeURIComponent(pid)}/surveys`;
}
