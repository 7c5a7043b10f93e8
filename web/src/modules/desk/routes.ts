// Pages of the co-creation desk (共創窓口), registered in App.tsx. Later parts of the desk
// (selection, reverse proposals) link into these pages.
import type { ComponentType } from 'preact';
import type { Params } from '../../router';
import { DashboardPage, TransparencyPage } from './board';
import { ChallengeEditPage, ChallengeListPage, ChallengePage } from './challenges';
import { MyProposalsPage, ProposalEditPage, ProposalNewPage, ProposalPage } from './proposals';

export const deskRoutes: [string, ComponentType<{ params: Params }>][] = [
  ['/m/:slug/desk', ChallengeListPage],
  ['/m/:slug/desk/challenges/new', ChallengeEditPage],
  ['/m/:slug/desk/challenges/:cid', ChallengePage],
  ['/m/:slug/desk/challenges/:cid/edit', ChallengeEditPage],
  ['/m/:slug/desk/proposals/new', ProposalNewPage],
  ['/m/:slug/desk/proposals/:id', ProposalPage],
  ['/m/:slug/desk/proposals/:id/edit', ProposalEditPage],
  ['/m/:slug/desk/dashboard', DashboardPage],
  ['/m/:slug/desk/transparency', TransparencyPage],
  ['/m/:slug/desk/mine', MyProposalsPage],
];
