import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { spec } from './openapi';

type Spec = typeof spec;
type Schemas = Spec['components']['schemas'];
type Paths = Spec['paths'];
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Replaces every `{$ref: '#/components/schemas/X'}` with schema X (the components hold no cycles). */
type Deref<S> = S extends {
  readonly $ref: `#/components/schemas/${infer N extends keyof Schemas &
    string}`;
}
  ? Deref<Schemas[N]>
  : S extends readonly unknown[]
  ? { readonly [K in keyof S]: Deref<S[K]> }
  : S extends object
  ? { readonly [K in keyof S]: Deref<S[K]> }
  : S;

/**
 * The TypeScript type of a JSON schema of the spec, its references followed.
 *
 * @public
 */
export type SchemaType<S> = Deref<S> extends infer D extends JSONSchema
  ? FromSchema<D>
  : never;

/**
 * The TypeScript type of the component schema `#/components/schemas/<N>`.
 *
 * @public
 */
export type ComponentType<N extends keyof Schemas> = SchemaType<Schemas[N]>;

/**
 * Every route of the spec as `METHOD /path/{param}`, e.g. `GET /environments/{name}`.
 *
 * @public
 */
export type DockerEnvRoute = {
  [P in keyof Paths & string]: {
    [M in keyof Paths[P] & Method]: `${Uppercase<M>} ${P}`;
  }[keyof Paths[P] & Method];
}[keyof Paths & string];

/**
 * The spec's operation object of a route.
 *
 * @public
 */
export type RouteOperation<R extends DockerEnvRoute> =
  R extends `${infer M} ${infer P extends keyof Paths & string}`
    ? Paths[P][Lowercase<M> & keyof Paths[P]]
    : never;

type JsonSchemaOf<C> = C extends {
  readonly content: {
    readonly 'application/json': { readonly schema: infer S };
  };
}
  ? SchemaType<S>
  : void;

type Responses<R extends DockerEnvRoute> = RouteOperation<R> extends {
  readonly responses: infer X;
}
  ? X
  : never;

/**
 * The body of a route's success answer (`void` for 204).
 *
 * @public
 */
export type RouteResponse<R extends DockerEnvRoute> = {
  [S in keyof Responses<R> & ('200' | '201' | '202' | '204')]: JsonSchemaOf<
    Responses<R>[S]
  >;
}[keyof Responses<R> & ('200' | '201' | '202' | '204')];

/**
 * The request body of a route (`undefined` when it takes none).
 *
 * @public
 */
export type RouteBody<R extends DockerEnvRoute> = RouteOperation<R> extends {
  readonly requestBody: infer B;
}
  ? JsonSchemaOf<B>
  : undefined;

type Parameters<R extends DockerEnvRoute> = RouteOperation<R> extends {
  readonly parameters: readonly (infer P)[];
}
  ? P
  : never;

/** One object type instead of an intersection (so it reads, and compares, as the object it is). */
type Flatten<T> = { [K in keyof T]: T[K] };

type ParamsIn<R extends DockerEnvRoute, In extends string> = Flatten<
  {
    [P in Parameters<R> as P extends {
      readonly in: In;
      readonly required: true;
      readonly name: infer N extends string;
    }
      ? N
      : never]: P extends { readonly schema: infer S } ? SchemaType<S> : never;
  } & {
    [P in Parameters<R> as P extends {
      readonly in: In;
      readonly name: infer N extends string;
    }
      ? P extends { readonly required: true }
        ? never
        : N
      : never]?: P extends { readonly schema: infer S } ? SchemaType<S> : never;
  }
>;

/**
 * The path parameters of a route, e.g. `{name: string}`.
 *
 * @public
 */
export type RouteParams<R extends DockerEnvRoute> = ParamsIn<R, 'path'>;

/**
 * The query parameters of a route.
 *
 * @public
 */
export type RouteQuery<R extends DockerEnvRoute> = ParamsIn<R, 'query'>;
