import type { Operation } from '@docker-env/plugin-docker-env-common';

/**
 * An operation as the API returns it: a deployment's env values and registry credentials never leave the portal,
 * only the env keys (`deployment.envKeys`). Operations recorded before the sealed store kept the values in clear in
 * their input; this strips them there too.
 */
export function withoutSecrets<T extends Pick<Operation, 'kind' | 'input'>>(
  operation: T,
): T {
  if (operation.kind !== 'deploy') return operation;
  const {
    deployment,
    secretsRef: _ref,
    credentialsRef: _credentials,
    ...input
  } = operation.input as Record<string, unknown>;
  if (typeof deployment !== 'object' || deployment === null)
    return { ...operation, input };
  const {
    env,
    registryAuth: _auth,
    envKeys,
    ...rest
  } = deployment as Record<string, unknown>;
  let keys: unknown[] = [];
  if (env && typeof env === 'object') keys = Object.keys(env);
  else if (Array.isArray(envKeys)) keys = envKeys;
  return {
    ...operation,
    input: { ...input, deployment: { ...rest, envKeys: keys } },
  };
}
