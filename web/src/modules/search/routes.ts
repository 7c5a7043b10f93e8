// Pages of the deliberation part "search", registered in App.tsx.
import type { ComponentType } from 'preact';
import type { Params } from '../../router';

export const searchRoutes: [string, ComponentType<{ params: Params }>][] = [];
