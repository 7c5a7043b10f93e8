// Pages of the deliberation part "comments", registered in App.tsx.
import type { ComponentType } from 'preact';
import type { Params } from '../../router';
import { DiscussionPage, ModerationPage, NotificationsPage } from './pages';

export const commentsRoutes: [string, ComponentType<{ params: Params }>][] = [
  ['/m/:slug/comments/:kind/:id', DiscussionPage],
  ['/m/:slug/moderation', ModerationPage],
  ['/notifications', NotificationsPage],
];
