import type {
  CreateEnvironmentRequest,
  CreateEnvironmentResponse,
  Environment,
  ListEnvironmentsQuery,
  ListEnvironmentsResponse,
  ListOperationsResponse,
  NameAvailability,
  Operation,
  OperationStepRecord,
  StatusResponse,
} from '../types';
import type {
  ComponentType,
  RouteBody,
  RouteQuery,
  RouteResponse,
} from './types';

/**
 * The named types of `../types.ts` (with their field docs) must be the types the spec gives: `tsc` (run by `yarn tsc`
 * and CI) fails on this file when they drift apart, naming the pair. Each pair is also counted at run time so the
 * list cannot silently shrink.
 */
/** Each assignable to the other: the same fields, each as required and of the same type. */
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Compiles only when `T` is `true`. */
const agree = <T extends true>(): T => true as T;

const agreements = {
  Environment: agree<Equal<Environment, ComponentType<'Environment'>>>(),
  Operation: agree<Equal<Operation, ComponentType<'Operation'>>>(),
  OperationStepRecord:
    agree<Equal<OperationStepRecord, ComponentType<'OperationStep'>>>(),
  CreateEnvironmentRequest:
    agree<Equal<CreateEnvironmentRequest, RouteBody<'POST /environments'>>>(),
  CreateEnvironmentResponse:
    agree<
      Equal<CreateEnvironmentResponse, RouteResponse<'POST /environments'>>
    >(),
  ListEnvironmentsQuery:
    agree<Equal<ListEnvironmentsQuery, RouteQuery<'GET /environments'>>>(),
  ListEnvironmentsResponse:
    agree<
      Equal<ListEnvironmentsResponse, RouteResponse<'GET /environments'>>
    >(),
  ListOperationsResponse:
    agree<
      Equal<
        ListOperationsResponse,
        RouteResponse<'GET /environments/{name}/operations'>
      >
    >(),
  NameAvailability:
    agree<Equal<NameAvailability, RouteResponse<'GET /names/{name}'>>>(),
  StatusResponse: agree<Equal<StatusResponse, RouteResponse<'GET /status'>>>(),
};

describe('the named API types', () => {
  it('are the types the spec gives (checked by tsc)', () => {
    expect(Object.keys(agreements)).toHaveLength(10);
    expect(Object.values(agreements).every(Boolean)).toBe(true);
  });
});
