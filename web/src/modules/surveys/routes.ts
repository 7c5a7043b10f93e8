// Pages of the deliberation part "surveys", registered in App.tsx.
import type { ComponentType } from 'preact';
import type { Params } from '../../router';

export const surveysRoutes: [string, ComponentType<{ params: Params }>][] = [];
