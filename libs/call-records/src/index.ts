export * from './record-call-event';
