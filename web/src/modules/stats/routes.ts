// Pages of the deliberation part "stats", registered in App.tsx.
import type { ComponentType } from 'preact';
import type { Params } from '../../router';

export const statsRoutes: [string, ComponentType<{ params: Params }>][] = [];
