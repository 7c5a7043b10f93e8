// Pages of the deliberation part "process", registered in App.tsx.
import type { ComponentType } from 'preact';
import type { Params } from '../../router';
import { IdeaEditPage, ProcessEditPage, ThemeEditPage } from './edit';
import { IdeaPage, ProcessListPage, ProcessNewPage, ProcessPage, ThemePage } from './pages';

export const processRoutes: [string, ComponentType<{ params: Params }>][] = [
  ['/m/:slug/processes', ProcessListPage],
  ['/m/:slug/processes/new', ProcessNewPage],
  ['/m/:slug/processes/:id', ProcessPage],
  ['/m/:slug/processes/:id/edit', ProcessEditPage],
  ['/m/:slug/processes/:id/themes/:tid', ThemePage],
  ['/m/:slug/processes/:id/themes/:tid/edit', ThemeEditPage],
  ['/m/:slug/processes/:id/ideas/:iid', IdeaPage],
  ['/m/:slug/processes/:id/ideas/:iid/edit', IdeaEditPage],
];
