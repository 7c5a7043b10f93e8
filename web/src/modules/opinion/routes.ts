// Pages of the opinion map (issue 5), registered in App.tsx.
import type { ComponentType } from 'preact';
import type { Params } from '../../router';
import { OpinionListPage, OpinionManagePage, OpinionMapPage, OpinionVotePage } from './pages';

export const opinionRoutes: [string, ComponentType<{ params: Params }>][] = [
  ['/m/:slug/opinion', OpinionListPage],
  ['/m/:slug/opinion/:cid', OpinionVotePage],
  ['/m/:slug/opinion/:cid/map', OpinionMapPage],
  ['/m/:slug/opinion/:cid/manage', OpinionManagePage],
];
