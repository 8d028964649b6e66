import { InputError } from '@backstage/errors';
import type { StepContext } from '../operations';

/** A required whole-number fact (`vmid`, `endpointId`, ...); a missing one is a clear error naming it. */
export function idFact(ctx: StepContext, name: string): number {
  const v = ctx.facts[name];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new InputError(
      `${name}: environment ${ctx.target.name} has no ${name} recorded (was it provisioned?)`,
    );
  return v;
}

/** An optional whole-number fact. */
export function optionalIdFact(
  ctx: StepContext,
  name: string,
): number | undefined {
  return ctx.facts[name] === undefined || ctx.facts[name] === null
    ? undefined
    : idFact(ctx, name);
}

/** A required string fact. */
export function stringFact(ctx: StepContext, name: string): string {
  const v = ctx.facts[name];
  if (typeof v !== 'string' || v === '')
    throw new InputError(
      `${name}: environment ${ctx.target.name} has no ${name} recorded`,
    );
  return v;
}

/** The names of the containers that ran when the environment was paused. */
export function runningContainersFact(ctx: StepContext): string[] {
  const v = ctx.facts.runningContainers;
  if (!Array.isArray(v) || v.some(n => typeof n !== 'string'))
    throw new InputError(
      `runningContainers: environment ${ctx.target.name} has no record of the containers that ran before the pause`,
    );
  return v as string[];
}
