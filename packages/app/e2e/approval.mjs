// The journey's over-quota part: the admin sets the developer's environment quota to 0 in the quota editor, the
// developer requests `e2e-pending` (pending approval, listed under "My pending requests"), the admin approves it in
// the approvals queue and the developer's entity page shows it ready.
import { STATUS_WITHIN_MS } from './steps.mjs';

const PENDING = 'e2e-pending';
const DEVELOPER_REF = 'user:default/dev';

/** Fills the wizard's first page and creates the request. */
async function requestInWizard(page, base, name) {
  await page.goto(`${base}/create/templates/default/docker-environment`);
  await page.getByLabel(/Project name/).fill(name);
  await page
    .locator('#docker-env-name-helper-text')
    .getByText(`${name} is available`)
    .waitFor();
  await page.getByLabel(/Purpose/).fill('browser journey');
  // a notification snackbar (the earlier delete's, sent through the outbox) can sit over the wizard's buttons and
  // take a pointer click: the buttons get the click event itself once they are visible
  for (const label of ['Next', 'Review', 'Create']) {
    const button = page.getByRole('button', { name: label });
    await button.waitFor({ state: 'visible' });
    await button.dispatchEvent('click');
  }
}

/** Runs the over-quota part with the developer's and the admin's pages (each signed in). */
export async function overQuotaAndApproval(
  journey,
  { developer, admin },
  base,
) {
  const { step, openPage, screenshot } = journey;
  await step(
    admin,
    'admin: quota editor sets the developer to 0 environments',
    async () => {
      await openPage(admin, base, '/docker-env/quotas', 'quotas', () =>
        admin.locator('#docker-env-quota-environments'),
      );
      await admin.getByLabel('Owner').fill(DEVELOPER_REF);
      await admin.getByRole('button', { name: 'Load' }).click();
      await admin.locator('#docker-env-quota-environments').fill('0');
      await admin.getByRole('button', { name: 'Save' }).click();
      await admin.getByText(`Saved the quota of ${DEVELOPER_REF}`).waitFor();
      await screenshot(admin, 'quota-saved');
    },
  );
  await step(
    developer,
    'developer: a request over quota goes pending',
    async () => {
      await requestInWizard(developer, base, PENDING);
      await developer
        .getByText('Awaiting approval')
        .first()
        .waitFor({ timeout: STATUS_WITHIN_MS });
      await screenshot(developer, 'task-pending');
      await openPage(
        developer,
        base,
        '/docker-env',
        'environments-pending',
        () =>
          developer.getByText(`${PENDING} (owner ${DEVELOPER_REF}): awaiting`),
      );
    },
  );
  await step(admin, 'admin: approve in the queue', async () => {
    await openPage(admin, base, '/docker-env/approvals', 'approvals', () =>
      admin.getByRole('cell', { name: PENDING }),
    );
    await admin
      .getByRole('row', { name: new RegExp(PENDING) })
      .getByRole('button', { name: 'Approve' })
      .click();
    await admin.getByText(`Approved ${PENDING}`).first().waitFor();
    await screenshot(admin, 'approved');
  });
  await step(
    developer,
    'developer: the approved environment is provisioned',
    async () => {
      // The catalog publishes the entity a moment after the approval creates the environment; an entity page opened
      // before that shows "not found" and never asks again, so open it again until it shows the status.
      const deadline = Date.now() + STATUS_WITHIN_MS;
      for (;;) {
        await developer.goto(`${base}/catalog/default/resource/${PENDING}`);
        try {
          await developer
            .getByText('Ready', { exact: true })
            .first()
            .waitFor({ state: 'visible', timeout: 15_000 });
          break;
        } catch (e) {
          if (Date.now() > deadline) throw e;
        }
      }
      await screenshot(developer, 'approved-ready');
    },
  );
}
