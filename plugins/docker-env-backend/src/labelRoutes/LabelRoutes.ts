import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  RouteWriter,
  type RouteLock,
  type RouteStore,
  type TraefikRouteSettings,
} from '@docker-env/plugin-docker-env-node';
import { DEPLOYMENT_LABELS } from '@docker-env/plugin-docker-env-workflows-node';
import type { EnvironmentNotice } from '../notifications/Notifier';
import { routeLockKey } from '../operations/locks';
import type { DockerEnvStore } from '../store/types';
import type { ContainerFact, ContainerFactSubscriber } from '../watcher';
import { labelRouteDocument, labelRouteId } from './labelRouteDocument';
import {
  parseRouteLabels,
  publishedPort,
  routeLabelValues,
  type LabelRouteRequest,
} from './labels';
import type { LabelRouteRecord, LabelRouteState } from './LabelRouteStore';

/** What {@link LabelRoutes} works with. */
export interface LabelRoutesOptions {
  store: DockerEnvStore;
  /** The route folder and settings (`dockerEnv.traefik`), read on first use. */
  routes: () => { store: RouteStore; settings: TraefikRouteSettings };
  notify: (notice: EnvironmentNotice) => Promise<void>;
  logger: LoggerService;
}

/** The environment was not ready, or an operation held the route file: nothing written. */
class NotNow extends Error {}

/**
 * Routes from container labels, as a subscriber of the container watchers (one replica handles an environment's
 * facts at a time, in order). A started container whose labels ask for a host or path gets a route to the CT's
 * address and the host port published for its container port; a stop or removal takes the route away. Changes the
 * portal made (pause, resume, a rollout's `<name>-new`) and containers deployed through the API (their rollout owns
 * their route) are left alone. A label that breaks a rule, a port the edge cannot reach and a lost conflict are
 * recorded on the container and told to the owner once per container and label values.
 */
export class LabelRoutes {
  constructor(private readonly options: LabelRoutesOptions) {}

  /** The watcher subscriber. */
  get subscriber(): ContainerFactSubscriber {
    return { name: 'label-routes', handle: fact => this.handle(fact) };
  }

  async handle(fact: ContainerFact): Promise<void> {
    if (fact.portalMade) return;
    if (fact.container.labels[DEPLOYMENT_LABELS.deployment] !== undefined)
      return;
    const { id: environmentId } = fact.environment;
    const labelStore = this.options.store.labelRoutes();
    switch (fact.kind) {
      case 'created': {
        // the claim counts from creation: the container created first keeps a host or path, whoever starts first
        await labelStore.seen(
          environmentId,
          fact.container.id,
          fact.container.name,
          new Date(fact.at),
        );
        const parsed = parseRouteLabels(fact.container.labels);
        if (parsed.kind === 'request')
          await labelStore.update(environmentId, fact.container.id, {
            claim: parsed.request.claim,
          });
        return;
      }
      case 'started':
      case 'restarted':
        await this.route(fact);
        return;
      case 'stopped':
      case 'died':
        await this.unroute(fact, 'stopped');
        return;
      case 'destroyed':
        await this.unroute(fact, 'stopped');
        // a claim it held is free now: the next claimant gets the route at its next start
        await labelStore.remove(environmentId, fact.container.id);
        return;
      case 'renamed':
        if (await labelStore.get(environmentId, fact.container.id))
          await labelStore.update(environmentId, fact.container.id, {
            containerName: fact.container.name,
          });
        return;
      default:
        return;
    }
  }

  private async route(fact: ContainerFact): Promise<void> {
    const { id: environmentId, name } = fact.environment;
    const labelStore = this.options.store.labelRoutes();
    const record = await labelStore.seen(
      environmentId,
      fact.container.id,
      fact.container.name,
      new Date(fact.at),
    );
    const parsed = parseRouteLabels(fact.container.labels);
    if (parsed.kind === 'none') {
      await this.removeRoute(record);
      await labelStore.update(environmentId, record.containerId, {
        claim: null,
        state: 'none',
        routeId: null,
        problem: null,
      });
      return;
    }
    if (parsed.kind === 'bad') {
      await this.removeRoute(record);
      await this.refuse(
        fact,
        record,
        'refused',
        null,
        parsed.problems.join('; '),
      );
      return;
    }
    const request = parsed.request;
    const id = labelRouteId(name, request);
    if (record.routeId && record.routeId !== id) await this.removeRoute(record);
    await labelStore.update(environmentId, record.containerId, {
      claim: request.claim,
    });
    const claimants = await labelStore.claimants(environmentId, request.claim);
    const holder = claimants[0];
    if (holder && holder.containerId !== record.containerId) {
      await this.refuse(
        fact,
        record,
        'conflict',
        request.claim,
        `${describe(request)} is held by container ${
          holder.containerName
        }, which was created first; remove that container or pick another ${
          request.host !== undefined ? 'host' : 'path'
        }`,
      );
      return;
    }
    if (request.host !== undefined) {
      const owner = await this.options.routes().store.owner(id);
      // the file of this host is a label route's, or an API subdomain's
      if (owner !== undefined && !claimants.some(c => c.routeId === id)) {
        await this.refuse(
          fact,
          record,
          'refused',
          request.claim,
          `label docker-env.route.host: ${JSON.stringify(
            request.host,
          )} equals the subdomain of a container deployed through the API; pick another host`,
        );
        return;
      }
    }
    const port = publishedPort(fact.container.ports, request.port);
    if ('reason' in port) {
      await this.removeRoute(record);
      await this.refuse(fact, record, 'unrouted', request.claim, port.reason);
      return;
    }
    const ip = await this.address(environmentId);
    if (!ip) {
      await this.refuse(
        fact,
        record,
        'unrouted',
        request.claim,
        `the environment's address is not known yet`,
      );
      return;
    }
    const built = labelRouteDocument(
      name,
      request,
      { ip, port: port.hostPort },
      this.options.routes().settings,
    );
    if (
      !(await this.underLock(environmentId, writer =>
        writer.write(environmentId, built.id, built.document),
      ))
    )
      return;
    await labelStore.update(environmentId, record.containerId, {
      state: 'routed',
      routeId: built.id,
      problem: null,
    });
    // a later claimant that held the file while the holder was not running gives it back
    for (const later of claimants.slice(1))
      if (later.routeId === built.id)
        await labelStore.update(environmentId, later.containerId, {
          state: 'conflict',
          routeId: null,
          problem: `${describe(request)} is held by container ${
            record.containerName
          }, which was created first`,
        });
  }

  /** Takes the container's route away (stop, removal), keeping its claim. */
  private async unroute(fact: ContainerFact, state: LabelRouteState) {
    const labelStore = this.options.store.labelRoutes();
    const record = await labelStore.get(fact.environment.id, fact.container.id);
    if (!record) return;
    await this.removeRoute(record);
    if (record.state === 'routed')
      await labelStore.update(fact.environment.id, record.containerId, {
        state,
        routeId: null,
      });
  }

  private async removeRoute(record: LabelRouteRecord) {
    if (!record.routeId) return;
    const routeIdToRemove = record.routeId;
    await this.underLock(record.environmentId, writer =>
      writer.remove(record.environmentId, routeIdToRemove),
    );
  }

  /** Records why the container is not routed and tells the owner, once per container, label values and problem. */
  private async refuse(
    fact: ContainerFact,
    record: LabelRouteRecord,
    state: LabelRouteState,
    claim: string | null,
    problem: string,
  ) {
    const key = `${routeLabelValues(fact.container.labels)}|${problem}`.slice(
      0,
      1024,
    );
    const labelStore = this.options.store.labelRoutes();
    await labelStore.update(fact.environment.id, record.containerId, {
      state,
      claim,
      problem,
      ...(record.state === 'routed' ? { routeId: null } : {}),
    });
    if (record.reportedKey === key) return;
    const environment = await this.options.store.getEnvironmentById(
      fact.environment.id,
    );
    if (!environment) return;
    await this.options.notify({
      event: 'environment.container_route',
      environment,
      title: `Container ${fact.container.name} of ${environment.name} is not routed`,
      description: problem,
      severity: 'normal',
    });
    await labelStore.update(fact.environment.id, record.containerId, {
      reportedKey: key,
    });
  }

  private async address(environmentId: string): Promise<string | undefined> {
    const targets = await this.options.store.engineAddresses(['ready']);
    return targets.find(t => t.id === environmentId)?.ip;
  }

  /**
   * Runs `work` with a writer holding `route:<env>:<route id>` (the environment shared, the file exclusively) in a
   * transaction, while the environment is ready: false, nothing written, when an operation holds it.
   */
  private async underLock(
    environmentId: string,
    work: (writer: RouteWriter) => Promise<unknown>,
  ): Promise<boolean> {
    const { store } = this.options;
    const lock: RouteLock = (envId, routeFileKey, inner) =>
      store.transaction(async tx => {
        try {
          await tx
            .operations()
            .lockEnvironment(envId, routeLockKey(envId, routeFileKey));
        } catch (error) {
          if (error instanceof ConflictError) throw new NotNow(error.message);
          throw error;
        }
        if ((await tx.getEnvironmentById(envId))?.status !== 'ready')
          throw new NotNow('the environment is not ready');
        return inner();
      });
    try {
      await work(new RouteWriter(this.options.routes().store, lock));
      return true;
    } catch (error) {
      if (!(error instanceof NotNow)) throw error;
      this.options.logger.info(
        `label routes: ${environmentId} left as it is: ${error.message}`,
      );
      return false;
    }
  }
}

function describe(request: LabelRouteRequest): string {
  return request.host !== undefined
    ? `host ${request.host}`
    : `path ${request.path}`;
}
