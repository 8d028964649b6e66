import type { DockerEngine } from './DockerEngine';
import {
  fakeSha256,
  type LabImageSpec,
  parseImageRef,
  repoTag,
} from './images';
import { EngineError, rfc3339Nano, type SimImage } from './model';

/** The catalogue entry (registry image) of a reference, if the lab registry has it. */
export function catalogueEntry(
  registry: LabImageSpec[],
  ref: string,
): LabImageSpec | undefined {
  const want = parseImageRef(ref);
  if (!want) return undefined;
  return registry.find(i => {
    const r = parseImageRef(i.ref);
    return r && r.repository === want.repository && r.tag === want.tag;
  });
}

/** Adds (or re-tags) a local image. */
export function addImage(
  images: Map<string, SimImage>,
  spec: LabImageSpec,
): SimImage {
  const ref = parseImageRef(spec.ref);
  if (!ref) throw new Error(`invalid image reference ${spec.ref}`);
  const tag = repoTag(ref);
  const id = `sha256:${fakeSha256(`image:${tag}`)}`;
  const existing = images.get(id);
  if (existing) return existing;
  const image: SimImage = {
    Id: id,
    RepoTags: [tag],
    RepoDigests: [`${ref.repository}@sha256:${fakeSha256(`digest:${tag}`)}`],
    Created: rfc3339Nano(new Date(Date.UTC(2025, 0, 15))),
    Size: spec.size ?? 10_000_000,
    Config: {
      Env: spec.env ?? [
        'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      ],
      Cmd: spec.cmd ?? null,
      ExposedPorts: Object.fromEntries(
        (spec.exposedPorts ?? []).map(p => [p, {}]),
      ),
      Labels: spec.labels ?? {},
      Healthcheck: spec.healthcheck,
    },
  };
  images.set(id, image);
  return image;
}

/** Finds a local image by reference, full or short id. */
export function findImage(
  images: Map<string, SimImage>,
  nameOrId: string,
): SimImage | undefined {
  const hex = nameOrId.replace(/^sha256:/, '');
  if (/^[a-f0-9]{12,64}$/.test(hex)) {
    for (const image of images.values())
      if (image.Id.slice(7).startsWith(hex)) return image;
  }
  const ref = parseImageRef(nameOrId);
  if (!ref) return undefined;
  const tag = repoTag(ref);
  for (const image of images.values()) {
    if (
      ref.digest &&
      image.RepoDigests.includes(`${ref.repository}@${ref.digest}`)
    )
      return image;
    if (!ref.digest && image.RepoTags.includes(tag)) return image;
  }
  return undefined;
}

/**
 * Resolves a pull before any output is written: throws the errors the real engine answers
 * with an HTTP status (bad reference, unknown repository or tag, registry refusing credentials).
 */
export function resolvePull(
  registry: LabImageSpec[],
  images: Map<string, SimImage>,
  pulls: DockerEngine['pulls'],
  fromImage: string,
  tag: string | undefined,
  auth?: { username?: string; password?: string; serveraddress?: string },
) {
  let reference = fromImage;
  if (tag)
    reference = tag.startsWith('sha256:')
      ? `${fromImage}@${tag}`
      : `${fromImage}:${tag}`;
  const ref = parseImageRef(reference);
  if (!ref) throw new EngineError(400, `invalid reference format`);
  const record = {
    image: reference,
    auth: auth && {
      username: auth.username,
      serveraddress: auth.serveraddress,
    },
    ok: false,
  };
  pulls.push(record);
  const sameRepo = registry.filter(
    i => parseImageRef(i.ref)?.repository === ref.repository,
  );
  if (sameRepo.length === 0) {
    if (ref.registry === 'docker.io') {
      throw new EngineError(
        404,
        `pull access denied for ${ref.repository}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`,
      );
    }
    throw new EngineError(
      500,
      `Head "https://${ref.registry}/v2/${ref.repository.slice(
        ref.registry.length + 1,
      )}/manifests/${ref.tag || ref.digest}": dial tcp: lookup ${
        ref.registry
      }: no such host`,
    );
  }
  const spec = sameRepo.find(i => {
    const r = parseImageRef(i.ref)!;
    if (ref.digest)
      return `sha256:${fakeSha256(`digest:${repoTag(r)}`)}` === ref.digest;
    return r.tag === ref.tag;
  });
  if (spec?.auth || sameRepo.some(i => i.auth)) {
    const needed = (spec ?? sameRepo[0]).auth!;
    if (
      !auth ||
      auth.username !== needed.username ||
      auth.password !== needed.password
    ) {
      const path =
        ref.registry === 'docker.io'
          ? ref.repository
          : ref.repository.slice(ref.registry.length + 1);
      throw new EngineError(
        500,
        `Head "https://${ref.registry}/v2/${path}/manifests/${ref.tag}": unauthorized: authentication required`,
      );
    }
  }
  if (!spec) {
    throw new EngineError(
      404,
      `manifest for ${reference} not found: manifest unknown: manifest unknown`,
    );
  }
  return {
    spec,
    ref,
    record,
    present: findImage(images, spec.ref) !== undefined,
  };
}
