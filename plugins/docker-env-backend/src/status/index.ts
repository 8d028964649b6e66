export * from './StatusChecks';
