export * from './ContainerReads';
