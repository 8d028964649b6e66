// The journey's usage part (issue 30): the entity page's Usage tab draws the environment's CPU and memory from the
// lab's rrddata (recharts lines with points) with the limits as dashed lines, and the developer resizes it within
// the quota through the tab's dialog (one more CPU core): the page then shows the new size and the new CPU limit.

/** The charts' drawing: per chart (CPU, memory, disk, network) its lines' point counts and its limit labels. */
function chartsOf(page) {
  return page.locator('.recharts-wrapper').evaluateAll(wrappers =>
    wrappers.map(w => ({
      // per line: the points of its curve, or its dots (a line of one point is drawn as a dot)
      points: [...w.querySelectorAll('.recharts-line')].map(
        line =>
          (
            line.querySelector('path.recharts-line-curve')?.getAttribute('d') ??
            ''
          ).match(/[ML]/g)?.length ??
          line.querySelectorAll('.recharts-line-dots circle').length,
      ),
      limits: [...w.querySelectorAll('.recharts-reference-line')].map(
        l => l.textContent ?? '',
      ),
    })),
  );
}

/** The tab's size line naming `cores` CPU cores. */
function sizeLine(page, cores) {
  return page.getByText(new RegExp(`^Size: .*\\b${cores} CPU\\b`));
}

/** Waits until the charts pass `check` (the tab re-reads the usage while open), returning the last drawing. */
async function waitForCharts(page, check, what, timeoutMs) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const charts = await chartsOf(page);
    if (check(charts)) return charts;
    if (Date.now() > until) {
      throw new Error(`${what}; the charts drew ${JSON.stringify(charts)}`);
    }
    await page.waitForTimeout(500);
  }
}

/** Runs the usage part as the signed-in developer, whose environment `name` is ready. */
export async function usageAndResize(journey, page, base, name) {
  const { step, openPage, screenshot } = journey;
  let cores;
  await step(page, 'usage tab draws CPU and memory with limits', async () => {
    await openPage(
      page,
      base,
      `/catalog/default/resource/${name}/usage`,
      'usage',
      () => page.locator('.recharts-wrapper').first(),
    );
    const charts = await waitForCharts(
      page,
      c =>
        c.length === 4 &&
        c[0].points[0] > 0 &&
        c[1].points[0] > 0 &&
        c[0].limits.length === 1 &&
        c[1].limits.length === 1,
      'no CPU and memory lines with points and limits',
      10_000,
    );
    cores = Number(/^limit (\d+) cores$/.exec(charts[0].limits[0])?.[1]);
    if (!cores) throw new Error(`the CPU limit reads "${charts[0].limits[0]}"`);
    await sizeLine(page, cores).waitFor();
    await screenshot(page, 'usage-charts');
  });
  await step(page, 'resize within the quota (one more core)', async () => {
    await page.getByRole('button', { name: 'Resize', exact: true }).click();
    const dialog = page.getByRole('dialog');
    const cpu = dialog.getByLabel('CPU cores');
    if (Number(await cpu.inputValue()) !== cores) {
      throw new Error(`the dialog offers ${await cpu.inputValue()} cores`);
    }
    await cpu.fill(String(cores + 1));
    await dialog.getByRole('button', { name: 'Resize', exact: true }).click();
    const refused = dialog.getByRole('alert');
    await dialog.waitFor({ state: 'hidden' }).catch(async e => {
      if (await refused.isVisible()) {
        throw new Error(`the resize was refused: ${await refused.innerText()}`);
      }
      throw e;
    });
    await sizeLine(page, cores + 1).waitFor();
    // the CT has the new cores once the resize operation ran: the tab reads the usage again until it draws them
    await waitForCharts(
      page,
      c => c[0]?.limits[0] === `limit ${cores + 1} cores`,
      `the CPU limit did not become ${cores + 1} cores`,
      30_000,
    );
    await screenshot(page, 'usage-resized');
  });
}
