-- CreateEnum
CREATE TYPE "InterviewStatus" AS ENUM ('scheduled', 'needs_review', 'cancelled', 'completed');

-- CreateEnum
CREATE TYPE "CallbackStatus" AS ENUM ('pending', 'needs_review', 'done', 'cancelled');

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "timeZone" TEXT;

-- AlterTable
ALTER TABLE "Candidate" ADD COLUMN     "availabilityPreference" TEXT,
ADD COLUMN     "callAttempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "callSummary" TEXT,
ADD COLUMN     "externalId" TEXT,
ADD COLUMN     "interestLevel" TEXT,
ADD COLUMN     "interviewScheduled" BOOLEAN,
ADD COLUMN     "lastScreenedAt" TIMESTAMPTZ(3),
ADD COLUMN     "lastScreeningCallId" TEXT,
ADD COLUMN     "notes" TEXT,
ADD COLUMN     "positionId" UUID,
ADD COLUMN     "qualified" BOOLEAN,
ADD COLUMN     "questionsAsked" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "rejectionReason" TEXT,
ADD COLUMN     "salaryExpectation" DOUBLE PRECISION,
ADD COLUMN     "scheduledDate" TEXT,
ADD COLUMN     "scheduledDatetimeIso" TEXT,
ADD COLUMN     "scheduledTime" TEXT,
ADD COLUMN     "scheduledTimezone" TEXT,
ADD COLUMN     "screeningIssues" JSONB,
ADD COLUMN     "screeningOutcome" TEXT,
ADD COLUMN     "sentiment" TEXT,
ADD COLUMN     "skills" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "spokenTimeZone" TEXT,
ADD COLUMN     "statusChangedAt" TIMESTAMPTZ(3),
ADD COLUMN     "unavailableDates" TEXT,
ADD COLUMN     "yearsExperience" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "Position" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "department" TEXT,
    "location" TEXT,
    "description" TEXT,
    "isOpen" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Position_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CandidateScreening" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "candidateId" UUID NOT NULL,
    "retellCallId" TEXT NOT NULL,
    "outcome" TEXT,
    "analysis" JSONB NOT NULL,
    "callEndedAt" TIMESTAMPTZ(3),
    "appliedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CandidateScreening_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Interview" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "candidateId" UUID NOT NULL,
    "sourceCallId" TEXT,
    "status" "InterviewStatus" NOT NULL,
    "scheduledAt" TIMESTAMPTZ(3),
    "timeZone" TEXT,
    "durationMinutes" INTEGER NOT NULL DEFAULT 60,
    "interviewer" TEXT,
    "rawDate" TEXT,
    "rawTime" TEXT,
    "rawZone" TEXT,
    "rawIso" TEXT,
    "resolvedFrom" TEXT,
    "reviewReason" TEXT,
    "sequence" INTEGER NOT NULL DEFAULT 0,
    "cancelledAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Interview_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InterviewReminder" (
    "id" UUID NOT NULL,
    "interviewId" UUID NOT NULL,
    "offset" TEXT NOT NULL,
    "scheduledAt" TIMESTAMPTZ(3) NOT NULL,
    "firedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InterviewReminder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CallbackTask" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "candidateId" UUID NOT NULL,
    "sourceCallId" TEXT NOT NULL,
    "status" "CallbackStatus" NOT NULL,
    "dueAt" TIMESTAMPTZ(3),
    "timeZone" TEXT,
    "rawWords" TEXT,
    "reviewReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CallbackTask_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Position_tenantId_title_key" ON "Position"("tenantId", "title");

-- CreateIndex
CREATE INDEX "CandidateScreening_candidateId_idx" ON "CandidateScreening"("candidateId");

-- CreateIndex
CREATE UNIQUE INDEX "CandidateScreening_tenantId_retellCallId_key" ON "CandidateScreening"("tenantId", "retellCallId");

-- CreateIndex
CREATE INDEX "Interview_tenantId_status_scheduledAt_idx" ON "Interview"("tenantId", "status", "scheduledAt");

-- CreateIndex
CREATE INDEX "Interview_tenantId_interviewer_scheduledAt_idx" ON "Interview"("tenantId", "interviewer", "scheduledAt");

-- CreateIndex
CREATE UNIQUE INDEX "Interview_tenantId_sourceCallId_key" ON "Interview"("tenantId", "sourceCallId");

-- CreateIndex
CREATE UNIQUE INDEX "InterviewReminder_interviewId_offset_scheduledAt_key" ON "InterviewReminder"("interviewId", "offset", "scheduledAt");

-- CreateIndex
CREATE INDEX "CallbackTask_tenantId_status_dueAt_idx" ON "CallbackTask"("tenantId", "status", "dueAt");

-- CreateIndex
CREATE UNIQUE INDEX "CallbackTask_tenantId_sourceCallId_key" ON "CallbackTask"("tenantId", "sourceCallId");

-- CreateIndex
CREATE UNIQUE INDEX "Candidate_tenantId_externalId_key" ON "Candidate"("tenantId", "externalId");

-- AddForeignKey
ALTER TABLE "Position" ADD CONSTRAINT "Position_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Candidate" ADD CONSTRAINT "Candidate_positionId_fkey" FOREIGN KEY ("positionId") REFERENCES "Position"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CandidateScreening" ADD CONSTRAINT "CandidateScreening_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CandidateScreening" ADD CONSTRAINT "CandidateScreening_candidateId_fkey" FOREIGN KEY ("candidateId") REFERENCES "Candidate"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Interview" ADD CONSTRAINT "Interview_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Interview" ADD CONSTRAINT "Interview_candidateId_fkey" FOREIGN KEY ("candidateId") REFERENCES "Candidate"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InterviewReminder" ADD CONSTRAINT "InterviewReminder_interviewId_fkey" FOREIGN KEY ("interviewId") REFERENCES "Interview"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CallbackTask" ADD CONSTRAINT "CallbackTask_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CallbackTask" ADD CONSTRAINT "CallbackTask_candidateId_fkey" FOREIGN KEY ("candidateId") REFERENCES "Candidate"("id") ON DELETE CASCADE ON UPDATE CASCADE;
