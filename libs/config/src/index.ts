export * from './env';
export * from './secret-box';
export * from './redis';
export * from './http-app';
export * from './queue-producers';
export * from './queue-consumers';
export * from './worker-app';
