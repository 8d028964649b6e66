import { AlertActions, isSilenced } from './AlertActions';
import { exitWords } from './notices';

/**
 * One sweep: opens the pending incidents that are due (a grace or a duration whose timer ran on a replica that
 * stopped), and ends each crash loop that saw no exit or restart for its window: resolved with a recovery notice,
 * and, when the container stayed down, an exit incident in its place.
 */
export async function sweepAlerts(
  actions: AlertActions,
  now = new Date(),
): Promise<{ opened: number; loopsEnded: number }> {
  const opened = await actions.openDue(now);
  let loopsEnded = 0;
  const store = actions.deps.store;
  for (const loop of await store.incidents().liveOfKind('crash_loop')) {
    const rules = await actions.rules(loop.environmentId);
    const windowMs = rules.crashLoop.windowSeconds * 1000;
    if (now.getTime() - loop.lastSeenAt.getTime() < windowMs) continue;
    const down = loop.details.running === false;
    await actions.clear(
      loop,
      down
        ? `no restart for ${
            rules.crashLoop.windowSeconds
          } s; the container stayed down (${exitWords(loop.details)})`
        : `no restart for ${rules.crashLoop.windowSeconds} s`,
      now,
    );
    loopsEnded++;
    if (!down || !rules.enabled || !rules.exit.enabled) continue;
    const environment = await store.getEnvironmentById(loop.environmentId);
    if (!environment) continue;
    const { running, restarts, windowSeconds, ...exit } = loop.details;
    await actions.sight(environment, {
      kind: 'exit',
      subject: loop.subject,
      details: exit,
      at: now,
      dueAt: now,
      silenced: isSilenced(rules, now),
    });
  }
  return { opened, loopsEnded };
}
