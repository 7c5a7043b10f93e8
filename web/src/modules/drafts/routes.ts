// Pages of the deliberation part "drafts", registered in App.tsx.
import type { ComponentType } from 'preact';
import type { Params } from '../../router';
import { DraftEditPage } from './edit';
import { DraftNewPage, DraftPage, DraftReviewPage, DraftsListPage, DraftVersionsPage } from './pages';

export const draftsRoutes: [string, ComponentType<{ params: Params }>][] = [
  ['/m/:slug/processes/:pid/drafts', DraftsListPage],
  ['/m/:slug/processes/:pid/drafts/new', DraftNewPage],
  ['/m/:slug/processes/:pid/drafts/:did', DraftPage],
  ['/m/:slug/processes/:pid/drafts/:did/edit', DraftEditPage],
  ['/m/:slug/processes/:pid/drafts/:did/review', DraftReviewPage],
  ['/m/:slug/processes/:pid/drafts/:did/versions', DraftVersionsPage],
];
