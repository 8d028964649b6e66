import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

/** The sign-in page of `app.signIn.providers`: personas on the embedded default, GitLab in production. */
const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => (await import('./PortalSignInPage')).PortalSignInPage,
  },
});

/** The portal's sign-in module. */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [signInPage],
});
