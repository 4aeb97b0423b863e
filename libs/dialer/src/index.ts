export * from './retell-clients';
export * from './tenant-concurrency';
export * from './dispatch-trigger';
export * from './dial-dispatcher';
export * from './place-call';
export * from './dial-outcome';
export * from './dial-requests';
