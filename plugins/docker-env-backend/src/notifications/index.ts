export * from './Notifier';
export * from './OutboxSender';
export * from './scheduleOutbox';
