/**
 * The agent's tools and what they book with, for the gateway: nothing here loads Prisma at run
 * time (plain SQL on `@retell-ops/db/pg-pool`), so a process that imports only this entry never
 * loads the Prisma client (test/integration/gateway-module-graph.test.ts). `index.ts` exports it all too.
 */
export * from './reminder-scheduler';
export * from './interview-reminders';
export * from './book-slot';
export * from './tools/tool-schemas';
export * from './tools/tool-request';
export * from './tools/tool-invocations';
export * from './tools/live-tools';
