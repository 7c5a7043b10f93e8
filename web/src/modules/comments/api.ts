// Types and calls of the comments part's API (docs/openapi.yaml, tag deliberation).
import { api, qs } from '../../api';

export type Stance = 'for' | 'against' | 'neutral';

export interface Comment {
  id: number;
  parent_id: number | null;
  reply_to_id: number | null;
  depth: number;
  created_at: number;
  updated_at?: number;
  deleted: boolean;
  hidden: boolean;
  hidden_reason: string | null;
  body: string;
  body_html: string | null;
  stance: Stance | null;
  author: { name: string } | null;
  is_staff: boolean;
  /** 'workshop' when staff recorded what was said at a workshop. */
  source?: 'online' | 'workshop';
  edited: boolean;
  mine: boolean;
  replies: Comment[];
}

export interface Thread {
  target_kind: string;
  target_id: number;
  target_title: string;
  process_id: number;
  items: Comment[];
  counts: { for: number; against: number; neutral: number; total: number };
  max_depth: number;
  staff: boolean;
  following: boolean;
}

export interface Version {
  version: number;
  stance: Stance;
  body: string;
  body_html: string | null;
  created_at: number;
}

export interface Report {
  id: number;
  content_kind: 'comment' | 'idea' | 'theme';
  content_id: number;
  reason: string;
  status: 'open' | 'hidden' | 'dismissed';
  created_at: number;
  resolved_at: number | null;
  content: { text: string; hidden: boolean; hidden_reason: string | null; url: string; process_id: number } | null;
}

export interface Notification {
  id: number;
  kind: string;
  target_kind: string;
  target_id: number;
  title: string;
  url: string;
  created_at: number;
  read: boolean;
}

export interface NotificationPage {
  items: Notification[];
  next_after: number | null;
  unread_count: number;
}

const muni = (slug: string) => `/municipalities/${encodeURIComponent(slug)}`;

export const loadThread = (slug: string, target: string) => api<Thread>('GET', `${muni(slug)}/comments${qs({ target })}`);
export const postComment = (slug: string, body: { target: string; stance: Stance; body: string; parent_id?: number }) =>
  api<Comment>('POST', `${muni(slug)}/comments`, body);
export const editComment = (slug: string, id: number, body: { stance?: Stance; body: string }) =>
  api<Comment>('PATCH', `${muni(slug)}/comments/${id}`, body);
export const deleteComment = (slug: string, id: number) => api<void>('DELETE', `${muni(slug)}/comments/${id}`);
export const loadVersions = (slug: string, id: number) =>
  api<{ items: Version[] }>('GET', `${muni(slug)}/comments/${id}/versions`);
export const report = (slug: string, content_kind: string, content_id: number, reason: string) =>
  api<unknown>('POST', `${muni(slug)}/reports`, { content_kind, content_id, reason });
export const loadReports = (slug: string, status: string, after?: number | null) =>
  api<{ items: Report[]; next_after: number | null }>('GET', `${muni(slug)}/moderation/reports${qs({ status, after: after ?? undefined })}`);
export const hide = (slug: string, content_kind: string, content_id: number, reason: string) =>
  api<unknown>('POST', `${muni(slug)}/moderation/hide`, { content_kind, content_id, reason });
export const unhide = (slug: string, content_kind: string, content_id: number) =>
  api<unknown>('POST', `${muni(slug)}/moderation/unhide`, { content_kind, content_id });
export const dismiss = (slug: string, id: number) => api<unknown>('POST', `${muni(slug)}/moderation/reports/${id}/dismiss`, {});
export const follow = (target_kind: string, target_id: number) => api<unknown>('POST', '/me/follows', { target_kind, target_id });
export const unfollow = (target_kind: string, target_id: number) => api<void>('DELETE', '/me/follows', { target_kind, target_id });
export const loadNotifications = (unread: boolean, after?: number | null) =>
  api<NotificationPage>('GET', `/me/notifications${qs({ unread: unread ? 1 : undefined, after: after ?? undefined, limit: 20 })}`);
export const markRead = (body: { ids: number[] } | { all: true }) =>
  api<{ marked: number; unread_count: number }>('POST', '/me/notifications/read', body);
