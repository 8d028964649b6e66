export * from './AuditTrail';
export * from './portainerSyncAudit';
