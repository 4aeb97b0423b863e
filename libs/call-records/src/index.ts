export * from './record-call-event';
export * from './call-event-batcher';
