// The journey's catalog part (issue 33): the catalog's search finds an environment by name, and its "Owned" filter
// lists the environment for its owner and leaves out one somebody else owns.

/** The catalog table's link to the entity named `name` (the link reads `<name> (<title>)`). */
function entityLink(page, name) {
  return page
    .getByRole('row')
    .getByRole('link', { name: new RegExp(`^${name}( |$)`) })
    .first();
}

/**
 * Runs the catalog checks as the signed-in developer, who owns `owned`; `other` is an environment of another owner
 * (both published as Resources).
 */
export async function catalogFindsEnvironment(
  journey,
  page,
  base,
  { owned, other },
) {
  const { step, openPage, screenshot } = journey;
  await step(page, `catalog: the search finds ${owned} by name`, async () => {
    await openPage(
      page,
      base,
      '/?filters[kind]=resource&filters[user]=all',
      'catalog-resources',
      () => entityLink(page, other),
    );
    await page.getByRole('textbox', { name: 'search' }).fill(owned);
    await entityLink(page, owned).waitFor();
    await entityLink(page, other).waitFor({ state: 'detached' });
    await screenshot(page, 'catalog-search');
  });
  await step(
    page,
    `catalog: "Owned" lists ${owned} for its owner`,
    async () => {
      await page.getByRole('button', { name: 'clear search' }).click();
      await entityLink(page, other).waitFor();
      await page.getByTestId('user-picker-owned').click();
      await entityLink(page, owned).waitFor();
      await entityLink(page, other).waitFor({ state: 'detached' });
      await screenshot(page, 'catalog-owned');
    },
  );
}
