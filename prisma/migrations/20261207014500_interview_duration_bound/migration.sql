-- An interview lasts 1 minute to 24 hours (the API allows 15–480). Queries for overlapping
-- interviews then read "scheduledAt" from (start − 24 h) on, through the (tenantId, status,
-- scheduledAt) index, instead of every interview of the tenant still marked scheduled
-- (libs/recruiting/src/book-slot.ts, MAX_INTERVIEW_MINUTES). Prisma's schema language has no CHECK
-- constraints: this one lives only here (test/integration/migrations-drift.test.ts knows it).
ALTER TABLE "Interview" ADD CONSTRAINT "Interview_durationMinutes_bound" CHECK ("durationMinutes" BETWEEN 1 AND 1440);
