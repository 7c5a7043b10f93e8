// Pages of the deliberation part "stats", registered in App.tsx.
import type { ComponentType } from 'preact';
import type { Params } from '../../router';
import { StatsPage } from './pages';

export const statsRoutes: [string, ComponentType<{ params: Params }>][] = [['/m/:slug/processes/:pid/stats', StatsPage]];
