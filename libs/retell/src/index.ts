export * from './call-types';
export * from './signature';
export * from './envelope';
export * from './call-record';
export * from './inbound-envelope';
