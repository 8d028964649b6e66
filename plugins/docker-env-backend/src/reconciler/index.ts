export * from './DriftFlags';
export * from './judgeDrift';
export * from './reconcilePass';
export * from './scheduleReconciler';
