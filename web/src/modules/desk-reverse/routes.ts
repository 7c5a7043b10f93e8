// Pages of reverse proposals (逆プロポ), referral (横展開) and the case library (事例),
// registered in App.tsx. The main desk pages link here:
//   /desk/reverse, /desk/reverse/new, /desk/reverse/:id, /desk/reverse/:id/edit
//   /m/:slug/desk/proposals/:id/referral, /m/:slug/desk/proposals/:id/case
//   /m/:slug/desk/referrals, /m/:slug/desk/referrals/:rid
//   /r/:region/desk/cases, /r/:region/desk/cases/:id
import type { ComponentType } from 'preact';
import type { Params } from '../../router';
import { CaseDetailPage, CaseListPage } from './cases';
import { CasePublishPage, ReferralDetailPage, ReferralInboxPage, ReferralPage } from './referral';
import { ReverseDetailPage, ReverseEditPage, ReverseListPage } from './reverse';

export const deskReverseRoutes: [string, ComponentType<{ params: Params }>][] = [
  ['/desk/reverse', ReverseListPage],
  ['/desk/reverse/new', ReverseEditPage],
  ['/desk/reverse/:id', ReverseDetailPage],
  ['/desk/reverse/:id/edit', ReverseEditPage],
  ['/m/:slug/desk/proposals/:id/referral', ReferralPage],
  ['/m/:slug/desk/proposals/:id/case', CasePublishPage],
  ['/m/:slug/desk/referrals', ReferralInboxPage],
  ['/m/:slug/desk/referrals/:rid', ReferralDetailPage],
  ['/r/:region/desk/cases', CaseListPage],
  ['/r/:region/desk/cases/:id', CaseDetailPage],
];
