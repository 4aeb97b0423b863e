-- Large values (a delivery's body, a call's transcript) are TOASTed and compressed. lz4 instead of
-- pglz, PostgreSQL's default: much less CPU to compress on every insert and update (the call
-- worker writes one body and often a transcript per event) and to decompress on every read.
-- No rewrite: existing values keep their compression until they are written again. A server built
-- without lz4 keeps pglz.
DO $$
BEGIN
  ALTER TABLE "CallEvent" ALTER COLUMN "payload" SET COMPRESSION lz4;
  ALTER TABLE "Call" ALTER COLUMN "transcript" SET COMPRESSION lz4;
  ALTER TABLE "Call" ALTER COLUMN "transcriptObject" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'lz4 is not available: large values stay compressed with pglz';
END $$;
