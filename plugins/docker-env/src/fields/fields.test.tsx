import { ResponseError } from '@backstage/errors';
import { identityApiRef } from '@backstage/frontend-plugin-api';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { ComponentType, useState } from 'react';
import { dockerEnvApiRef } from '../api';
import { mockDockerEnvApi, renderWithDockerEnv } from '../testUtils';
import { ExpiryField, expiryFieldValidation } from './ExpiryField';
import { NameField, nameFieldValidation } from './NameField';
import { OwnerField, ownerFieldValidation } from './OwnerField';
import { SizeField, sizeFieldValidation } from './SizeField';

jest.setTimeout(20000);

/** A field as the wizard renders it: the form holds the value and hands it back. */
function Controlled(props: {
  field: ComponentType<any>;
  initial?: unknown;
  title: string;
  onValue?: (value: unknown) => void;
}) {
  const [value, setValue] = useState(props.initial);
  const Field = props.field;
  return (
    <Field
      formData={value}
      onChange={(v: unknown) => {
        setValue(v);
        props.onValue?.(v);
      }}
      schema={{ title: props.title }}
      uiSchema={{}}
      rawErrors={[]}
      required
      disabled={false}
    />
  );
}

/** A scaffolder validation collector. */
function collector() {
  const errors: string[] = [];
  return { errors, validation: { addError: (m: string) => errors.push(m) } };
}

describe('NameField', () => {
  const taken = () =>
    mockDockerEnvApi({
      checkName: async name =>
        name === 'shop'
          ? {
              name,
              available: false,
              reason: 'taken',
              message: 'name: "shop" is taken by another environment',
            }
          : { name, available: true, reason: null, message: null },
    });

  it('says which rule a bad name breaks at once, without asking the backend', async () => {
    const api = taken();
    await renderWithDockerEnv(
      <Controlled field={NameField} title="Project name" />,
      api,
    );
    fireEvent.change(screen.getByLabelText(/Project name/), {
      target: { value: 'Shop_1' },
    });
    expect(await screen.findByRole('status')).toHaveTextContent(
      /^The name .*lowercase/,
    );
    expect(api.checkName).not.toHaveBeenCalled();
  });

  it("shows the backend's answer for a taken name and for a free one", async () => {
    const api = taken();
    await renderWithDockerEnv(
      <Controlled field={NameField} title="Project name" />,
      api,
    );
    const input = screen.getByLabelText(/Project name/);
    fireEvent.change(input, { target: { value: 'shop' } });
    expect(await screen.findByText('Checking…')).toBeInTheDocument();
    expect(
      await screen.findByText('name: "shop" is taken by another environment'),
    ).toBeInTheDocument();
    expect(input).toHaveAttribute('aria-invalid', 'true');
    fireEvent.change(input, { target: { value: 'shop-dev' } });
    expect(
      await screen.findByText('shop-dev is available'),
    ).toBeInTheDocument();
    expect(input).toHaveAttribute('aria-invalid', 'false');
  });

  it('says when the name cannot be checked', async () => {
    const api = mockDockerEnvApi({
      checkName: async () => {
        throw await ResponseError.fromResponse(
          new Response(
            JSON.stringify({
              error: { name: 'ServiceUnavailableError', message: 'starting' },
              response: { statusCode: 503 },
            }),
            { status: 503, headers: { 'content-type': 'application/json' } },
          ) as any,
        );
      },
    });
    await renderWithDockerEnv(
      <Controlled field={NameField} title="Project name" />,
      api,
    );
    fireEvent.change(screen.getByLabelText(/Project name/), {
      target: { value: 'shop' },
    });
    expect(
      await screen.findByText(/^Could not check the name: .*starting/),
    ).toBeInTheDocument();
  });

  it('blocks the step on a taken or invalid name', async () => {
    const api = taken();
    const context = {
      apiHolder: {
        get: (ref: unknown) => (ref === dockerEnvApiRef ? api : undefined),
      },
    } as any;
    const takenName = collector();
    await nameFieldValidation('shop', takenName.validation as any, context);
    expect(takenName.errors).toEqual([
      'name: "shop" is taken by another environment',
    ]);
    const invalid = collector();
    await nameFieldValidation('-x', invalid.validation as any, context);
    expect(invalid.errors[0]).toMatch(/^The name /);
    const free = collector();
    await nameFieldValidation('shop-dev', free.validation as any, context);
    expect(free.errors).toEqual([]);
  });
});

describe('OwnerField', () => {
  it('offers me and my groups and picks me by default', async () => {
    const values: unknown[] = [];
    await renderWithDockerEnv(
      <Controlled
        field={OwnerField}
        title="Owner"
        onValue={v => values.push(v)}
      />,
      mockDockerEnvApi(),
    );
    await waitFor(() => expect(values).toEqual(['user:default/alice']));
    fireEvent.mouseDown(screen.getByRole('button', { name: /Me \(alice\)/ }));
    const options = await screen.findAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'Me (alice)',
      'group team-a',
    ]);
    fireEvent.click(options[1]);
    expect(values.pop()).toBe('group:default/team-a');
  });

  it('refuses an owner who is neither me nor one of my groups', async () => {
    const identity = {
      getBackstageIdentity: async () => ({
        type: 'user',
        userEntityRef: 'user:default/alice',
        ownershipEntityRefs: ['user:default/alice', 'group:default/team-a'],
      }),
    };
    const context = {
      apiHolder: {
        get: (ref: unknown) => (ref === identityApiRef ? identity : undefined),
      },
    } as any;
    const other = collector();
    await ownerFieldValidation(
      'group:default/team-b',
      other.validation as any,
      context,
    );
    expect(other.errors).toEqual([
      'The owner must be you or one of your groups',
    ]);
    const mine = collector();
    await ownerFieldValidation(
      'group:default/team-a',
      mine.validation as any,
      context,
    );
    expect(mine.errors).toEqual([]);
  });
});

describe('SizeField', () => {
  it('fills preset S when the form hands it an empty object', async () => {
    const values: unknown[] = [];
    await renderWithDockerEnv(
      <Controlled
        field={SizeField}
        title="Size"
        initial={{}}
        onValue={v => values.push(v)}
      />,
      mockDockerEnvApi(),
    );
    await waitFor(() =>
      expect(values[0]).toEqual({
        size: 'S',
        cpuCores: 1,
        memoryMb: 2048,
        diskGb: 16,
      }),
    );
  });

  it('asks for custom figures and names the one outside its limits', async () => {
    const values: any[] = [];
    await renderWithDockerEnv(
      <Controlled
        field={SizeField}
        title="Size"
        onValue={v => values.push(v)}
      />,
      mockDockerEnvApi(),
    );
    fireEvent.click(screen.getByLabelText('Custom'));
    fireEvent.change(screen.getByLabelText('CPU cores'), {
      target: { value: '999' },
    });
    expect(
      screen.getByText(/^CPU cores .*(at most|between|1-)/),
    ).toBeInTheDocument();
    const last = values[values.length - 1];
    expect(last).toMatchObject({ size: 'custom', cpuCores: 999 });
    const check = collector();
    sizeFieldValidation(last, check.validation as any, {} as any);
    expect(check.errors[0]).toMatch(/^CPU cores /);
    const preset = collector();
    sizeFieldValidation(
      { size: 'M', cpuCores: 2, memoryMb: 4096, diskGb: 32 },
      preset.validation as any,
      {} as any,
    );
    expect(preset.errors).toEqual([]);
  });
});

describe('ExpiryField', () => {
  it('refuses a day in the past and accepts a later one', async () => {
    await renderWithDockerEnv(
      <Controlled field={ExpiryField} title="Expiry date" />,
      mockDockerEnvApi(),
    );
    const input = screen.getByLabelText(/Expiry date/);
    fireEvent.change(input, { target: { value: '2020-01-01' } });
    expect(input).toHaveAttribute('aria-invalid', 'true');
    const past = collector();
    expiryFieldValidation('2020-01-01', past.validation as any, {} as any);
    expect(past.errors).toHaveLength(1);
    const future = collector();
    expiryFieldValidation('2999-12-31', future.validation as any, {} as any);
    expect(future.errors).toEqual([]);
  });
});
