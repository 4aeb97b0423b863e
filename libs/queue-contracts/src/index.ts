export * from './queues';
export * from './jobs';
export * from './options';
export * from './recruiting-jobs';
export * from './follow-up-options';
export * from './dialer-jobs';
