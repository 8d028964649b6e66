import type { Config } from '@backstage/config';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  environmentResizePermission,
  environmentTransferPermission,
  environmentUpdatePermission,
} from '@docker-env/plugin-docker-env-common';
import { Request } from 'express';
import { RouteModule } from '../service/RouteContext';
import { readableEnvironment } from './environments';
import { isCalendarDate } from '../validation/calendarDate';
import { RESIZE_FIELDS, startResize, validResize } from '../resize';
import { startTransfer, TRANSFER_FIELD, validTransfer } from '../transfer';

/** Statuses whose expiry can no longer be extended (`cleanup_required` only waits for its DELETE). */
const ENDED = ['deleting', 'deleted', 'failed', 'cleanup_required', 'rejected'];

/** `dockerEnv.lifecycle.expiry.maxExtensionDays`: how far from today an extension may reach; default 90. */
export function maxExtensionDays(config: Config): number {
  const days =
    config.getOptionalNumber('dockerEnv.lifecycle.expiry.maxExtensionDays') ??
    90;
  if (!Number.isInteger(days) || days < 1)
    throw new InputError(
      'dockerEnv.lifecycle.expiry.maxExtensionDays: must be a whole number >= 1',
    );
  return days;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/** The new `expiresOn`, checked: a real date after today (and after the current one), at most `maxDays` ahead. */
export function validExtension(
  value: unknown,
  current: string | null,
  maxDays: number,
  now = new Date(),
): string {
  if (!isCalendarDate(value))
    throw new InputError('expiresOn: must be a date YYYY-MM-DD');
  const today = day(now);
  const latest = day(new Date(now.getTime() + maxDays * 86_400_000));
  if (value <= today) throw new InputError('expiresOn: must be after today');
  if (current !== null && value <= current)
    throw new InputError(
      `expiresOn: an extension must be later than the current ${current}`,
    );
  if (value > latest)
    throw new InputError(
      `expiresOn: at most ${maxDays} days from today (${latest}), the admin's maximum`,
    );
  return value;
}

const PATCH_FIELDS: readonly string[] = [
  'expiresOn',
  ...RESIZE_FIELDS,
  TRANSFER_FIELD,
];

/**
 * `PATCH /environments/{name}`, with a permission per field: `{expiresOn}` (update: the owner extends the environment
 * within the admin's maximum; 200), `{size}` / `{cpuCores, memoryMb, diskGb}` (resize: within the owner's quota; 202
 * with the `resize` operation) or `{owner}` (transfer: to an owner the caller belongs to, within its quota; 202 with
 * the `transfer` operation). One of them per request; audited.
 */
export const expiryRoutes: RouteModule = (router, ctx) => {
  router.patch('/environments/:name', async (req, res) => {
    const caller = await ctx.access.caller(req);
    const name = req.params.name;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const resizing = RESIZE_FIELDS.some(f => body[f] !== undefined);
    const transferring = body[TRANSFER_FIELD] !== undefined;
    const entry = {
      actor: caller.actor,
      action: transferring
        ? 'environment.transfer'
        : `environment.${resizing ? 'resize' : 'extend'}`,
      target: name,
      environmentId: null as string | null,
    };
    try {
      const found = await readableEnvironment(ctx, caller, name);
      entry.environmentId = found.id;
      const unknownFields = Object.keys(body).filter(
        k => !PATCH_FIELDS.includes(k),
      );
      if (unknownFields.length)
        throw new InputError(
          `${unknownFields[0]}: cannot be changed; only ${PATCH_FIELDS.join(
            ', ',
          )} can`,
        );
      if (transferring) {
        await ctx.access.requireOn(
          caller,
          environmentTransferPermission,
          found,
        );
        const owner = await validTransfer(ctx, caller, body, found);
        const answer = await startTransfer(ctx, caller, found, owner);
        await ctx.audit.emit({ ...entry, result: 'succeeded' }, req as Request);
        await ctx.events.changed(answer.environment, 'owner');
        res.status(202).json(answer);
        return;
      }
      if (resizing) {
        await ctx.access.requireOn(caller, environmentResizePermission, found);
        if (body.expiresOn !== undefined)
          throw new InputError(
            'expiresOn: extend and resize in separate requests',
          );
        const answer = await startResize(
          ctx,
          caller,
          found,
          validResize(body, found),
        );
        await ctx.audit.emit({ ...entry, result: 'succeeded' }, req as Request);
        await ctx.events.changed(answer.environment, 'resources');
        res.status(202).json(answer);
        return;
      }
      await ctx.access.requireOn(caller, environmentUpdatePermission, found);
      const expiresOn = validExtension(
        body.expiresOn,
        found.expiresOn,
        ctx.maxExtensionDays,
      );
      if (ENDED.includes(found.status))
        throw new ConflictError(
          `status: a ${found.status} environment cannot be extended`,
        );
      const updated = await ctx.store.transaction(async tx => {
        const environment = await tx.updateEnvironment(found.id, {
          expiresOn,
        });
        await ctx.audit.write(tx, {
          ...entry,
          result: 'succeeded',
          details: { from: found.expiresOn, to: expiresOn },
        });
        return environment!;
      });
      await ctx.audit.emit({ ...entry, result: 'succeeded' }, req as Request);
      await ctx.events.changed(updated, 'expiresOn');
      res.json(updated);
    } catch (error) {
      if (
        error instanceof NotAllowedError ||
        error instanceof ConflictError ||
        (transferring && error instanceof NotFoundError)
      )
        await ctx.audit.refuse(ctx.store, entry, error, req as Request);
      throw error;
    }
  });
};
