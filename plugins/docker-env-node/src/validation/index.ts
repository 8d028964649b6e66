export * from './safeValues';
