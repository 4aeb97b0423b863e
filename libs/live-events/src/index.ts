export * from './live-event';
export * from './live-keys';
export * from './live-event-publisher';
export * from './live-updates';
export * from './live-event-hub';
