export * from './AuditTrail';
