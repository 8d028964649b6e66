/* eslint-disable no-console -- a command-line script: its output is the report */
// The browser journey (issue 12): a developer requests `e2e-demo` in the Create wizard, waits for it to be
// ready, finds it in the catalog (search by name, the "Owned" filter), opens its entity page, looks at its usage
// graphs and resizes it (usage.mjs), pauses, resumes, snapshots and deletes it, in headless Chromium against the
// portal on the embedded default (production build of the app served by the backend, with the lab).
// Every step is checked on the page; a screenshot of each page goes to the results folder; any uncaught page
// error or a docker-env API answer >= 500 fails the journey. Prints the journey's time and each page's time to
// interactive (from navigation to its main content usable) and writes them to timings.json.
//
// The developer (persona "Developer (team-a)", user:default/dev) does all that and finds the admin pages refused;
// the admin (persona "Admin (platform-team)", user:default/admin, in a browser context of its own) sets the
// developer's quota, and approves the developer's request over quota (approval.mjs).
//
// Usage: node packages/app/e2e/journey.mjs [results folder]   (scripts/journey.sh builds the app first)
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { overQuotaAndApproval } from './approval.mjs';
import { launchBrowser } from './browser.mjs';
import { catalogFindsEnvironment } from './catalog.mjs';
import { startPortal } from './portal.mjs';
import {
  ADMIN,
  createTakenEnvironment,
  DEVELOPER,
  personaButton,
  signedIn,
  signInAs,
} from './session.mjs';
import { createJourney, STATUS_WITHIN_MS, waitForStatus } from './steps.mjs';
import { usageAndResize } from './usage.mjs';

const ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../..',
);
const OUT = path.resolve(
  process.argv[2] ?? path.join(ROOT, '.tools/test-results/journey'),
);
const NAME = 'e2e-demo';
const journey = createJourney(OUT);
const { step, openPage, screenshot, timings, problems } = journey;

/** GET / of `host` through the lab's edge router (Traefik's stand-in) on 127.0.0.1. */
function edgeGet(port, host) {
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: '127.0.0.1',
        port,
        path: '/',
        headers: { host },
        timeout: 10_000,
      },
      res => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode, headers: res.headers }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${host}: no answer`)));
    req.on('error', reject);
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
  // an interrupted journey still stops the portal and the browser it started
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, async () => {
      await browser.close().catch(() => {});
      await portal.stop();
      process.exit(1);
    });
  }
  try {
    // every persona in a browser context of its own (its own storage: the remembered persona)
    const newPage = async () =>
      journey.watch(
        await browser.newPage({ viewport: { width: 1280, height: 800 } }),
      );
    const page = await newPage();
    const base = portal.baseUrl;

    await step(page, 'sign in as the developer', async () => {
      // the first load, with an empty browser cache: the whole bundle
      await openPage(page, base, '/', 'sign-in (cold cache)', () =>
        personaButton(page, DEVELOPER),
      );
      await signInAs(page, DEVELOPER);
      // a reload signs in again as the remembered persona, without asking
      await page.reload();
      await signedIn(page);
    });
    await step(
      page,
      'catalog, sidebar and not-found (the first findings)',
      async () => {
        await openPage(page, base, '/', 'catalog', () =>
          page.getByRole('link', { name: 'Docker environment platform' }),
        );
        // the name wraps between words only: at most one line per word (it was one syllable per line)
        const lines = await page
          .getByRole('link', { name: 'Docker environment platform' })
          .evaluate(link => {
            const tops = [];
            const walker = document.createTreeWalker(
              link,
              NodeFilter.SHOW_TEXT,
            );
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              const range = document.createRange();
              range.selectNodeContents(n);
              for (const r of range.getClientRects()) tops.push(r.top);
            }
            tops.sort((x, y) => x - y);
            return tops.filter((t, i) => i === 0 || t - tops[i - 1] > 4).length;
          });
        if (lines > 3) {
          throw new Error(
            `the catalog's name column wraps the name on ${lines} lines`,
          );
        }
        const nav = page.getByRole('link', { name: 'Environments' }).first();
        const cut = await nav.evaluate(a =>
          [...a.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth),
        );
        if (cut) throw new Error('the sidebar cuts "Environments"');
        await page.getByLabel('Docker environments portal home').waitFor();
        await openPage(
          page,
          base,
          '/docker-env/no-such-page',
          'not-found',
          () => page.getByText(/page not found/i),
        );
      },
    );
    await step(page, 'a taken name exists (e2e-taken, via the API)', () =>
      createTakenEnvironment(base, 'e2e-taken'),
    );

    await step(page, 'environments page', () =>
      openPage(page, base, '/docker-env', 'environments', () =>
        page.getByRole('heading', { name: 'Docker environments', exact: true }),
      ),
    );
    await step(page, 'developer: the admin pages are refused', async () => {
      for (const admin of ['approvals', 'quotas']) {
        await openPage(
          page,
          base,
          `/docker-env/${admin}`,
          `${admin}-refused`,
          () => page.getByText('Only docker-env admins can open this page'),
        );
      }
      // the permission is decided by now (the refusal waits for it): the header offers no admin page either
      if (await page.getByRole('link', { name: 'Approvals' }).count()) {
        throw new Error('the developer is offered the approvals queue');
      }
    });

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
    await catalogFindsEnvironment(journey, page, base, {
      owned: NAME,
      other: 'e2e-taken',
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
    await usageAndResize(journey, page, base, NAME);
    await page.goto(`${base}/catalog/default/resource/${NAME}`);
    await waitForStatus(page, 'Ready');

    const action = name => page.getByRole('button', { name, exact: true });
    await step(page, 'pause', async () => {
      await action('Pause').click();
      await waitForStatus(page, 'Paused');
      await screenshot(page, 'paused');
      // and the environment's URL answers the portal's paused page through the edge
      const answer = await edgeGet(portal.edgePort, `${NAME}.docker.localhost`);
      if (answer.headers['x-docker-env-status'] !== 'paused') {
        throw new Error(
          `${NAME}'s URL answers ${answer.status} without the paused page`,
        );
      }
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

    const admin = await newPage();
    await step(admin, 'sign in as the admin', async () => {
      await admin.goto(base);
      await signInAs(admin, ADMIN);
    });
    await overQuotaAndApproval(journey, { developer: page, admin }, base);
    await step(
      page,
      'developer: sign-out returns to the personas',
      async () => {
        await page.goto(`${base}/settings`);
        await page.getByRole('button', { name: 'more' }).click();
        await page.getByRole('menuitem', { name: 'Sign Out' }).click();
        await personaButton(page, DEVELOPER).waitFor();
        // and stays there on a reload: the persona is forgotten
        await page.reload();
        await personaButton(page, ADMIN).waitFor();
        await screenshot(page, 'signed-out');
      },
    );

    if (problems.length > 0) {
      throw new Error(`problems on the pages:\n  ${problems.join('\n  ')}`);
    }
  } finally {
    await browser.close();
    await portal.stop();
    timings.journeyMs = Date.now() - journeyStart;
    await fs.writeFile(
      path.join(OUT, 'console-errors.log'),
      journey.consoleErrors.map(e => `${e}\n`).join(''),
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

// a closed pipe on stdout (e.g. `| head`) must not end the journey before it stops the portal
process.stdout.on('error', () => {});

main().catch(e => {
  console.error(`journey: FAILED - ${e.message}`);
  console.error(`journey: screenshots and portal.log in ${OUT}`);
  process.exit(1);
});
