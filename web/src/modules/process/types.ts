// API shapes of processes, phases, themes and ideas (docs/openapi.yaml, schemas Process etc.).
export type Action = 'idea' | 'comment' | 'support' | 'suggest' | 'survey';
export const ACTIONS: Action[] = ['idea', 'comment', 'support', 'suggest', 'survey'];

export interface Phase {
  id: number;
  position: number;
  title: string;
  description: string;
  starts_at: number;
  ends_at: number;
  actions: Action[];
  state: 'past' | 'current' | 'upcoming';
  current: boolean;
}

export interface Process {
  id: number;
  municipality: string;
  title: string;
  summary: string;
  body?: string;
  body_html?: string;
  status: 'draft' | 'published' | 'closed';
  phases: Phase[];
  current_phase: Phase | null;
  counts: { themes: number; ideas: number; supports: number };
  can_manage?: boolean;
  published_at: number | null;
  closed_at: number | null;
}

export interface ProcessList {
  items: Process[];
  next_after: number | null;
  can_manage: boolean;
}

export interface Theme {
  id: number;
  process_id: number;
  title: string;
  body?: string;
  body_html: string;
  category: string;
  district: string;
  support_limit: number;
  idea_count: number;
  my_support_count: number;
  hidden?: boolean;
  hidden_reason?: string | null;
  process_title?: string;
  can_manage?: boolean;
}

export type IdeaState = 'open' | 'considering' | 'adopted' | 'partially_adopted' | 'rejected' | 'withdrawn';
export const IDEA_STATES: IdeaState[] = ['open', 'considering', 'adopted', 'partially_adopted', 'rejected', 'withdrawn'];

export interface Idea {
  id: number;
  theme_id: number;
  process_id: number;
  title: string;
  body?: string;
  body_html: string;
  category: string;
  district: string;
  state: IdeaState;
  answer: { state: IdeaState; reason: string; answered_at: number } | null;
  author: { name: string };
  support_count: number;
  comment_count: number;
  supported: boolean;
  mine: boolean;
  editable: boolean;
  source: 'online' | 'workshop' | 'paper';
  hidden?: boolean;
  created_at: number;
  theme?: { id: number; title: string; support_limit: number };
  process?: { id: number; title: string; status: string };
  can_answer?: boolean;
}

export interface IdeaList {
  items: Idea[];
  next_after: number | null;
  sort: string;
  seed: number;
}
