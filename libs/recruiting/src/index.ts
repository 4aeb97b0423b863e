export * from './candidate-link';
export * from './apply-screening';
export * from './reminder-scheduler';
export * from './fire-reminder';
export * from './interview-booking';
export * from './screening-trigger';
