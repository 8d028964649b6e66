import { SignInPage } from '@backstage/core-components';
import {
  configApiRef,
  gitlabAuthApiRef,
  SignInPageProps,
  useApi,
} from '@backstage/core-plugin-api';
import { Persona, PersonaSignInPage } from './PersonaSignInPage';

const gitlabProvider = {
  id: 'gitlab-auth-provider',
  title: 'GitLab',
  message: 'Sign in with your GitLab account',
  apiRef: gitlabAuthApiRef,
};

/**
 * The portal's sign-in page, by `app.signIn.providers`: `embedded` shows the personas of `app.signIn.personas`
 * (the embedded default); otherwise Backstage's sign-in page with `gitlab` and/or `guest`. Without the setting:
 * guest.
 */
export function PortalSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const providers = config.getOptionalStringArray('app.signIn.providers') ?? [
    'guest',
  ];
  if (providers.includes('embedded')) {
    const personas: Persona[] = (
      config.getOptionalConfigArray('app.signIn.personas') ?? []
    ).map(p => ({
      id: p.getString('id'),
      title: p.getString('title'),
      description: p.getOptionalString('description'),
    }));
    return <PersonaSignInPage {...props} personas={personas} />;
  }
  return (
    <SignInPage
      {...props}
      providers={providers.map(id =>
        id === 'gitlab' ? gitlabProvider : 'guest',
      )}
    />
  );
}
