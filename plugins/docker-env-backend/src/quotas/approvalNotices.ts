import type { Environment } from '@docker-env/plugin-docker-env-common';
import type { EnvironmentNotice } from '../notifications';
import type { ApprovalRequest } from './types';

/** Recipients besides the owner: the requester when it is not the owner, and `more`. */
function alsoTo(
  environment: Environment,
  request: ApprovalRequest,
  more: string[] = [],
) {
  const refs = new Set([request.requestedBy, ...more]);
  refs.delete(environment.owner);
  return [...refs].filter(
    ref => ref.startsWith('user:') || ref.startsWith('group:'),
  );
}

/** Tells the admins (and the requester) that a request over quota awaits a decision. */
export function approvalNeededNotice(
  environment: Environment,
  request: ApprovalRequest,
  admins: string[],
): EnvironmentNotice {
  return {
    event: 'environment.approval_requested',
    environment,
    title: `Approval needed: ${environment.name}`,
    description: `${request.requestedBy} requested ${environment.name} for ${environment.owner} over quota (${request.quotaReason}). An admin approves or rejects it under Docker environments > Approvals.`,
    severity: 'normal',
    alsoTo: alsoTo(environment, request, admins),
  };
}

/** Tells the owner and the requester about an admin's decision. */
export function approvalDecidedNotice(
  environment: Environment,
  request: ApprovalRequest,
): EnvironmentNotice {
  const approved = request.status === 'approved';
  return {
    event: approved ? 'environment.approved' : 'environment.rejected',
    environment,
    title: approved
      ? `${environment.name} was approved`
      : `${environment.name} was rejected`,
    description: approved
      ? `${request.decidedBy} approved ${environment.name}; it is being provisioned now.`
      : `${request.decidedBy} rejected ${environment.name}: ${request.reason}. The name is free again.`,
    severity: approved ? 'normal' : 'high',
    alsoTo: alsoTo(environment, request),
  };
}
