export * from './PausedPage';
