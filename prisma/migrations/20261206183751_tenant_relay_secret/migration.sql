-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "relaySecretEnc" TEXT,
ADD COLUMN     "relaySecretPrevEnc" TEXT,
ADD COLUMN     "relaySecretPrevUntil" TIMESTAMPTZ(3);
