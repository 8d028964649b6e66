import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  dockerEnvAdminPermission,
  formatValidationIssues,
  validateProjectName,
} from '@docker-env/plugin-docker-env-common';
import { Request } from 'express';
import { RouteModule } from '../service/RouteContext';

/** 409: the backup was restored to an environment that is not gone (deleted, failed), or a restore of it is under way. */
function restoreHeld(id: string, restoredTo: string | null | undefined) {
  return new ConflictError(
    `id: final backup ${id} was already restored or is being restored${
      restoredTo ? ` (environment ${restoredTo})` : ''
    }; restore it again only after that environment is gone`,
  );
}

/**
 * `GET /backups` and `POST /backups/{id}/restore` (admins): the final backups deleted environments left, and their
 * restore into a new environment of the same owner and size through a `restore` operation. Admins restore outside
 * the owner's quota.
 */
export const backupRoutes: RouteModule = (router, ctx) => {
  router.get('/backups', async (req, res) => {
    const caller = await ctx.access.caller(req);
    await ctx.access.require(caller, dockerEnvAdminPermission);
    res.json({ items: await ctx.finalBackups.list() });
  });

  router.post('/backups/:id/restore', async (req, res) => {
    const caller = await ctx.access.caller(req);
    const auditEntry = {
      actor: caller.actor,
      action: 'backup.restore',
      target: req.params.id,
      environmentId: null as string | null,
    };
    try {
      await ctx.access.require(caller, dockerEnvAdminPermission);
      const issues = validateProjectName((req.body as { name?: unknown }).name);
      if (issues.length) throw new InputError(formatValidationIssues(issues));
      const name = String((req.body as { name: string }).name);
      const backup = await ctx.finalBackups.get(req.params.id);
      const source =
        backup && (await ctx.store.getEnvironmentById(backup.environmentId));
      if (!backup || !source)
        throw new NotFoundError(
          `id: no final backup ${req.params.id} (or retention pruned it)`,
        );
      const earlier =
        backup.restoredTo &&
        (await ctx.store.getEnvironmentById(backup.restoredTo));
      if (earlier && !['deleted', 'failed'].includes(earlier.status))
        throw restoreHeld(backup.id, earlier.name);
      const answer = await ctx.finalBackups.transaction(async (tx, backups) => {
        const environment = await tx.insertEnvironment({
          name,
          owner: source.owner,
          status: 'provisioning',
          size: source.size,
          cpuCores: source.cpuCores,
          memoryMb: source.memoryMb,
          diskGb: source.diskGb,
          purpose: `restored from the final backup of ${source.name}`,
          expiresOn: null,
          createdBy: caller.actor,
        });
        const operation = await tx.insertOperation({
          environmentId: environment.id,
          kind: 'restore',
          input: {
            backupVolid: backup.volid,
            finalBackupId: backup.id,
            restoredFrom: source.id,
          },
          requestedBy: caller.actor,
          lockKey: `env:${environment.id}`,
        });
        // a concurrent restore of the same backup marked it first: this one rolls back
        if (
          !(await backups.markRestoredTo(
            backup.id,
            environment.id,
            backup.restoredTo,
          ))
        )
          throw restoreHeld(
            backup.id,
            (await backups.get(backup.id))?.restoredTo,
          );
        await ctx.audit.write(tx, {
          ...auditEntry,
          target: environment.name,
          environmentId: environment.id,
          result: 'succeeded',
          details: {
            operationId: operation.id,
            backupId: backup.id,
            volid: backup.volid,
            from: source.name,
          },
        });
        return { environment, operation };
      });
      await ctx.audit.emit(
        { ...auditEntry, result: 'succeeded' },
        req as Request,
      );
      await ctx.events.changed(answer.environment, 'status');
      res.status(202).json(answer);
    } catch (error) {
      if (error instanceof NotAllowedError || error instanceof ConflictError)
        await ctx.audit.refuse(ctx.store, auditEntry, error, req as Request);
      throw error;
    }
  });
};
