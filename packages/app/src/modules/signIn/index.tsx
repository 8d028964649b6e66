import { SignInPage } from '@backstage/core-components';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

/** Guest sign-in for the embedded default; production replaces it with its own provider. */
const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => props =>
      <SignInPage {...props} providers={['guest']} />,
  },
});

/** The portal's sign-in module. */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [signInPage],
});
