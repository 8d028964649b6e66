import {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsRegistryService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  PermissionCriteria,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  createConditionTransformer,
} from '@backstage/plugin-permission-node';
import {
  dockerEnvAdminPermission,
  Environment,
} from '@docker-env/plugin-docker-env-common';
import { Request } from 'express';
import { environmentResourceRef } from '../permissions';
import { EnvironmentQuery } from '../store';

/** Who is calling, with the entity refs they own through (themselves and their groups). */
export interface Caller {
  credentials: BackstageCredentials<
    BackstageUserPrincipal | BackstageServicePrincipal
  >;
  /** `user:default/alice`, or `service:<subject>` for a service principal. */
  actor: string;
  /** The user and the user's groups; empty for a service principal. */
  ownershipEntityRefs: string[];
}

/** A read filter: everything, nothing, or the environments matching the criteria. */
export type ReadFilter =
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'some'; criteria: PermissionCriteria<EnvironmentQuery> };

/**
 * Authentication and authorization for the routes: who calls, may they, and which environments they may see.
 * Conditions from the permission framework are applied as query filters for lists and in memory for one record.
 */
export class Access {
  private readonly toQuery;
  private readonly authorizeOne;

  constructor(
    private readonly deps: {
      httpAuth: HttpAuthService;
      userInfo: UserInfoService;
      permissions: PermissionsService;
      permissionsRegistry: PermissionsRegistryService;
    },
  ) {
    const ruleset = deps.permissionsRegistry.getPermissionRuleset(
      environmentResourceRef,
    );
    this.toQuery = createConditionTransformer(ruleset);
    this.authorizeOne = createConditionAuthorizer(ruleset);
  }

  /** The signed-in user (or, when `allowService`, a service) behind a request; 401 otherwise. */
  async caller(
    req: Request<any, any, any, any, any>,
    options: { allowService?: boolean } = {},
  ): Promise<Caller> {
    const credentials = await this.deps.httpAuth.credentials(req, {
      allow: options.allowService ? ['user', 'service'] : ['user'],
    });
    return this.callerOf(credentials);
  }

  /** The caller behind credentials already authenticated (an action's context): a user or a service principal. */
  async callerOf(
    credentials: BackstageCredentials<
      BackstageUserPrincipal | BackstageServicePrincipal
    >,
  ): Promise<Caller> {
    if (credentials.principal.type === 'service') {
      return {
        credentials,
        actor: `service:${credentials.principal.subject}`,
        ownershipEntityRefs: [],
      };
    }
    const info = await this.deps.userInfo.getUserInfo(credentials);
    return {
      credentials,
      actor: credentials.principal.userEntityRef,
      ownershipEntityRefs: info.ownershipEntityRefs,
    };
  }

  /** Throws 403 unless a basic permission is allowed. */
  async require(caller: Caller, permission: BasicPermission): Promise<void> {
    if (!(await this.allows(caller, permission))) {
      throw new NotAllowedError(`not allowed: ${permission.name}`);
    }
  }

  /** True when a basic permission is allowed. */
  async allows(caller: Caller, permission: BasicPermission): Promise<boolean> {
    const [decision] = await this.deps.permissions.authorize([{ permission }], {
      credentials: caller.credentials,
    });
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** True when the caller is a docker-env admin. */
  isAdmin(caller: Caller): Promise<boolean> {
    return this.allows(caller, dockerEnvAdminPermission);
  }

  /** Which environments the caller may act on with a resource permission, as a query filter. */
  async filterFor(
    caller: Caller,
    permission: ResourcePermission,
  ): Promise<ReadFilter> {
    const [decision] = await this.deps.permissions.authorizeConditional(
      [{ permission }],
      { credentials: caller.credentials },
    );
    if (decision.result === AuthorizeResult.CONDITIONAL) {
      return { kind: 'some', criteria: this.toQuery(decision.conditions) };
    }
    return { kind: decision.result === AuthorizeResult.ALLOW ? 'all' : 'none' };
  }

  /** Throws 403 unless the caller may act on this environment with a resource permission. */
  async requireOn(
    caller: Caller,
    permission: ResourcePermission,
    environment: Environment,
  ): Promise<void> {
    const [decision] = await this.deps.permissions.authorizeConditional(
      [{ permission }],
      { credentials: caller.credentials },
    );
    if (!this.authorizeOne(decision, environment)) {
      throw new NotAllowedError(
        `not allowed: ${permission.name} on environment "${environment.name}"`,
      );
    }
  }
}
