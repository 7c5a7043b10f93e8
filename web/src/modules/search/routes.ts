// Pages of the deliberation part "search", registered in App.tsx.
import type { ComponentType } from 'preact';
import type { Params } from '../../router';
import { SearchPage } from './pages';

export const searchRoutes: [string, ComponentType<{ params: Params }>][] = [['/m/:slug/search', SearchPage]];
