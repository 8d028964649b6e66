import type express from 'express';
import type { PortainerState } from './model';
import {
  badId,
  field,
  isReply,
  notFound,
  parseJson,
  perr,
  type Reply,
} from './reply';

/** A Portainer tag (`portainer.Tag`; `ID` has no json tag in Go, so it travels as `ID`). */
export interface PtTag {
  ID: number;
  Name: string;
}

/** The tag as the API renders it, with the environments that carry it. */
export function renderTag(state: PortainerState, tag: PtTag) {
  return {
    ID: tag.ID,
    Name: tag.Name,
    Endpoints: Object.fromEntries(
      state.endpoints
        .filter(e => e.TagIds.includes(tag.ID))
        .map(e => [String(e.Id), true]),
    ),
    EndpointGroups: {},
  };
}

/** `POST /api/tags {name}`: 409 for a name in use. */
export function createTag(
  state: PortainerState,
  req: express.Request,
  nextId: () => number,
): Reply {
  const body = parseJson(req);
  if (isReply(body)) return body;
  const name = field(body, 'name');
  if (typeof name !== 'string' || name.trim() === '')
    return perr(400, 'Invalid request payload', 'invalid tag name');
  if (state.tags.some(t => t.Name === name))
    return perr(
      409,
      'This name is already associated to a tag',
      'a tag already exists with this name',
    );
  const tag = { ID: nextId(), Name: name };
  state.tags.push(tag);
  return { status: 200, body: renderTag(state, tag) };
}

/** `DELETE /api/tags/{id}`: the tag leaves every environment too. */
export function deleteTag(state: PortainerState, id: string): Reply {
  if (!/^\d+$/.test(id)) return badId('tag', id);
  const tag = state.tags.find(t => t.ID === Number(id));
  if (!tag) return notFound('a tag');
  state.tags = state.tags.filter(t => t !== tag);
  for (const e of state.endpoints)
    e.TagIds = e.TagIds.filter(t => t !== tag.ID);
  return { status: 204 };
}
