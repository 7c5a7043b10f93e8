// Public surface of the opinion map for other parts of the UI:
//   <ThemeConversations slug="kamome" themeId={3} canManage={false} />  on a theme's page
//   <ThemeSelect …/>                                                    a theme picker for forms
export { ThemeConversations, ThemeSelect } from './theme';
