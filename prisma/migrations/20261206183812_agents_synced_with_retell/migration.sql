-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "disconnectedAt" TIMESTAMPTZ(3),
ADD COLUMN     "language" TEXT,
ADD COLUMN     "llmId" TEXT,
ADD COLUMN     "postCallAnalysis" JSONB,
ADD COLUMN     "syncedAt" TIMESTAMPTZ(3),
ADD COLUMN     "version" INTEGER,
ADD COLUMN     "voiceId" TEXT,
ADD COLUMN     "webhookUrl" TEXT;
