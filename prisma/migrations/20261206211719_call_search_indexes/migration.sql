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
-- or last name, email, phone or external id). One trigram index per column, so the list's ILIKEs
-- combine as a bitmap OR; candidates are written rarely and the screening updates leave these
-- columns alone (HOT updates stay possible).
CREATE INDEX "Candidate_firstName_trgm_idx" ON "Candidate" USING gin ("firstName" gin_trgm_ops);
CREATE INDEX "Candidate_lastName_trgm_idx" ON "Candidate" USING gin ("lastName" gin_trgm_ops);
CREATE INDEX "Candidate_email_trgm_idx" ON "Candidate" USING gin ("email" gin_trgm_ops);
CREATE INDEX "Candidate_phone_trgm_idx" ON "Candidate" USING gin ("phone" gin_trgm_ops);
CREATE INDEX "Candidate_externalId_trgm_idx" ON "Candidate" USING gin ("externalId" gin_trgm_ops);
