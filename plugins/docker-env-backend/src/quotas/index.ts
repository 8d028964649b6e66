export * from './QuotaGate';
