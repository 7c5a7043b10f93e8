// Public surface of the comments part for other parts of the UI:
//   <Comments slug="kamome" target="idea:12" />            thread + form for a theme/idea/...
//   <FollowButton targetKind="idea" targetId={12} following={false} />
//   <ReportDialog .../>, <StanceLabel stance="for" />, <NotificationsLink /> (header link with count)
export { Comments, ReportDialog, StanceLabel } from './Comments';
export { FollowButton } from './FollowButton';
export { NotificationsLink } from './pages';
