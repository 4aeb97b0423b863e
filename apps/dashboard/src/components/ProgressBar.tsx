import type { BatchProgress } from '../types';

const PARTS = ['completed', 'failed', 'cancelled', 'live', 'queued'] as const;

/** Stacked bar of a batch's requests; the text says the same for screen readers. */
export function ProgressBar({ progress }: { progress: BatchProgress }) {
  const total = Math.max(progress.total, 1);
  const final = progress.completed + progress.failed + progress.cancelled;
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={progress.total} aria-valuenow={final} aria-label="Batch progress">
      <div className="bar">
        {PARTS.map(
          (p) => progress[p] > 0 && <span key={p} className={`seg ${p}`} style={{ width: `${(progress[p] / total) * 100}%` }} title={`${p}: ${progress[p]}`} />,
        )}
      </div>
      <small>
        {final}/{progress.total} final · {progress.queued} queued · {progress.live} live · {progress.completed} completed · {progress.failed} failed
        {progress.cancelled ? ` · ${progress.cancelled} cancelled` : ''}
      </small>
    </div>
  );
}
