// Signing in and the records the journey needs before it starts.

/** The sign-in page's personas (app-config.embedded.yaml app.signIn.personas). */
export const DEVELOPER = 'Developer (team-a)';
export const ADMIN = 'Admin (platform-team)';

/** The persona's button on the sign-in page. */
export function personaButton(page, persona) {
  return page.getByRole('button', { name: `Sign in as ${persona}` });
}

/**
 * Signs in as `persona` on the sign-in page already open. Right after the portal starts, the catalog may not have
 * read examples/org.yaml yet ("... which is not in the catalog"): the sign-in is tried again for up to 30 s.
 */
export async function signInAs(page, persona) {
  const home = page.getByLabel(/ home$/);
  const notYet = page.getByText(/is not in the catalog/);
  const until = Date.now() + 30_000;
  for (;;) {
    const button = personaButton(page, persona);
    // the sign-in page once the app has drawn it, or the app if the last try got through
    await button.or(home).first().waitFor();
    if (await button.isVisible()) await button.click();
    await home.or(notYet).first().waitFor();
    if (await home.isVisible()) return;
    if (Date.now() > until) throw new Error(await notYet.innerText());
    await page.waitForTimeout(1000);
  }
}

/** Resolves once the app's sidebar is there (the sign-in page shows the portal's title too). */
export async function signedIn(page) {
  await page.getByLabel(/ home$/).waitFor();
}

/** A guest token for API calls (the embedded default's API user for scripts). */
async function guestToken(baseUrl) {
  const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`guest sign-in: HTTP ${res.status}`);
  return (await res.json()).backstageIdentity.token;
}

/** Requests an environment through the API so that its name is taken when the wizard checks it. */
export async function createTakenEnvironment(baseUrl, name) {
  const token = await guestToken(baseUrl);
  const res = await fetch(`${baseUrl}/api/docker-env/environments`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
      'Idempotency-Key': `journey-${name}`,
    },
    body: JSON.stringify({
      name,
      owner: 'user:default/guest',
      size: 'S',
      purpose: 'holds a name for the browser journey',
    }),
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status !== 202 && res.status !== 201) {
    throw new Error(
      `POST /environments ${name}: HTTP ${res.status} ${await res.text()}`,
    );
  }
}
