/**
 * Workflows of the docker-env plugins, built on the infrastructure clients of docker-env-node: the steps of the
 * provision, lifecycle and deployment operations (the `OperationStep` contract) and the reconcile view of what each
 * external system holds.
 *
 * @packageDocumentation
 */
export * from './operations';
export * from './provisioning';
export * from './lifecycle';
export * from './deployments';
export * from './reconcile';
export * from './teams';
export * from './registries';
