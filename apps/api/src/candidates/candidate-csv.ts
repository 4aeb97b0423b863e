import type { CsvValue } from '@retell-ops/domain';
import type { CandidateRow } from './candidate.resource';

export const CANDIDATE_EXPORT_HEADER = [
  'id',
  'externalId',
  'firstName',
  'lastName',
  'email',
  'phone',
  'timeZone',
  'position',
  'status',
  'statusChangedAt',
  'qualified',
  'interestLevel',
  'yearsExperience',
  'salaryExpectation',
  'screeningOutcome',
  'interviewScheduled',
  'callAttempts',
  'createdAt',
] as const;

export function candidateCsvRow(c: CandidateRow): CsvValue[] {
  return [
    c.id,
    c.externalId,
    c.firstName,
    c.lastName,
    c.email,
    c.phone,
    c.timeZone,
    c.position?.title ?? c.positionApplied,
    c.status,
    c.statusChangedAt,
    c.qualified,
    c.interestLevel,
    c.yearsExperience,
    c.salaryExpectation,
    c.screeningOutcome,
    c.interviewScheduled,
    c.callAttempts,
    c.createdAt,
  ];
}
