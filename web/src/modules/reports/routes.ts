// Pages of the deliberation part "reports", registered in App.tsx.
import type { ComponentType } from 'preact';
import type { Params } from '../../router';
import { ReportEditPage, ReportPage } from './pages';

export const reportsRoutes: [string, ComponentType<{ params: Params }>][] = [
  ['/m/:slug/processes/:pid/report', ReportPage],
  ['/m/:slug/processes/:pid/report/edit', ReportEditPage],
];
