export * from './prisma.service';
export * from './db.module';
export * from './pg-pool';
export { Prisma, PrismaClient } from './generated/prisma/client';
export type {
  Tenant,
  ApiKey,
  Agent,
  Candidate,
  Call,
  CallEvent,
  Position,
  Interview,
  InterviewReminder,
  CallbackTask,
  CandidateScreening,
  DialRequest,
  Batch,
  AuditLog,
} from './generated/prisma/client';
export { CallStatus as DbCallStatus, ApiKeyRole, CandidateStatus as DbCandidateStatus, InterviewStatus, CallbackStatus } from './generated/prisma/enums';
export * from './tenant-bootstrap';
export * from './sql-literal';
export * from './unique-violation';
export * from './tenant-settings';
