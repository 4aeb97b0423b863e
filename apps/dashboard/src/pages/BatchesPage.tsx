import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api';
import type { BatchProgress, Page } from '../types';
import { Badge, Field, FormErrors, QueryState } from '../components/ui';
import { ProgressBar } from '../components/ProgressBar';
import { parseTargetsCsv, type BatchTargetInput } from '../csv';
import { isE164, splitNumbers } from '../e164';
import { formatInstant, viewerZone } from '../format';
import { useCan } from '../session';

interface Batch {
  id: string;
  name: string | null;
  status: string;
  maxConcurrent: number;
  window: { start: string; end: string; timeZone: string } | null;
  progress: BatchProgress;
  createdAt: string;
}

export interface BatchBody {
  name?: string;
  maxConcurrent: number;
  window?: { start: string; end: string; timeZone: string };
  targets: (string | BatchTargetInput)[];
}

const FIELDS = ['name', 'maxConcurrent', 'window', 'targets'] as const;

/** Targets from pasted numbers plus an uploaded CSV, with every problem found listed. */
export function collectTargets(
  pasted: string,
  csv: { targets: BatchTargetInput[]; errors: string[] } | null,
): { targets: (string | BatchTargetInput)[]; errors: string[] } {
  const numbers = splitNumbers(pasted);
  const errors = numbers.filter((n) => !isE164(n)).map((n) => `"${n}" is not an E.164 number such as +14155550123`);
  const targets: (string | BatchTargetInput)[] = [...numbers.filter(isE164), ...(csv?.targets ?? [])];
  return { targets, errors: [...errors, ...(csv?.errors ?? [])] };
}

/** FileReader rather than Blob.text(): the same in every browser and in jsdom. */
function readText(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result ?? ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(file);
  });
}

export function BatchForm({ onCreate, pending }: { onCreate: (b: BatchBody) => Promise<unknown>; pending?: boolean }) {
  const [name, setName] = useState('');
  const [pasted, setPasted] = useState('');
  const [csv, setCsv] = useState<{ file: string; targets: BatchTargetInput[]; errors: string[] } | null>(null);
  const [maxConcurrent, setMaxConcurrent] = useState('5');
  const [windowOn, setWindowOn] = useState(false);
  const [start, setStart] = useState('09:00');
  const [end, setEnd] = useState('17:00');
  const [zone, setZone] = useState(viewerZone());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string[]>([]);
  // a file input cannot be cleared by state: a new key mounts an empty one
  const [fileKey, setFileKey] = useState(0);

  const onFile = async (file: File | undefined) => {
    if (!file) return setCsv(null);
    const parsed = parseTargetsCsv(await readText(file));
    setCsv({ file: file.name, ...parsed });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const { targets, errors: targetErrors } = collectTargets(pasted, csv);
    const local: Record<string, string> = {};
    if (targetErrors.length) local.targets = targetErrors.slice(0, 5).join('; ') + (targetErrors.length > 5 ? ` (and ${targetErrors.length - 5} more)` : '');
    else if (!targets.length) local.targets = 'targets must not be empty: paste numbers or upload a CSV';
    const n = Number(maxConcurrent);
    if (!Number.isInteger(n) || n < 1 || n > 1000) local.maxConcurrent = 'maxConcurrent must be a whole number from 1 to 1000';
    setErrors(local);
    setGeneral([]);
    if (Object.keys(local).length) return;
    try {
      await onCreate({
        ...(name.trim() ? { name: name.trim() } : {}),
        maxConcurrent: n,
        ...(windowOn ? { window: { start, end, timeZone: zone } } : {}),
        targets,
      });
      // Emptied so that a second click does not create the same batch again.
      setName('');
      setPasted('');
      setCsv(null);
      setFileKey((k) => k + 1);
    } catch (err) {
      if (err instanceof ApiError) {
        const { byField, rest } = err.fieldErrors(FIELDS);
        setErrors(byField);
        setGeneral(rest);
      } else setGeneral([String(err)]);
    }
  };

  return (
    <form onSubmit={submit} className="card form" noValidate aria-label="New batch">
      <h2>New batch</h2>
      <Field id="b-name" label="Name" error={errors.name}>
        <input id="b-name" value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field id="b-numbers" label="Numbers" hint="One E.164 number per line (or comma separated)" error={errors.targets}>
        <textarea
          id="b-numbers"
          rows={4}
          value={pasted}
          onChange={(e) => setPasted(e.target.value)}
          aria-describedby={errors.targets ? 'b-numbers-error' : 'b-numbers-hint'}
        />
      </Field>
      <Field id="b-csv" label="CSV file" hint='A "phone" column; other columns become dynamic variables'>
        <input id="b-csv" key={fileKey} type="file" accept=".csv,text/csv" onChange={(e) => void onFile(e.target.files?.[0])} />
      </Field>
      {csv && (
        <p className="muted" role="status">
          {csv.file}: {csv.targets.length} number(s){csv.errors.length ? `, ${csv.errors.length} problem(s)` : ''}
        </p>
      )}
      <Field id="b-max" label="Max concurrent" error={errors.maxConcurrent}>
        <input id="b-max" type="number" min={1} max={1000} value={maxConcurrent} onChange={(e) => setMaxConcurrent(e.target.value)} />
      </Field>
      <div className="field check">
        <input id="b-window" type="checkbox" checked={windowOn} onChange={(e) => setWindowOn(e.target.checked)} />
        <label htmlFor="b-window">Only call inside a daily window</label>
      </div>
      {windowOn && (
        <div className="row">
          <Field id="b-start" label="Window start">
            <input id="b-start" type="time" value={start} onChange={(e) => setStart(e.target.value)} />
          </Field>
          <Field id="b-end" label="Window end">
            <input id="b-end" type="time" value={end} onChange={(e) => setEnd(e.target.value)} />
          </Field>
          <Field id="b-zone" label="Time zone" error={errors.window}>
            <input id="b-zone" value={zone} onChange={(e) => setZone(e.target.value)} />
          </Field>
        </div>
      )}
      <FormErrors messages={general} />
      <button type="submit" disabled={pending}>
        Create batch
      </button>
    </form>
  );
}

export function BatchesPage() {
  const admin = useCan('batches:write');
  const qc = useQueryClient();
  const batches = useQuery({ queryKey: ['batches'], queryFn: () => api<Page<Batch>>('/api/v1/batches?limit=50') });
  const create = useMutation({
    mutationFn: (b: BatchBody) => api<Batch>('/api/v1/batches', { method: 'POST', body: b }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['batches'] }),
  });
  const cancel = useMutation({
    mutationFn: (id: string) => api(`/api/v1/batches/${id}`, { method: 'DELETE' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['batches'] }),
  });
  return (
    <section aria-labelledby="batches-title">
      <h1 id="batches-title">Batches</h1>
      {admin && <BatchForm onCreate={(b) => create.mutateAsync(b)} pending={create.isPending} />}
      <h2>All batches</h2>
      {cancel.isError && (
        <p className="field-error" role="alert">
          {cancel.error.message}
        </p>
      )}
      <QueryState query={batches} isEmpty={(p) => p.data.length === 0} empty="No batches yet.">
        {(page) => (
          <ul className="cards">
            {page.data.map((b) => (
              <li key={b.id} className="card" data-batch-id={b.id}>
                <div className="row">
                  <strong>{b.name ?? 'Unnamed batch'}</strong> <Badge value={b.status} />
                  <span className="muted">
                    {formatInstant(b.createdAt)} · max {b.maxConcurrent} at once{b.window ? ` · ${b.window.start}–${b.window.end} ${b.window.timeZone}` : ''}
                  </span>
                </div>
                <ProgressBar progress={b.progress} />
                <div className="row">
                  <Link to={`/calls?batchId=${b.id}`}>Calls</Link> · <Link to={`/analytics?batchId=${b.id}`}>Analytics</Link>
                  {admin && b.status === 'active' && (
                    <button type="button" className="danger" onClick={() => cancel.mutate(b.id)} disabled={cancel.isPending}>
                      Cancel batch
                    </button>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </section>
  );
}
