import { InputError } from '@backstage/errors';
import type { Readable } from 'node:stream';
import { UpstreamApiError } from '../errors';
import type { EngineCall } from './engineCall';
import { assertImageRef } from './dockerValues';
import { jsonLines } from './jsonLines';
import type { RegistryAuth } from './types';

/**
 * Pulls an image: opening is under the call deadline, the whole pull under `pullTimeoutMs`. Fails
 * when the progress stream carried an `{error}` event (dockerode would report success) or closed early.
 */
export async function pullImage(
  engine: EngineCall,
  image: string,
  auth: RegistryAuth | undefined,
  pullTimeoutMs: number,
): Promise<{ status: string }> {
  assertImageRef(image);
  if (
    auth &&
    (typeof auth.username !== 'string' || typeof auth.password !== 'string')
  ) {
    throw new InputError('auth: username and password must be strings');
  }
  const operation = 'POST /images/create';
  const stream = (await engine.run(operation, () =>
    engine.docker.pull(image, auth ? { authconfig: { ...auth } } : {}),
  )) as Readable;
  const failed = (reason: string) =>
    new UpstreamApiError(
      `Docker pull of ${image} on ${engine.target} failed: ${reason}`,
      { system: 'docker', reason, operation },
    );
  return new Promise((resolve, reject) => {
    let lastStatus = '';
    let streamError: string | undefined;
    let ended = false;
    const timer = setTimeout(() => {
      reject(failed(`not finished after ${pullTimeoutMs} ms`));
      stream.destroy();
    }, pullTimeoutMs);
    const flush = jsonLines(stream, obj => {
      if (obj?.error || obj?.errorDetail)
        streamError ??= String(obj.errorDetail?.message ?? obj.error);
      else if (typeof obj?.status === 'string') lastStatus = obj.status;
    });
    stream.on('error', err => {
      clearTimeout(timer);
      reject(engine.failure(operation, err));
    });
    // a connection cut mid-pull may close the stream without 'end' or 'error': never a success
    stream.on('close', () => {
      clearTimeout(timer);
      if (!ended) reject(failed('stream closed before the pull finished'));
    });
    stream.on('end', () => {
      ended = true;
      clearTimeout(timer);
      flush();
      if (streamError) reject(failed(streamError));
      else resolve({ status: lastStatus });
    });
  });
}
