export * from './EnvironmentEvents';
