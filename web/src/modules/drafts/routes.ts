// Pages of the deliberation part "drafts", registered in App.tsx.
import type { ComponentType } from 'preact';
import type { Params } from '../../router';

export const draftsRoutes: [string, ComponentType<{ params: Params }>][] = [];
