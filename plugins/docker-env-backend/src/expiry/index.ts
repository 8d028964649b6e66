export * from './expiryTask';
export * from './scheduleExpiry';
