// Pages of the deliberation part "process", registered in App.tsx.
import type { ComponentType } from 'preact';
import type { Params } from '../../router';

export const processRoutes: [string, ComponentType<{ params: Params }>][] = [];
