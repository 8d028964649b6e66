export interface Config {
  auth?: {
    providers?: {
      /**
       * The embedded default's persona sign-in (packages/backend/src/modules/embeddedSignIn), per auth environment
       * (`auth.environment`, default development). Production has none, so the provider is not registered there.
       */
      embedded?: {
        [authEnvironment: string]: {
          /** Persona id (sent by the sign-in page) -> the catalog user it signs in as, e.g. `developer: user:default/dev`. */
          personas: { [persona: string]: string };
        };
      };
    };
  };
}
