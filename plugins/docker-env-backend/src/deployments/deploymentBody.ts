import { InputError } from '@backstage/errors';
import {
  assertRolloutSpec,
  type RolloutSpec,
} from '@docker-env/plugin-docker-env-workflows-node';

/** The fields of a deployment request (the product notes and docs/examples/.gitlab-ci.yml); any other is refused. */
export const DEPLOYMENT_FIELDS = [
  'image',
  'container',
  'port',
  'healthPath',
  'env',
  'labels',
  'registryAuth',
  'primary',
] as const;

/**
 * The body of `POST .../deployments` checked field by field (an InputError naming the field and the rule): unknown
 * fields are refused (a mistyped `healthpath` must not deploy without a health check), then the rollout's own rules.
 */
export function assertDeploymentBody(
  body: unknown,
  deploymentId: string,
): RolloutSpec {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InputError('body: must be a JSON object');
  const unknown = Object.keys(body).filter(
    k => !(DEPLOYMENT_FIELDS as readonly string[]).includes(k),
  );
  if (unknown.length > 0)
    throw new InputError(
      `${unknown.join(', ')}: unknown field; known: ${DEPLOYMENT_FIELDS.join(
        ', ',
      )}`,
    );
  return assertRolloutSpec({ ...body, deploymentId });
}
