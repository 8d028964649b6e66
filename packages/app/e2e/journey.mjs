/* eslint-disable no-console -- a command-line script: its output is the report */
// The browser journey (issue 12): a developer requests `e2e-demo` in the Create wizard, waits for it to be
// ready, opens its entity page, pauses, resumes, snapshots and deletes it, in headless Chromium against the
// portal on the embedded default (production build of the app served by the backend, with the lab).
// Every step is checked on the page; a screenshot of each page goes to the results folder; any uncaught page
// error or a docker-env API answer >= 500 fails the journey. Prints the journey's time and each page's time to
// interactive (from navigation to its main content usable) and writes them to timings.json.
//
// Then over quota: the admin sets the guest's environment quota to 1 in the quota editor, the guest requests
// `e2e-pending` (pending approval, listed under "My pending requests"), the admin approves it in the approvals
// queue and the entity page shows it ready.
// NOT DONE: the embedded default has one sign-in (guest, a member of team-a AND platform-team), so the developer
// and the admin are the same user; separate developer/admin sign-ins belong to the quotas helper.
//
// Usage: node packages/app/e2e/journey.mjs [results folder]   (scripts/journey.sh builds the app first)
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from './browser.mjs';
import { startPortal } from './portal.mjs';
import { signInAsGuest, createTakenEnvironment } from './session.mjs';

const ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../..',
);
const OUT = path.resolve(
  process.argv[2] ?? path.join(ROOT, '.tools/test-results/journey'),
);
const NAME = 'e2e-demo';
/** How long an environment may take to reach a status in the lab. */
const STATUS_WITHIN_MS = 180_000;

const timings = { pages: {}, steps: {} };
const problems = [];
/** Console errors are kept for reading (404s of optional calls land here), not failures. */
const consoleErrors = [];
let shot = 0;

async function screenshot(page, label) {
  shot += 1;
  const file = path.join(OUT, `${String(shot).padStart(2, '0')}-${label}.png`);
  await page.screenshot({ path: file, fullPage: true });
}

/** Runs one step, timed; a failure keeps a screenshot of where it happened. */
async function step(page, label, fn) {
  const start = Date.now();
  process.stdout.write(`journey: ${label} ... `);
  try {
    await fn();
  } catch (e) {
    console.log('FAILED');
    await screenshot(page, `FAILED-${label.replace(/\W+/g, '-')}`).catch(
      () => {},
    );
    throw new Error(`${label}: ${e.message.split('\n')[0]}`);
  }
  const ms = Date.now() - start;
  timings.steps[label] = ms;
  console.log(`ok (${(ms / 1000).toFixed(1)} s)`);
}

/** A full page load, timed until `ready` (the page's main content) is visible. */
async function openPage(page, baseUrl, pagePath, label, ready) {
  const start = Date.now();
  await page.goto(`${baseUrl}${pagePath}`);
  await ready().waitFor({ state: 'visible', timeout: 60_000 });
  timings.pages[label] = Date.now() - start;
  await screenshot(page, label);
}

/** Waits until the overview card shows `status` (it polls while the status moves on). */
async function waitForStatus(page, status) {
  await page
    .getByText(status, { exact: true })
    .first()
    .waitFor({ state: 'visible', timeout: STATUS_WITHIN_MS });
}

/** Fills the wizard's first page and creates the request; returns once the task page shows its outcome. */
async function requestInWizard(page, base, name) {
  await page.goto(`${base}/create/templates/default/docker-environment`);
  await page.getByLabel(/Project name/).fill(name);
  await page
    .locator('#docker-env-name-helper-text')
    .getByText(`${name} is available`)
    .waitFor();
  await page.getByLabel(/Purpose/).fill('browser journey');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
}

async function overQuotaAndApproval(page, base) {
  const PENDING = 'e2e-pending';
  await step(
    page,
    'admin: quota editor sets the guest to 1 environment',
    async () => {
      await openPage(page, base, '/docker-env/quotas', 'quotas', () =>
        page.locator('#docker-env-quota-environments'),
      );
      await page.getByLabel('Owner').fill('user:default/guest');
      await page.getByRole('button', { name: 'Load' }).click();
      await page.locator('#docker-env-quota-environments').fill('1');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Saved the quota of user:default/guest').waitFor();
      await screenshot(page, 'quota-saved');
    },
  );
  await step(page, 'developer: a request over quota goes pending', async () => {
    await requestInWizard(page, base, PENDING);
    await page
      .getByText('Awaiting approval')
      .first()
      .waitFor({ timeout: STATUS_WITHIN_MS });
    await screenshot(page, 'task-pending');
    await openPage(page, base, '/docker-env', 'environments-pending', () =>
      page.getByText(`${PENDING} (owner user:default/guest): awaiting`),
    );
  });
  await step(page, 'admin: approve in the queue', async () => {
    await openPage(page, base, '/docker-env/approvals', 'approvals', () =>
      page.getByRole('cell', { name: PENDING }),
    );
    await page
      .getByRole('row', { name: new RegExp(PENDING) })
      .getByRole('button', { name: 'Approve' })
      .click();
    await page.getByText(`Approved ${PENDING}`).first().waitFor();
    await screenshot(page, 'approved');
  });
  await step(page, 'the approved environment is provisioned', async () => {
    await page.goto(`${base}/catalog/default/resource/${PENDING}`);
    await waitForStatus(page, 'Ready');
    await screenshot(page, 'approved-ready');
  });
}

async function main() {
  await fs.rm(OUT, { recursive: true, force: true });
  await fs.mkdir(OUT, { recursive: true });
  const journeyStart = Date.now();
  const portal = await startPortal({
    root: ROOT,
    logFile: path.join(OUT, 'portal.log'),
  });
  console.log(
    `journey: portal at ${portal.baseUrl} (backend ready in ${(
      portal.readyMs / 1000
    ).toFixed(1)} s)`,
  );
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({
      viewport: { width: 1280, height: 800 },
    });
    page.setDefaultTimeout(30_000);
    page.on('pageerror', e => problems.push(`page error: ${e.message}`));
    page.on('console', m => {
      if (m.type() === 'error')
        consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('response', res => {
      if (res.url().includes('/api/docker-env/') && res.status() >= 500) {
        problems.push(`${res.status()} from ${res.url()}`);
      }
    });
    const base = portal.baseUrl;

    await step(page, 'sign in as guest', async () => {
      await signInAsGuest(page, base);
      await page.getByText('Docker environments portal').first().waitFor();
    });
    await step(page, 'a taken name exists (e2e-taken, via the API)', () =>
      createTakenEnvironment(base, 'e2e-taken'),
    );

    await step(page, 'environments page', () =>
      openPage(page, base, '/docker-env', 'environments', () =>
        page.getByRole('heading', { name: 'Docker environments' }),
      ),
    );

    await step(page, 'wizard: live name check', async () => {
      await openPage(
        page,
        base,
        '/create/templates/default/docker-environment',
        'wizard',
        () => page.getByLabel(/Project name/),
      );
      const name = page.getByLabel(/Project name/);
      const message = page.locator('#docker-env-name-helper-text');
      await name.fill('E2E_Demo');
      await message.getByText(/lowercase|letters|must/i).waitFor();
      await screenshot(page, 'wizard-bad-name');
      await name.fill('e2e-taken');
      await message.getByText(/taken/i).waitFor();
      await screenshot(page, 'wizard-taken-name');
      await name.fill(NAME);
      await message.getByText(`${NAME} is available`).waitFor();
    });

    await step(page, 'wizard: request e2e-demo', async () => {
      await page.getByLabel(/Purpose/).fill('browser journey');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('button', { name: 'Review' }).click();
      await page.getByText(NAME).first().waitFor();
      await screenshot(page, 'wizard-review');
      await page.getByRole('button', { name: 'Create' }).click();
      const done = page.getByRole('link', { name: 'In the catalog' });
      const failed = page.getByText(/failed|error/i).first();
      await done.or(failed).waitFor({ timeout: STATUS_WITHIN_MS });
      await screenshot(page, 'task-done');
      if (!(await done.isVisible())) {
        throw new Error(
          `the task failed: ${await page.locator('main').innerText()}`,
        );
      }
    });

    await step(page, 'entity page shows e2e-demo ready', async () => {
      await openPage(
        page,
        base,
        `/catalog/default/resource/${NAME}`,
        'entity',
        () => page.getByText(`Docker environment ${NAME}`),
      );
      await waitForStatus(page, 'Ready');
    });

    await step(page, 'containers tab with logs', async () => {
      await openPage(
        page,
        base,
        `/catalog/default/resource/${NAME}/containers`,
        'containers',
        () => page.getByRole('heading', { name: 'Containers' }),
      );
      // until the first deployment the environment runs its welcome page
      const row = page.getByRole('row', { name: /docker-env-welcome/ });
      await row.getByText('running').waitFor();
      await row.getByRole('button', { name: 'Show logs' }).click();
      await page.getByText('Logs of docker-env-welcome').waitFor();
      await screenshot(page, 'container-logs');
    });
    await page.goto(`${base}/catalog/default/resource/${NAME}`);
    await waitForStatus(page, 'Ready');

    const action = name => page.getByRole('button', { name, exact: true });
    await step(page, 'pause', async () => {
      await action('Pause').click();
      await waitForStatus(page, 'Paused');
      await screenshot(page, 'paused');
    });
    await step(page, 'resume', async () => {
      await action('Resume').click();
      await waitForStatus(page, 'Ready');
      await screenshot(page, 'resumed');
    });
    await step(page, 'snapshot', async () => {
      await action('Snapshot').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Description').fill('before the journey ends');
      await dialog.getByRole('button', { name: 'Create snapshot' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await openPage(
        page,
        base,
        `/catalog/default/resource/${NAME}/snapshots`,
        'snapshots',
        () => page.getByRole('heading', { name: 'Snapshots' }),
      );
      // the tab follows the running snapshot operation until Proxmox lists the snapshot
      await page.getByText('before the journey ends').waitFor();
      await screenshot(page, 'snapshot-listed');
    });
    await step(page, 'activity tab', () =>
      openPage(
        page,
        base,
        `/catalog/default/resource/${NAME}/activity`,
        'activity',
        () => page.getByText('pause', { exact: true }).first(),
      ).then(() =>
        page.getByText('environment.snapshot.create').first().waitFor(),
      ),
    );
    await step(page, 'delete by typing the name', async () => {
      await page.goto(`${base}/catalog/default/resource/${NAME}`);
      await waitForStatus(page, 'Ready');
      await action('Delete').click();
      const dialog = page.getByRole('dialog');
      const confirm = dialog.getByRole('button', { name: 'Delete' });
      await dialog.getByLabel('Environment name').fill('e2e-dem');
      if (await confirm.isEnabled()) {
        throw new Error('Delete was enabled before the whole name was typed');
      }
      await dialog.getByLabel('Environment name').fill(NAME);
      await confirm.click();
      await page
        .getByText(/^(Deleting|Deleted)$/)
        .first()
        .waitFor({ timeout: STATUS_WITHIN_MS });
      await screenshot(page, 'deleting');
    });

    await overQuotaAndApproval(page, base);

    if (problems.length > 0) {
      throw new Error(`problems on the pages:\n  ${problems.join('\n  ')}`);
    }
  } finally {
    await browser.close();
    await portal.stop();
    timings.journeyMs = Date.now() - journeyStart;
    await fs.writeFile(
      path.join(OUT, 'console-errors.log'),
      consoleErrors.map(e => `${e}\n`).join(''),
    );
    await fs.writeFile(
      path.join(OUT, 'timings.json'),
      `${JSON.stringify(timings, null, 2)}\n`,
    );
  }
  const pages = Object.entries(timings.pages)
    .map(([p, ms]) => `${p} ${(ms / 1000).toFixed(2)} s`)
    .join(', ');
  console.log(`journey: time to interactive: ${pages}`);
  console.log(
    `journey: ok in ${(timings.journeyMs / 1000).toFixed(
      1,
    )} s; screenshots in ${OUT}`,
  );
}

main().catch(e => {
  console.error(`journey: FAILED - ${e.message}`);
  console.error(`journey: screenshots and portal.log in ${OUT}`);
  process.exit(1);
});
