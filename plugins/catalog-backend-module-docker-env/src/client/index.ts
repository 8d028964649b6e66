export * from './EnvironmentsClient';
