import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  CreateEnvironmentRequest,
  Environment,
  EnvironmentResources,
  EnvironmentSize,
  formatValidationIssues,
  RESOURCE_LIMITS,
  SIZE_PRESETS,
  validateProjectName,
  validateResources,
  ValidationIssue,
} from '@docker-env/plugin-docker-env-common';
import type { NewOperation } from '../store';
import { isCalendarDate } from '../validation/calendarDate';

/** A create request after validation: normalised owner, resolved size. */
export interface ValidCreateRequest extends EnvironmentResources {
  name: string;
  owner: string;
  size: EnvironmentSize;
  purpose: string;
  expiresOn: string | null;
}

/** Checks an owner entity ref (user or group) and returns it normalised; pushes an issue naming `field` otherwise. */
export function validateOwner(
  owner: unknown,
  issues: ValidationIssue[],
  field = 'owner',
): string {
  if (typeof owner !== 'string' || owner.length === 0) {
    issues.push({
      field,
      rule: 'is required: an entity ref of a user or group',
    });
    return '';
  }
  try {
    const ref = parseEntityRef(owner, { defaultNamespace: 'default' });
    if (
      ref.kind.toLocaleLowerCase('en-US') !== 'user' &&
      ref.kind.toLocaleLowerCase('en-US') !== 'group'
    ) {
      issues.push({
        field,
        rule: 'must be a user or group entity ref, e.g. group:default/team-a',
      });
      return '';
    }
    return stringifyEntityRef(ref);
  } catch {
    issues.push({
      field,
      rule: 'must be an entity ref like user:default/alice or group:default/team-a',
    });
    return '';
  }
}

/** The provision operation of an environment: what `POST /environments` and an approval queue alike. */
export function provisionOperation(
  environment: Environment,
  requestedBy: string,
): NewOperation {
  return {
    environmentId: environment.id,
    kind: 'provision',
    input: {
      size: environment.size,
      cpuCores: environment.cpuCores,
      memoryMb: environment.memoryMb,
      diskGb: environment.diskGb,
    },
    requestedBy,
    lockKey: `env:${environment.id}`,
  };
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * Checks a `POST /environments` body beyond what the OpenAPI schema checks (types, unknown fields): the project-name
 * rule, the owner ref, size preset or custom resources within limits, an expiry not in the past.
 *
 * @throws InputError naming every broken field and rule
 */
export function validateCreateRequest(
  body: CreateEnvironmentRequest,
): ValidCreateRequest {
  const issues: ValidationIssue[] = [...validateProjectName(body.name)];
  const owner = validateOwner(body.owner, issues);
  const custom = [body.cpuCores, body.memoryMb, body.diskGb];
  let size: EnvironmentSize = 'custom';
  let resources: EnvironmentResources = SIZE_PRESETS.S;
  if (body.size !== undefined) {
    if (custom.some(v => v !== undefined)) {
      issues.push({
        field: 'size',
        rule: 'give either size or cpuCores, memoryMb and diskGb, not both',
      });
    }
    size = body.size;
    resources = SIZE_PRESETS[body.size];
  } else if (custom.every(v => v === undefined)) {
    issues.push({
      field: 'size',
      rule: 'is required: S, M or L, or cpuCores, memoryMb and diskGb',
    });
  } else {
    const given = {
      cpuCores: body.cpuCores,
      memoryMb: body.memoryMb,
      diskGb: body.diskGb,
    };
    issues.push(
      ...validateResources(given).map(i =>
        given[i.field as keyof EnvironmentResources] === undefined
          ? {
              field: i.field,
              rule: `is required with a custom size (${
                RESOURCE_LIMITS[i.field as keyof EnvironmentResources].min
              }-${RESOURCE_LIMITS[i.field as keyof EnvironmentResources].max})`,
            }
          : i,
      ),
    );
    resources = given as EnvironmentResources;
  }
  if (body.expiresOn !== undefined) {
    if (!isCalendarDate(body.expiresOn))
      issues.push({ field: 'expiresOn', rule: 'must be a date YYYY-MM-DD' });
    else if (body.expiresOn < today())
      issues.push({ field: 'expiresOn', rule: 'must be today or later' });
  }
  if (issues.length > 0) throw new InputError(formatValidationIssues(issues));
  return {
    name: body.name,
    owner,
    size,
    ...resources,
    purpose: body.purpose ?? '',
    expiresOn: body.expiresOn ?? null,
  };
}
