import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The tables with one owner each, and the files that own them. */
export const OWNERS: Record<string, { prisma: string; files: string[] }> = {
  Call: { prisma: 'call', files: ['libs/call-records/src/call-writes.ts', 'libs/call-records/src/record-call-event.ts'] },
  DialRequest: { prisma: 'dialRequest', files: ['libs/dialer/src/dial-request-store.ts'] },
  Batch: { prisma: 'batch', files: ['libs/dialer/src/dial-request-store.ts'] },
};

const PRISMA_WRITES = ['create', 'createMany', 'createManyAndReturn', 'update', 'updateMany', 'updateManyAndReturn', 'upsert', 'delete', 'deleteMany'];

export interface WriteFound {
  table: string;
  line: number;
  text: string;
}

/** Every write to an owned table in one source text: Prisma delegate calls and raw SQL. */
export function writesIn(source: string): WriteFound[] {
  const found: WriteFound[] = [];
  const lines = source.split('\n');
  for (const [table, { prisma }] of Object.entries(OWNERS)) {
    const delegate = new RegExp(`\\.${prisma}\\s*\\.\\s*(${PRISMA_WRITES.join('|')})\\s*\\(`);
    const sql = new RegExp(`\\b(INSERT\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+"${table}"`, 'i');
    lines.forEach((text, i) => {
      if (delegate.test(text) || sql.test(text)) found.push({ table, line: i + 1, text: text.trim().slice(0, 160) });
    });
  }
  return found;
}

function sourceFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(root, dir))) {
    const rel = path.join(dir, name);
    if (name === 'node_modules' || name === 'generated' || name === 'dist') continue;
    if (statSync(path.join(root, rel)).isDirectory()) out.push(...sourceFiles(root, rel));
    else if (/\.(ts|js)$/.test(name) && !/\.(spec|test)\.ts$/.test(name)) out.push(rel);
  }
  return out;
}

/** Writes to an owned table from a file that does not own it, across apps/, libs/ and tools/. */
export function writesOutsideOwners(root: string): Array<WriteFound & { file: string }> {
  const found: Array<WriteFound & { file: string }> = [];
  for (const file of ['apps', 'libs', 'tools'].flatMap((d) => sourceFiles(root, d))) {
    const posix = file.split(path.sep).join('/');
    for (const w of writesIn(readFileSync(path.join(root, file), 'utf8'))) {
      if (!OWNERS[w.table].files.includes(posix)) found.push({ ...w, file: posix });
    }
  }
  return found;
}
