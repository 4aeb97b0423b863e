/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time per function, inclusive time per
 * function, and self time per package. CLI: node dist/bench/cpuprofile.js <file> [top]
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface Row {
  fn: string;
  where: string;
  ms: number;
  pct: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** time not spent idle */
  busyMs: number;
  selfTop: Row[];
  inclusiveTop: Row[];
  byPackage: Row[];
}

function shortUrl(url: string): string {
  if (!url) return '';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

function packageOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native/builtin)';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const m = /\/dist\/(apps\/[^/]+|libs\/[^/]+)/.exec(url);
  if (m) return m[1];
  return shortUrl(url);
}

export function summariseProfile(file: string, top = 25, filter?: (where: string) => boolean): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of p.nodes) byId.set(n.id, n);
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const keyOf = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'}\u0000${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  const pkg = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000; // the delta after a sample is the time it stands for
    const node = byId.get(p.samples[i]);
    if (!node) continue;
    total += dt;
    if (node.callFrame.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    const k = keyOf(node);
    self.set(k, (self.get(k) ?? 0) + dt);
    const pk = packageOf(node.callFrame);
    pkg.set(pk, (pkg.get(pk) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const kk = keyOf(byId.get(id)!);
      if (seen.has(kk)) continue;
      seen.add(kk);
      incl.set(kk, (incl.get(kk) ?? 0) + dt);
    }
  }
  const busy = total - idle;
  const rows = (m: Map<string, number>, f?: (where: string) => boolean): Row[] =>
    [...m.entries()]
      .map(([k, ms]) => {
        const [fn, where] = k.split('\u0000');
        return { fn, where: where ?? '', ms, pct: (100 * ms) / busy };
      })
      .filter((r) => !f || f(r.where))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top);
  return {
    totalMs: total,
    busyMs: busy,
    selfTop: rows(self),
    inclusiveTop: rows(incl, filter ?? ((w) => w.startsWith('dist/apps') || w.startsWith('dist/libs'))),
    byPackage: rows(new Map([...pkg.entries()].map(([k, v]) => [`${k}\u0000`, v]))),
  };
}

/** Text summary; with `per`, times are also given in µs per request/event (`per.count` of them). */
export function formatSummary(title: string, s: ProfileSummary, per?: { count: number; unit: string }): string {
  const each = (ms: number) => (per ? `${((ms * 1000) / per.count).toFixed(1).padStart(7)} µs/${per.unit}` : '');
  const line = (r: Row) => `  ${r.ms.toFixed(0).padStart(7)} ms ${each(r.ms)} ${r.pct.toFixed(1).padStart(5)}%  ${r.fn}  ${r.where}`;
  return [
    `${title}: ${(s.totalMs / 1000).toFixed(1)} s profiled, ${(s.busyMs / 1000).toFixed(1)} s busy` +
      (per ? ` = ${((s.busyMs * 1000) / per.count).toFixed(0)} µs of main thread per ${per.unit} (${per.count} ${per.unit}s)` : '') +
      ' (percentages of busy time)',
    ' self time, top functions:',
    ...s.selfTop.map(line),
    ' self time by package:',
    ...s.byPackage.map((r) => `  ${r.ms.toFixed(0).padStart(7)} ms ${each(r.ms)} ${r.pct.toFixed(1).padStart(5)}%  ${r.fn}`),
    ' inclusive time, project code:',
    ...s.inclusiveTop.map(line),
  ].join('\n');
}

/** Self time per package of two profiles side by side, in µs per request, largest difference first. */
export function comparePackages(
  a: { name: string; s: ProfileSummary; count: number },
  b: { name: string; s: ProfileSummary; count: number },
  top = 20,
): string {
  const rows = new Map<string, [number, number]>();
  for (const r of a.s.byPackage) rows.set(r.fn, [(r.ms * 1000) / a.count, 0]);
  for (const r of b.s.byPackage) rows.set(r.fn, [rows.get(r.fn)?.[0] ?? 0, (r.ms * 1000) / b.count]);
  const sorted = [...rows.entries()].sort((x, y) => y[1][1] - y[1][0] - (x[1][1] - x[1][0])).slice(0, top);
  return [
    `${'package'.padEnd(30)} ${a.name.padStart(10)} ${b.name.padStart(10)}   (main-thread self time, µs per request)`,
    `${'(all, busy)'.padEnd(30)} ${((a.s.busyMs * 1000) / a.count).toFixed(1).padStart(10)} ${((b.s.busyMs * 1000) / b.count).toFixed(1).padStart(10)}`,
    ...sorted.map(([k, [x, y]]) => `${k.padEnd(30)} ${x.toFixed(1).padStart(10)} ${y.toFixed(1).padStart(10)}`),
  ].join('\n');
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node dist/bench/cpuprofile.js <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(formatSummary(file, summariseProfile(file, Number(top ?? 25))));
}
