export * from './Notifier';
