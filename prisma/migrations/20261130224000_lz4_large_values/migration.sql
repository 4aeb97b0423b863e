-- Webhook payloads and transcripts are the largest values the platform writes, several per
-- webhook. lz4 compresses them several times faster than PostgreSQL's default pglz, which
-- profiling showed as the largest single cost of recording an event (PostgreSQL 14+, built
-- with lz4 as Debian's and the official images are). Values already stored keep their method.
ALTER TABLE "CallEvent" ALTER COLUMN "payload" SET COMPRESSION lz4;
ALTER TABLE "Call" ALTER COLUMN "transcript" SET COMPRESSION lz4;
ALTER TABLE "Call" ALTER COLUMN "transcriptObject" SET COMPRESSION lz4;
