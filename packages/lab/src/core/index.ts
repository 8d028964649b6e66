export * from './LabControl';
export * from './GuestHost';
