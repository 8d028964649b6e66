// Signing in and the records the journey needs before it starts.

/** Signs in with the embedded default's guest provider. */
export async function signInAsGuest(page, baseUrl) {
  await page.goto(baseUrl);
  await page.getByRole('button', { name: /enter/i }).click();
}

/** A guest token for API calls (the same sign-in the page uses). */
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
