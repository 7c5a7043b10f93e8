// Pages of the deliberation part "surveys", registered in App.tsx.
import type { ComponentType } from 'preact';
import type { Params } from '../../router';
import { EditorPage, PaperPage } from './EditorPage';
import { ResultsPage } from './ResultsPage';
import { SurveyList, SurveyPage } from './SurveyPages';

export const surveysRoutes: [string, ComponentType<{ params: Params }>][] = [
  ['/m/:slug/processes/:pid/surveys', SurveyList],
  ['/m/:slug/processes/:pid/surveys/new', EditorPage],
  ['/m/:slug/processes/:pid/surveys/:sid', SurveyPage],
  ['/m/:slug/processes/:pid/surveys/:sid/edit', EditorPage],
  ['/m/:slug/processes/:pid/surveys/:sid/results', ResultsPage],
  ['/m/:slug/processes/:pid/surveys/:sid/paper', PaperPage],
];
