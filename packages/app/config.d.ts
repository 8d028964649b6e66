export interface Config {
  app?: {
    signIn?: {
      /**
       * The sign-in choices: `embedded` (the embedded default's personas; replaces the others), `gitlab`, `guest`.
       * Default: guest.
       * @visibility frontend
       */
      providers?: Array<'embedded' | 'gitlab' | 'guest'>;
      /**
       * The personas the sign-in page offers with `embedded`; each id must be one of the backend's
       * `auth.providers.embedded.<auth.environment>.personas`.
       * @deepVisibility frontend
       */
      personas?: Array<{ id: string; title: string; description?: string }>;
    };
  };
}
