export * from './safeValues';
export * from './remoteValues';
