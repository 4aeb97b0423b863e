-- AlterTable
ALTER TABLE "ToolInvocation" ADD COLUMN     "claimedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- Added by hand: a row's claim dates from its creation (the default above gives every existing row the
-- time of this migration, which would keep a claim left by a crashed gateway fresh for a while longer).
UPDATE "ToolInvocation" SET "claimedAt" = "createdAt";
