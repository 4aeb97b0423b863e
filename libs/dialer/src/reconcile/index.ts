export * from './findings-hook';
export * from './reconcile-runs';
export * from './reconciler';
export * from './reconcile-schedules';
export * from './retell-backoff';
