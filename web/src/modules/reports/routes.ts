// Pages of the deliberation part "reports", registered in App.tsx.
import type { ComponentType } from 'preact';
import type { Params } from '../../router';

export const reportsRoutes: [string, ComponentType<{ params: Params }>][] = [];
