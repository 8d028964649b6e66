import { ResponseError } from '@backstage/errors';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { AsyncButton } from './AsyncButton';
import { readableError } from './errors';

jest.setTimeout(20000);

async function responseError(status: number, body?: unknown) {
  return ResponseError.fromResponse(
    new Response(body === undefined ? '' : JSON.stringify(body), {
      status,
      statusText: status === 502 ? 'Bad Gateway' : 'Forbidden',
      headers: { 'content-type': 'application/json' },
    }) as any,
  );
}

describe('readableError', () => {
  it("shows the backend's message, says so when not allowed, and falls back to the status", async () => {
    expect(
      readableError(
        await responseError(403, {
          error: { name: 'NotAllowedError', message: 'owner: not yours' },
          response: { statusCode: 403 },
        }),
      ),
    ).toBe('Not allowed: owner: not yours');
    expect(readableError(await responseError(502))).toBe(
      'Request failed with status 502 Bad Gateway',
    );
    expect(readableError(new Error('offline'))).toBe('offline');
  });
});

describe('AsyncButton', () => {
  it('shows progress while the call runs and the readable error when it fails', async () => {
    const alertApi = mockApis.alert();
    let fail: (e: unknown) => void = () => {};
    await renderInTestApp(
      <AsyncButton
        onClick={() =>
          new Promise((_, reject) => {
            fail = reject;
          })
        }
      >
        Pause
      </AsyncButton>,
      { apis: [alertApi] },
    );
    const button = screen.getByRole('button', { name: 'Pause' });
    fireEvent.click(button);
    await waitFor(() => expect(button).toHaveAttribute('aria-busy', 'true'));
    expect(button).toBeDisabled();
    fail(
      await responseError(409, {
        error: { name: 'ConflictError', message: 'status: demo is pausing' },
        response: { statusCode: 409 },
      }),
    );
    await alertApi.waitForAlert(a => a.message === 'status: demo is pausing');
    await waitFor(() => expect(button).toBeEnabled());
  });

  it('tells why it is disabled', async () => {
    await renderInTestApp(
      <AsyncButton
        onClick={async () => {}}
        disabledReason="Only a ready environment can be paused"
      >
        Pause
      </AsyncButton>,
    );
    expect(screen.getByRole('button', { name: 'Pause' })).toBeDisabled();
    expect(
      screen.getByTitle('Only a ready environment can be paused'),
    ).toBeInTheDocument();
  });
});
