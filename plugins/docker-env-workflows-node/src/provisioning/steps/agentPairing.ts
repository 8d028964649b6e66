import { UpstreamApiError } from '@docker-env/plugin-docker-env-node';

const PAIRED = /already paired with another Portainer instance/i;

/**
 * Portainer's answer when the agent refuses its signature (`endpoint_create.go`: "agent already
 * paired with another Portainer instance") turned into what to fix: the agent's `AGENT_SECRET`
 * (baked into the golden template) differs from Portainer's, or an agent without one was claimed
 * by another Portainer first. Other errors are returned unchanged.
 */
export function explainAgentPairing(error: unknown, agent: string): unknown {
  if (!(error instanceof UpstreamApiError)) return error;
  if (!PAIRED.test(`${error.message} ${error.reason ?? ''}`)) return error;
  return new UpstreamApiError(
    `portainer: the agent at ${agent} refused Portainer's signature: its AGENT_SECRET (set in the golden template) ` +
      `differs from Portainer's AGENT_SECRET, or, without one, it is paired with another Portainer instance; ` +
      `rebuild the template with Portainer's AGENT_SECRET (${error.message})`,
    {
      system: error.system,
      status: error.status,
      reason: error.reason,
      operation: error.operation,
      cause: error,
    },
  );
}
