// The journey's bookkeeping: timed steps, page loads timed to interactive, screenshots, and the problems seen on
// every page the journey opens (uncaught page errors, docker-env API answers >= 500).
import path from 'node:path';

/** How long an environment may take to reach a status in the lab. */
export const STATUS_WITHIN_MS = 180_000;

/** Waits until the overview card shows `status` (it polls while the status moves on). */
export async function waitForStatus(page, status) {
  await page
    .getByText(status, { exact: true })
    .first()
    .waitFor({ state: 'visible', timeout: STATUS_WITHIN_MS });
}

/** The record of one journey, writing screenshots to `out`. */
export function createJourney(out) {
  const timings = { pages: {}, steps: {} };
  const problems = [];
  /** Console errors are kept for reading (404s of optional calls land here), not failures. */
  const consoleErrors = [];
  let shot = 0;

  async function screenshot(page, label) {
    shot += 1;
    const file = path.join(
      out,
      `${String(shot).padStart(2, '0')}-${label}.png`,
    );
    await page.screenshot({ path: file, fullPage: true });
  }

  return {
    timings,
    problems,
    consoleErrors,
    screenshot,

    /** Records the problems of a page the journey drives. */
    watch(page) {
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
      return page;
    },

    /** Runs one step, timed; a failure keeps a screenshot of where it happened. */
    async step(page, label, fn) {
      const start = Date.now();
      process.stdout.write(`journey: ${label} ... `);
      try {
        await fn();
      } catch (e) {
        process.stdout.write('FAILED\n');
        await screenshot(page, `FAILED-${label.replace(/\W+/g, '-')}`).catch(
          () => {},
        );
        throw new Error(`${label}: ${e.message.split('\n')[0]}`);
      }
      const ms = Date.now() - start;
      timings.steps[label] = ms;
      process.stdout.write(`ok (${(ms / 1000).toFixed(1)} s)\n`);
    },

    /** A full page load, timed until `ready` (the page's main content) is visible. */
    async openPage(page, baseUrl, pagePath, label, ready) {
      const start = Date.now();
      await page.goto(`${baseUrl}${pagePath}`);
      await ready().waitFor({ state: 'visible', timeout: 60_000 });
      timings.pages[label] = Date.now() - start;
      await screenshot(page, label);
    },
  };
}
