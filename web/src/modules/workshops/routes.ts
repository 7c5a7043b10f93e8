// Pages of the deliberation part "workshops", registered in App.tsx.
import type { ComponentType } from 'preact';
import type { Params } from '../../router';

export const workshopsRoutes: [string, ComponentType<{ params: Params }>][] = [];
