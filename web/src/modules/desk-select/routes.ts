// Pages of the selection of the implementer, agreement and monitoring (desk-select), registered in
// App.tsx. The proposal page (modules/desk) links to them by URL.
import type { ComponentType } from 'preact';
import type { Params } from '../../router';
import { AgreementPage, CallsPage, MonitoringPage, SelectionPage } from './pages';

export const deskSelectRoutes: [string, ComponentType<{ params: Params }>][] = [
  ['/m/:slug/desk/calls', CallsPage],
  ['/m/:slug/desk/proposals/:id/selection', SelectionPage],
  ['/m/:slug/desk/proposals/:id/agreement', AgreementPage],
  ['/m/:slug/desk/proposals/:id/monitoring', MonitoringPage],
];
