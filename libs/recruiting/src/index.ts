export * from './live';
export * from './candidate-link';
export * from './apply-screening';
export * from './fire-reminder';
export * from './interview-booking';
export * from './screening-trigger';
