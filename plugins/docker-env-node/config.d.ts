/**
 * Configuration of the docker-env infrastructure clients. Each external system has its own
 * section under `dockerEnv`; secrets are marked `@visibility secret` and never reach the browser.
 */
export interface Config {
  dockerEnv?: {
    // Each system's section is added below (one engineer per system; keep sections separate).
  };
}
