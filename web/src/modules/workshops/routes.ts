// Pages of the deliberation part "workshops", registered in App.tsx.
import type { ComponentType } from 'preact';
import type { Params } from '../../router';
import { WorkshopList, WorkshopPage } from './pages';

export const workshopsRoutes: [string, ComponentType<{ params: Params }>][] = [
  ['/m/:slug/processes/:pid/workshops', WorkshopList],
  ['/m/:slug/processes/:pid/workshops/:wid', WorkshopPage],
];
