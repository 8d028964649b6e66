import type { JsonObject } from '@backstage/types';
import {
  startBackendProcess,
  type BackendProcess,
  type LabProcess,
} from '@docker-env/lab-testing/backend/processes/spawn';
import { labDockerEnvConfig } from '@docker-env/lab-testing/backend/provisioningLab';
import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { smtpNotificationsConfig } from './smtpSink';

/** The portal's own entry point: every plugin it ships, the lab plugin left off by config. */
const PORTAL_ENTRY = path.resolve(__dirname, '../../index.ts');
const REPO = path.resolve(__dirname, '../../../../..');
const TEMPLATE_FILE = path.join(
  REPO,
  'templates/docker-environment/template.yaml',
);

/** The test org: alice (with a mail address) in team-a. */
const ORG = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'alice' },
    spec: { profile: { email: 'alice@example.com' }, memberOf: ['team-a'] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-a' },
    spec: { type: 'team', children: [] },
  },
];

/** What {@link portalConfig} needs: the shared database, the lab process, a folder and the SMTP sink. */
export interface PortalSetup {
  database: JsonObject;
  lab: LabProcess;
  dir: string;
  smtpPort: number;
  /** `scaffolder.taskRecovery.staleTimeout`, seconds. */
  staleTimeoutSeconds: number;
}

/** Writes the org file and returns the portal's config: guest sign-in as alice, the repository's template. */
export async function portalConfig(s: PortalSetup): Promise<JsonObject> {
  const orgFile = path.join(s.dir, 'org.yaml');
  await fs.writeFile(orgFile, ORG.map(e => YAML.stringify(e)).join('---\n'));
  // the portal's own scaffolder settings (task recovery), with a short stale timeout
  const appConfig = YAML.parse(
    await fs.readFile(path.join(REPO, 'app-config.yaml'), 'utf8'),
  );
  const scaffolder = appConfig.scaffolder ?? {};
  return {
    app: { baseUrl: 'http://localhost:3000' },
    backend: { database: s.database },
    auth: {
      providers: {
        guest: {
          userEntityRef: 'user:default/alice',
          dangerouslyAllowOutsideDevelopment: true,
        },
      },
    },
    scaffolder: {
      ...scaffolder,
      taskRecovery: {
        ...scaffolder.taskRecovery,
        staleTimeout: { seconds: s.staleTimeoutSeconds },
      },
    },
    catalog: {
      rules: [{ allow: ['User', 'Group', 'Template', 'Resource'] }],
      locations: [
        { type: 'file', target: orgFile },
        { type: 'file', target: TEMPLATE_FILE },
      ],
    },
    permission: { enabled: true },
    notifications: smtpNotificationsConfig(s.smtpPort),
    dockerEnv: {
      ...labDockerEnvConfig(s.lab, s.lab.routesDir, { pollIntervalMs: 50 }),
      // production mode against the lab: the start-up guard logs the lab's values and loopback targets instead of
      // refusing them, and still wants every required production value
      lab: { enabled: false },
      allowLoopbackTargets: true,
      admins: ['group:default/platform-team'],
      deployments: {
        tokenSecret: 'acceptance-hmac-key-of-32-characters-at-least',
        secretsKey: 'acceptance-secrets-key-of-32-characters-at-least',
      },
      lifecycle: {
        backupStorage: 'backup',
        pausedRoute: { url: 'http://127.0.0.1:1' },
      },
      runner: {
        pollIntervalMs: 100,
        leaseSeconds: 2,
        recoveryFrequencySeconds: 1,
      },
      scaffolder: { pollIntervalMs: 100 },
    },
  };
}

/** The portal (packages/backend) in its own process group, so a SIGKILL takes all of it. */
export function startPortalProcess(
  config: JsonObject,
): Promise<BackendProcess> {
  return startBackendProcess(config, {
    entry: PORTAL_ENTRY,
    processGroup: true,
    // every plugin of the portal, transpiled as it loads: slow on a busy machine
    startTimeoutMs: 150_000,
  });
}

/** Signs in through the guest provider: a real Backstage user token for alice, and the groups it stands for. */
export async function signInAsAlice(
  baseUrl: string,
): Promise<{ token: string; ownershipEntityRefs: string[] }> {
  const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) {
    throw new Error(`guest sign-in: ${res.status} ${await res.text()}`);
  }
  const { backstageIdentity } = await res.json();
  return {
    token: backstageIdentity.token,
    ownershipEntityRefs: backstageIdentity.identity.ownershipEntityRefs,
  };
}
