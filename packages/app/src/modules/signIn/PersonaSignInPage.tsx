import { useCallback, useEffect, useState } from 'react';
import {
  Content,
  Header,
  InfoCard,
  Page,
  ProxiedSignInPage,
  WarningPanel,
} from '@backstage/core-components';
import {
  configApiRef,
  IdentityApi,
  SignInPageProps,
  useApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';

/** A persona of the embedded default's sign-in (`app.signIn.personas`). */
export type Persona = { id: string; title: string; description?: string };

/** Where the chosen persona is remembered, so a reload signs in again without asking. */
export const PERSONA_STORAGE_KEY = 'docker-env:sign-in-persona';
/** The header the backend's `embedded` auth provider reads the persona from (packages/backend/src/modules/embeddedSignIn). */
const PERSONA_HEADER = 'x-docker-env-persona';

/** The identity, except that signing out forgets the persona, so the sign-in page asks again. */
function forgetPersonaOnSignOut(identity: IdentityApi): IdentityApi {
  return {
    getProfileInfo: () => identity.getProfileInfo(),
    getBackstageIdentity: () => identity.getBackstageIdentity(),
    getCredentials: () => identity.getCredentials(),
    signOut: async () => {
      window.localStorage.removeItem(PERSONA_STORAGE_KEY);
      await identity.signOut();
    },
  };
}

/** The backend's own message (e.g. an unknown persona) rather than "Request failed with 401". */
function readableError(error: Error) {
  return error instanceof ResponseError
    ? error.body.error.message
    : error.message;
}

function PersonaChoice(props: {
  personas: Persona[];
  error?: Error;
  onChoose: (persona: string) => void;
}) {
  const configApi = useApi(configApiRef);
  // a persona that failed to sign in is not tried again on the next load
  useEffect(() => {
    if (props.error) window.localStorage.removeItem(PERSONA_STORAGE_KEY);
  }, [props.error]);
  const title = configApi.getOptionalString('app.title') ?? 'Backstage';
  return (
    <Page themeId="home">
      <Header title={title} subtitle="Sign in as" />
      <Content>
        {props.error && (
          <WarningPanel severity="error" title="Sign-in failed" defaultExpanded>
            {readableError(props.error)}
          </WarningPanel>
        )}
        <Grid container spacing={3}>
          {props.personas.map(persona => (
            <Grid item xs={12} sm={6} md={4} key={persona.id}>
              <InfoCard title={persona.title}>
                {persona.description && (
                  <Typography variant="body2" paragraph>
                    {persona.description}
                  </Typography>
                )}
                <Button
                  variant="contained"
                  color="primary"
                  onClick={() => props.onChoose(persona.id)}
                >
                  Sign in as {persona.title}
                </Button>
              </InfoCard>
            </Grid>
          ))}
        </Grid>
      </Content>
    </Page>
  );
}

/**
 * The embedded default's sign-in: pick a persona (e.g. a developer or an admin); the backend's `embedded` auth
 * provider signs in as its catalog user. The choice is remembered until sign-out.
 */
export function PersonaSignInPage(
  props: SignInPageProps & { personas: Persona[] },
) {
  const { personas, onSignInSuccess } = props;
  const remembered = window.localStorage.getItem(PERSONA_STORAGE_KEY);
  const [attempt, setAttempt] = useState(() => ({
    persona: personas.some(p => p.id === remembered) ? remembered : null,
    count: 0,
  }));
  const choose = useCallback((persona: string) => {
    window.localStorage.setItem(PERSONA_STORAGE_KEY, persona);
    setAttempt(a => ({ persona, count: a.count + 1 }));
  }, []);
  const ChoiceAfterError = useCallback(
    ({ error }: { error?: Error }) => (
      <PersonaChoice personas={personas} error={error} onChoose={choose} />
    ),
    [personas, choose],
  );
  if (!attempt.persona) {
    return <PersonaChoice personas={personas} onChoose={choose} />;
  }
  return (
    <ProxiedSignInPage
      // a new attempt (even with the same persona) starts a new sign-in
      key={attempt.count}
      provider="embedded"
      headers={{ [PERSONA_HEADER]: attempt.persona }}
      onSignInSuccess={identity =>
        onSignInSuccess(forgetPersonaOnSignOut(identity))
      }
      ErrorComponent={ChoiceAfterError}
    />
  );
}
