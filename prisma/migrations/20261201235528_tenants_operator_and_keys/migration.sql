-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "active" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "callingWindowEnd" INTEGER,
ADD COLUMN     "callingWindowStart" INTEGER,
ADD COLUMN     "callingWindowTimeZone" TEXT;

-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "expiresAt" TIMESTAMPTZ(3),
ADD COLUMN     "prefix" TEXT;
