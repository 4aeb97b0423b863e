-- Search indexes for lists at scale. None is expressible in schema.prisma (expressions, operator
-- classes from pg_trgm), so the drift test lists them by name. Each is paid on writes; the
-- partial ones only by rows their predicate admits.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Phone search on the call list (`phone=`: digits anywhere in the from or to number). One
-- trigram index over both numbers instead of one per column: a call insert adds ~20 trigram keys.
CREATE INDEX "Call_phones_trgm_idx" ON "Call" USING gin ((coalesce("toNumber", '') || ' ' || coalesce("fromNumber", '')) gin_trgm_ops);

-- Full-text search in transcripts (`q=`). Partial: a call gets its transcript at call_ended, so
-- the call_started insert pays nothing here; the ended update pays one tsvector and its keys.
CREATE INDEX "Call_transcript_fts_idx" ON "Call" USING gin (to_tsvector('english', "transcript")) WHERE "transcript" IS NOT NULL;

-- Candidate search (`q=` on the candidate list: each word, case-insensitive, anywhere in the first
-- or last name, email, phone or external id). One trigram index over those words joined, which
-- the list matches as one expression (an OR of five ILIKEs would not use five indexes: measured,
-- the planner reads the whole tenant instead). Candidates are written rarely; screening updates
-- leave these columns alone, so they stay HOT updates.
CREATE INDEX "Candidate_search_trgm_idx" ON "Candidate" USING gin (
  lower("firstName" || ' ' || coalesce("lastName", '') || ' ' || coalesce("email", '') || ' ' || coalesce("phone", '') || ' ' || coalesce("externalId", '')) gin_trgm_ops
);
