// The owner of `Call` rows: every write goes through Calls / CallRows (call-writes.ts).
export { Calls, CallRows, type PlannedAttempt } from './call-writes';
export { PLACED_CALL_ID_KEY, type RecordedCall, type RecordOutcome, type StartedBatch } from './record-call-event';
