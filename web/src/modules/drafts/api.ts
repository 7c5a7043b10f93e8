// Types and calls of the drafts API (docs/openapi.yaml, tag drafts).
import { api, qs } from '../../api';

export interface Para {
  id: number;
  number: number;
  label: string;
  text: string;
  changed_in: number;
  source: { suggestion_id: number; author: string } | null;
}
export interface Section {
  id: number;
  number: number;
  title: string;
  paragraphs: Para[];
}
export interface VersionInfo {
  version: number;
  created_at: number;
  suggestion: { id: number; author: string; reason: string; paragraph_id: number; paragraph_label: string } | null;
}
export type DraftStatus = 'editing' | 'published' | 'final';
export interface DraftSummary {
  id: number;
  process_id: number;
  title: string;
  status: DraftStatus;
  current_version: number;
  created_at: number;
  published_at: number | null;
  frozen_at: number | null;
  open_suggestions?: number;
  can_manage: boolean;
}
export interface Draft extends DraftSummary {
  version: number;
  version_info: VersionInfo | null;
  sections: Section[];
}
export interface Suggestion {
  id: number;
  paragraph_id: number;
  paragraph_label: string;
  text: string;
  base_text: string;
  base_version: number;
  reason: string;
  status: 'open' | 'accepted' | 'declined';
  decision_reason: string | null;
  decided_at: number | null;
  accepted_version: number | null;
  like_count: number;
  liked: boolean;
  mine: boolean;
  outdated: boolean;
  author: string;
  created_at: number;
}
export interface Segment {
  op: 'equal' | 'insert' | 'delete';
  text: string;
}
export interface DiffPara {
  id: number;
  section_number: number;
  section_title: string;
  number: number;
  label: string;
  changed: boolean;
  coarse: boolean;
  segments: Segment[];
}
export interface DraftDiff {
  draft_id: number;
  title: string;
  from: number;
  to: number;
  changed_paragraphs: number;
  paragraphs: DiffPara[];
}

export const base = (slug: string, pid: string | number) =>
  `/municipalities/${encodeURIComponent(slug)}/processes/${encodeURIComponent(String(pid))}/drafts`;

export const listDrafts = (slug: string, pid: string) =>
  api<{ items: DraftSummary[]; can_manage: boolean; process_title: string }>('GET', base(slug, pid));
export const getDraft = (slug: string, pid: string, did: string, version?: number) =>
  api<Draft>('GET', `${base(slug, pid)}/${did}${version ? qs({ version }) : ''}`);
export const listVersions = (slug: string, pid: string, did: string) =>
  api<{ items: VersionInfo[] }>('GET', `${base(slug, pid)}/${did}/versions`);
export const getDiff = (slug: string, pid: string, did: string, from: number, to: number) =>
  api<DraftDiff>('GET', `${base(slug, pid)}/${did}/diff${qs({ from, to })}`);

export async function listSuggestions(slug: string, pid: string, did: string): Promise<Suggestion[]> {
  const all: Suggestion[] = [];
  let after: number | null = 0;
  while (after !== null) {
    const page: { items: Suggestion[]; next_after: number | null } = await api('GET', `${base(slug, pid)}/${did}/suggestions${qs({ limit: 200, after })}`);
    all.push(...page.items);
    after = page.next_after;
  }
  return all;
}

/** Turns "# 見出し" lines and blank-line separated paragraphs into sections. */
export function parseBody(text: string): { title: string; paragraphs: string[] }[] {
  const sections: { title: string; paragraphs: string[] }[] = [];
  let cur: { title: string; paragraphs: string[] } | null = null;
  let para: string[] = [];
  const flush = () => {
    if (cur && para.length) cur.paragraphs.push(para.join('\n').trim());
    para = [];
  };
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const m = /^#\s+(.*)$/.exec(line);
    if (m) {
      flush();
      cur = { title: m[1]!.trim(), paragraphs: [] };
      sections.push(cur);
    } else if (line.trim() === '') {
      flush();
    } else {
      if (!cur) {
        cur = { title: '', paragraphs: [] };
        sections.push(cur);
      }
      para.push(line);
    }
  }
  flush();
  return sections;
}
