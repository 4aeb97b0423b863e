export interface KeyValue {
  key: string;
  value: string;
}

/** Rows of key/value inputs (dynamic variables); blank rows are ignored by `toRecord`. */
export function KeyValueRows({ rows, onChange, idPrefix }: { rows: KeyValue[]; onChange: (rows: KeyValue[]) => void; idPrefix: string }) {
  const update = (i: number, patch: Partial<KeyValue>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="kv">
      <legend>Dynamic variables</legend>
      {rows.map((r, i) => (
        <div className="kv-row" key={i}>
          <label htmlFor={`${idPrefix}-k${i}`}>Name {i + 1}</label>
          <input id={`${idPrefix}-k${i}`} value={r.key} onChange={(e) => update(i, { key: e.target.value })} />
          <label htmlFor={`${idPrefix}-v${i}`}>Value {i + 1}</label>
          <input id={`${idPrefix}-v${i}`} value={r.value} onChange={(e) => update(i, { value: e.target.value })} />
          <button type="button" className="secondary" aria-label={`Remove variable ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" className="secondary" onClick={() => onChange([...rows, { key: '', value: '' }])}>
        Add variable
      </button>
    </fieldset>
  );
}

export function toRecord(rows: KeyValue[]): Record<string, string> | undefined {
  const entries = rows.filter((r) => r.key.trim()).map((r) => [r.key.trim(), r.value] as const);
  return entries.length ? Object.fromEntries(entries) : undefined;
}
