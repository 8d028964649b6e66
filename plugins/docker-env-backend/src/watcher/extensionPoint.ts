import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { ContainerFactSubscriber } from './ContainerWatchers';

/**
 * Lets a backend module of the portal receive the container facts of every watched environment (routes from
 * container labels and alerts are two such subscribers). Internal to the portal's own modules: the fact shape may
 * change with them.
 *
 * @public
 */
export interface DockerEnvContainerEventsExtensionPoint {
  /** Adds a subscriber; facts start reaching it when the plugin has started. */
  addSubscriber(subscriber: ContainerFactSubscriber): void;
}

/**
 * The docker-env plugin's extension point for container facts (see docs/watcher.md).
 *
 * @public
 */
export const dockerEnvContainerEventsExtensionPoint =
  createExtensionPoint<DockerEnvContainerEventsExtensionPoint>({
    id: 'docker-env.container-events',
  });

/** The plugin's side of {@link dockerEnvContainerEventsExtensionPoint}: the subscribers modules added. */
export class ContainerEventsExtensions
  implements DockerEnvContainerEventsExtensionPoint
{
  readonly subscribers: ContainerFactSubscriber[] = [];

  addSubscriber(subscriber: ContainerFactSubscriber): void {
    if (typeof subscriber?.handle !== 'function' || !subscriber.name)
      throw new Error(
        'docker-env: a container fact subscriber needs a name and a handle function',
      );
    this.subscribers.push(subscriber);
  }
}
