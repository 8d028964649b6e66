import {
  ConflictError,
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { TaskFailure, taskFailure } from './taskFailure';

describe('taskFailure', () => {
  it('is one line whose stack is the message, so the task log shows no trace', () => {
    const failure = taskFailure(
      new Error('Provisioning x failed at step ip:\n  no IP within 60 s'),
    );
    expect(failure).toBeInstanceOf(TaskFailure);
    expect(failure.message).toBe(
      'Provisioning x failed at step ip: no IP within 60 s',
    );
    expect(failure.stack).toBe(failure.message);
    expect(failure.stack).not.toMatch(/\n|\(.*:\d+:\d+\)/);
  });

  it.each([
    [
      new InputError('name: must start with a lowercase letter'),
      'name: must start with a lowercase letter: correct the value and run the template again.',
    ],
    [
      new NotAllowedError('owner: group:default/x is not one of your groups.'),
      'owner: group:default/x is not one of your groups: request it for yourself or one of your groups, or ask a docker-env admin.',
    ],
    [
      new ConflictError('name: shop is taken'),
      'name: shop is taken: choose another name, or wait until the running operation ends and try again.',
    ],
    [
      new ServiceUnavailableError(
        'The docker-env backend did not answer GET /names/x (no answer within 15000 ms)',
      ),
      'The docker-env backend did not answer GET /names/x (no answer within 15000 ms): check that the docker-env backend plugin is installed and running.',
    ],
  ])('tells what to do about %s', (error, line) => {
    expect(taskFailure(error).message).toBe(line);
  });

  it('keeps a message that already says what to do, and a TaskFailure as it is', () => {
    const message =
      'The docker-env backend did not answer GET /names/x (no answer within 15000 ms); check that the docker-env backend plugin is installed and running';
    expect(taskFailure(new Error(message)).message).toBe(message);
    const failure = new TaskFailure('already readable');
    expect(taskFailure(failure)).toBe(failure);
    expect(taskFailure('plain string').message).toBe('plain string');
  });
});
