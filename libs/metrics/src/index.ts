export * from './metrics';
export * from './exposition';
export * from './labels';
export * from './retell-fetch';
