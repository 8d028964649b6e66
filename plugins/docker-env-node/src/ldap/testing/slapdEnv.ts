/** Connection settings of the real OpenLDAP started by scripts/services/slapd.sh. */
export interface SlapdEnv {
  url: string;
  bindDn: string;
  bindPassword: string;
  baseDn: string;
}

/**
 * Reads the DOCKER_ENV_TEST_LDAP_* variables. Missing variables fail the test (in CI and locally):
 * these tests are the proof that the client works against a real directory, so they never skip.
 */
export function slapdEnv(): SlapdEnv {
  const env = {
    url: process.env.DOCKER_ENV_TEST_LDAP_URL,
    bindDn: process.env.DOCKER_ENV_TEST_LDAP_BIND_DN,
    bindPassword: process.env.DOCKER_ENV_TEST_LDAP_BIND_PASSWORD,
    baseDn: process.env.DOCKER_ENV_TEST_LDAP_BASE_DN,
  };
  const missing = Object.entries(env)
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length > 0) {
    const how =
      'run `scripts/services/slapd.sh start && source .tools/services/slapd.env` from the repository root';
    throw new Error(
      process.env.CI === 'true'
        ? `CI must provide a real OpenLDAP: DOCKER_ENV_TEST_LDAP_* missing (${missing.join(
            ', ',
          )}); ${how} in the CI job`
        : `No test OpenLDAP configured (${missing.join(', ')} missing): ${how}`,
    );
  }
  return env as SlapdEnv;
}
