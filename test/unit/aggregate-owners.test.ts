import { readFileSync } from 'node:fs';
import path from 'node:path';
import { OWNERS, writesIn, writesOutsideOwners } from '../support/aggregate-writes';

/** Every write to Call goes through libs/call-records, every write to DialRequest and Batch through libs/dialer's store. */
describe('one owner per aggregate', () => {
  it('no module but the owner writes Call, DialRequest or Batch', () => {
    expect(writesOutsideOwners(path.resolve(__dirname, '..', '..'))).toEqual([]);
  });

  it.each<[string, string, string[]]>([
    ['a Prisma update of a call', 'await tx.call.update({ where: { id } })', ['Call']],
    ['a Prisma updateMany of a dial request', 'this.prisma.dialRequest.updateMany({', ['DialRequest']],
    ['a Prisma create with spaces', 'db.call . create (', ['Call']],
    ['a Prisma upsert', 'prisma.dialRequest.upsert({', ['DialRequest']],
    ['a Prisma deleteMany of batches', 'prisma.batch.deleteMany({})', ['Batch']],
    ['raw INSERT INTO "Call"', 'INSERT INTO "Call" ("id") VALUES', ['Call']],
    ['raw update in lower case', 'update "DialRequest" set "status" = ', ['DialRequest']],
    ['raw DELETE FROM "Call"', 'DELETE FROM "Call" WHERE', ['Call']],
    ['raw UPDATE "Batch"', 'UPDATE "Batch" b SET', ['Batch']],
    ['reads are not writes', 'prisma.call.findMany({}); SELECT * FROM "Call"', []],
    ['the Retell SDK is not the table', 'client.call.createPhoneCall({}); client.call.stop(id)', []],
    ['another table', 'prisma.callEvent.create({}); INSERT INTO "CallEvent"', []],
    ['a table whose name starts the same', 'UPDATE "CallbackTask" SET', []],
  ])('the scanner finds %s', (_name, source, tables) => {
    expect(writesIn(source).map((w) => w.table)).toEqual(tables);
  });

  it('each owner file exists and does write its table (the allowlist is not stale)', () => {
    const root = path.resolve(__dirname, '..', '..');
    for (const [table, { files }] of Object.entries(OWNERS)) {
      const writes = files.flatMap((f) => writesIn(readFileSync(path.join(root, f), 'utf8'))).filter((w) => w.table === table);
      expect({ table, writes: writes.length > 0 }).toEqual({ table, writes: true });
    }
  });
});
