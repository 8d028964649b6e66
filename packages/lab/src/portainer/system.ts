/** The Portainer CE version the simulator reports (the agents run the same release). */
export const PORTAINER_VERSION = '2.27.9';

/** `GET /api/system/version` as Portainer CE answers it (Go field names where swag lower-cased them). */
export function systemVersion() {
  return {
    ServerVersion: PORTAINER_VERSION,
    ServerEdition: 'CE',
    DatabaseVersion: PORTAINER_VERSION,
    VersionSupport: 'LTS',
    UpdateAvailable: false,
    LatestVersion: '',
    Build: {
      BuildNumber: '',
      ImageTag: PORTAINER_VERSION,
      NodejsVersion: '18.20.4',
      YarnVersion: '1.22.22',
      WebpackVersion: '5.94.0',
      GoVersion: 'go1.23.5',
      GitCommit: 'e8a3ae8',
    },
    Dependencies: { Compose: 'v2.32.4' },
    Runtime: { Env: [] },
  };
}
