// The API's shared class-validator decorators and transforms; DTOs import them from here.
export * from './instant';
export * from './phone';
export * from './string-record';
export * from './time-zone';
export * from './transforms';
