import { randomBytes } from 'node:crypto';
import { DEFAULT_REGISTRY_IMAGES, type LabImageSpec } from '../guest/images';
import type { PortainerState } from '../portainer/model';

/** The password of every example-org user in the embedded default's Portainer (`POST /api/auth`); a lab value. */
export const LAB_PORTAINER_PASSWORD = 'lab-password';

/** The example org's people (examples/org.yaml) as regular Portainer users; `admin` is Portainer's administrator. */
const LAB_PORTAINER_USERS = ['alice', 'bob', 'carol', 'dev', 'guest'];

/**
 * The lab's private registry: a GitLab container registry with one deploy token per group (lab values,
 * configured for `team-a` by app-config.embedded.yaml).
 */
export const LAB_PRIVATE_REGISTRY = {
  url: 'registry.lab.example:5050',
  image: 'registry.lab.example:5050/team-a/app:1',
  username: 'team-a-deploy',
  password: 'lab-registry-token-team-a',
};

/** The Portainer users of a lab: fixed `lab-password` in the embedded default, fresh passwords in TLS mode. */
export function labPortainerUsers(fresh: boolean) {
  const password = () =>
    fresh ? randomBytes(12).toString('base64url') : LAB_PORTAINER_PASSWORD;
  return {
    adminPassword: password(),
    users: LAB_PORTAINER_USERS.map(username => ({
      username,
      password: password(),
    })),
  };
}

/**
 * What the lab's guests can pull: the public images, the private `team-a/app:1` (exposing 80/tcp)
 * behind {@link LAB_PRIVATE_REGISTRY}'s deploy token, and `extra`. One array shared by every guest:
 * changing an entry's `auth` plays a token rotation on the registry's side.
 */
export function labRegistryImages(extra: LabImageSpec[] = []): LabImageSpec[] {
  return [
    ...DEFAULT_REGISTRY_IMAGES,
    {
      ref: LAB_PRIVATE_REGISTRY.image,
      exposedPorts: ['80/tcp'],
      size: 12_000_000,
      auth: {
        username: LAB_PRIVATE_REGISTRY.username,
        password: LAB_PRIVATE_REGISTRY.password,
      },
    },
    ...extra,
  ];
}

/**
 * After a state file was loaded (it may predate these users or their passwords): every lab user
 * exists with the lab's password, the administrator keeps id 1.
 */
export function applyPortainerUsers(
  state: PortainerState,
  seeded: ReturnType<typeof labPortainerUsers>,
): void {
  const admin = state.users.find(u => u.Id === 1);
  if (admin) admin.password = seeded.adminPassword;
  for (const { username, password } of seeded.users) {
    const found = state.users.find(u => u.Username === username);
    if (found) {
      found.password = password;
      continue;
    }
    state.nextId.user =
      Math.max(state.nextId.user ?? 0, ...state.users.map(u => u.Id)) + 1;
    state.users.push({
      Id: state.nextId.user,
      Username: username,
      Role: 2,
      password,
    });
  }
}
