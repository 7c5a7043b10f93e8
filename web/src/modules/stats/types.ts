// Types of the statistics API (GET .../processes/{id}/stats).
export const METRICS = ['participants', 'ideas', 'comments', 'supports', 'suggestions', 'survey_responses'] as const;
export type Metric = (typeof METRICS)[number];
export type Counts = Record<Metric, number>;

export interface DayCounts extends Counts {
  date: string; // YYYY-MM-DD, JST
}

export interface Stats {
  process: { id: number; title: string; status: string };
  totals: Counts;
  range: { from: string; to: string; days: number; timezone: string };
  series: DayCounts[];
  generated_at: number;
}

export const EXPORT_KINDS = ['ideas', 'comments', 'themes', 'phases', 'changes', 'surveys', 'survey_results'] as const;

/** API path of a process (relative to /api/v1). */
export function processApi(slug: string, pid: string): string {
  return `/municipalities/${encodeURIComponent(slug)}/processes/${encodeURIComponent(pid)}`;
}
