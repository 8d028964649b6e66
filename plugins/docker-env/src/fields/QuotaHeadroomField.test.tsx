import { ResponseError } from '@backstage/errors';
import { screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { QuotaUsage } from '../api';
import { mockDockerEnvApi, renderWithDockerEnv } from '../testUtils';
import { QuotaHeadroomField } from './QuotaHeadroomField';

jest.setTimeout(20000);

const owner = 'group:default/team-a';

const usage = (
  used: Partial<NonNullable<QuotaUsage['usage']>>,
): QuotaUsage => ({
  owner,
  quota: {
    cpuCores: 8,
    memoryMb: 16384,
    diskGb: 200,
    environments: 5,
    containers: 50,
  },
  usage: {
    cpuCores: 0,
    memoryMb: 0,
    diskGb: 0,
    environments: 0,
    containers: 0,
    ...used,
  },
  source: 'config',
});

/** The field as the wizard renders it: the rest of the form in formContext, its own value held by the form. */
function Wizard(props: {
  form: Record<string, unknown>;
  onValue: (v: unknown) => void;
}) {
  const [value, setValue] = useState<string | undefined>();
  return (
    <QuotaHeadroomField
      {...({} as any)}
      formData={value}
      onChange={(v: string | undefined) => {
        setValue(v);
        props.onValue(v);
      }}
      formContext={{ formData: props.form }}
      schema={{ title: 'Quota headroom' }}
      uiSchema={{}}
      rawErrors={[]}
      disabled={false}
    />
  );
}

describe('QuotaHeadroomField', () => {
  it('says the request fits and sets that line as its value', async () => {
    const api = mockDockerEnvApi({
      getQuota: async () =>
        usage({ cpuCores: 5, memoryMb: 8192, diskGb: 100, environments: 3 }),
    });
    const values: unknown[] = [];
    await renderWithDockerEnv(
      <Wizard
        form={{
          owner,
          size: { size: 'M', cpuCores: 2, memoryMb: 4096, diskGb: 32 },
        }}
        onValue={v => values.push(v)}
      />,
      api,
    );
    const line =
      'Owner group:default/team-a: 3 of 8 cores, 8192 of 16384 MiB memory, 100 of 200 GiB disk, 2 of 5 environments free; this request fits';
    expect(await screen.findByText(line)).toBeInTheDocument();
    await waitFor(() => expect(values.at(-1)).toBe(line));
    expect(api.getQuota).toHaveBeenCalledWith(owner);
  });

  it("says a request over the quota waits for an admin's approval", async () => {
    const api = mockDockerEnvApi({
      getQuota: async () => usage({ cpuCores: 5, environments: 3 }),
    });
    const values: unknown[] = [];
    await renderWithDockerEnv(
      <Wizard
        form={{ owner, size: { size: 'L' } }}
        onValue={v => values.push(v)}
      />,
      api,
    );
    const line =
      "Owner group:default/team-a: 3 of 8 cores, 16384 of 16384 MiB memory, 200 of 200 GiB disk, 2 of 5 environments free; this request exceeds the quota: it will wait for an admin's approval";
    expect(await screen.findByText(line)).toBeInTheDocument();
    await waitFor(() => expect(values.at(-1)).toBe(line));
  });

  it('counts the environment itself against the quota', async () => {
    const api = mockDockerEnvApi({
      getQuota: async () => usage({ environments: 5 }),
    });
    await renderWithDockerEnv(
      <Wizard form={{ owner, size: { size: 'S' } }} onValue={() => {}} />,
      api,
    );
    expect(
      await screen.findByText(/0 of 5 environments free; this request exceeds/),
    ).toBeInTheDocument();
  });

  it('shows a readable message on an API error and says so in its value', async () => {
    const api = mockDockerEnvApi({
      getQuota: async () => {
        throw await ResponseError.fromResponse(
          new Response(
            JSON.stringify({
              error: { name: 'Error', message: 'the database is down' },
              response: { statusCode: 503 },
            }),
            {
              status: 503,
              statusText: 'Service Unavailable',
              headers: { 'content-type': 'application/json' },
            },
          ) as any,
        );
      },
    });
    const values: unknown[] = [];
    await renderWithDockerEnv(
      <Wizard
        form={{ owner, size: { size: 'S' } }}
        onValue={v => values.push(v)}
      />,
      api,
    );
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent(
        /^Quota headroom of group:default\/team-a could not be read: .*the database is down/,
      ),
    );
    await waitFor(() =>
      expect(values.at(-1)).toMatch(/^Quota headroom of .* could not be read/),
    );
  });
});
