export * from './QuotaGate';
export * from './QuotaService';
export * from './QuotaStore';
export * from './types';
export * from './approvalNotices';
