// Pages of the deliberation part "comments", registered in App.tsx.
import type { ComponentType } from 'preact';
import type { Params } from '../../router';

export const commentsRoutes: [string, ComponentType<{ params: Params }>][] = [];
