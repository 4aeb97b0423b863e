import { Link, useParams } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api';
import { ACTOR_TYPE_LABELS, type Call, type CallDelivery } from '../types';
import { Badge, QueryState } from '../components/ui';
import { ToolCallsCard } from '../components/ToolCallsCard';
import { LiveTranscriptCard } from '../components/LiveTranscriptCard';
import { formatCents, formatDuration, formatInstant, formatOffset, humanize } from '../format';
import { useCan } from '../session';

const FINAL = new Set(['completed', 'failed', 'cancelled']);

function Transcript({ call }: { call: Call }) {
  const turns = Array.isArray(call.transcriptObject) ? call.transcriptObject : [];
  if (!turns.length) return call.transcript ? <pre className="transcript-plain">{call.transcript}</pre> : <p className="state empty">No transcript (yet).</p>;
  return (
    <ol className="transcript" aria-label="Transcript">
      {turns.map((t, i) => (
        <li key={i} className={t.role === 'agent' ? 'agent' : 'user'}>
          <span className="who">{t.role === 'agent' ? 'Agent' : 'Caller'}</span>
          {t.words?.[0]?.start !== undefined && <time className="muted"> {formatOffset(t.words[0].start)}</time>}
          <p>{t.content}</p>
        </li>
      ))}
    </ol>
  );
}

function Deliveries({ callId }: { callId: string }) {
  const q = useQuery({ queryKey: ['deliveries', callId], queryFn: () => api<CallDelivery[]>(`/api/v1/calls/${encodeURIComponent(callId)}/deliveries`) });
  return (
    <QueryState query={q} isEmpty={(d) => d.length === 0} empty="No webhook deliveries recorded for this call yet.">
      {(rows) => <DeliveryTable rows={rows} />}
    </QueryState>
  );
}

/** The call's event timeline; a transfer's destination in its own column when the call had one. */
function DeliveryTable({ rows }: { rows: CallDelivery[] }) {
  const transfers = rows.some((d) => d.transferDestination !== undefined);
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Event</th>
            {transfers && <th scope="col">Transfer to</th>}
            <th scope="col">Received</th>
            <th scope="col">Processed</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.event}>
              <td>{d.event}</td>
              {transfers && <td>{d.transferDestination ?? '—'}</td>}
              <td>{formatInstant(d.receivedAt, undefined, true)}</td>
              <td>{formatInstant(d.processedAt, undefined, true)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function CallDetailPage() {
  const { callId = '' } = useParams();
  const admin = useCan('calls:write');
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['call', callId], queryFn: () => api<Call>(`/api/v1/calls/${encodeURIComponent(callId)}`) });
  const cancel = useMutation({
    mutationFn: (id: string) => api(`/api/v1/calls/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['call', callId] }),
  });
  return (
    <section aria-labelledby="call-title">
      <p>
        <Link to="/calls">← Calls</Link>
      </p>
      <QueryState query={q}>
        {(call) => (
          <>
            <h1 id="call-title">Call {call.callId ?? call.id}</h1>
            <div className="row">
              <Badge value={call.status} /> <span>{humanize(call.outcome)}</span>
              {admin && !FINAL.has(call.status) && (
                <button type="button" className="danger" onClick={() => cancel.mutate(call.id)} disabled={cancel.isPending}>
                  Cancel call
                </button>
              )}
              {cancel.isError && (
                <span className="field-error" role="alert">
                  {cancel.error.message}
                </span>
              )}
            </div>
            <dl className="facts">
              <dt>Started</dt>
              <dd>{formatInstant(call.startedAt)}</dd>
              <dt>Ended</dt>
              <dd>{formatInstant(call.endedAt)}</dd>
              <dt>Duration</dt>
              <dd>{formatDuration(call.durationMs)}</dd>
              <dt>Cost</dt>
              <dd>{formatCents(call.costCents)}</dd>
              <dt>Direction</dt>
              <dd>{call.direction ?? '—'}</dd>
              <dt>From → to</dt>
              <dd>
                {call.fromNumber ?? '—'} → {call.toNumber ?? '—'}
              </dd>
              <dt>Agent</dt>
              <dd>{call.agentId ?? '—'}</dd>
              <dt>Created by</dt>
              <dd data-testid="created-by">
                {call.createdBy ? `${call.createdBy.label} (${ACTOR_TYPE_LABELS[call.createdBy.type]})` : 'Retell (webhooks only)'}
              </dd>
              <dt>Disconnection</dt>
              <dd>{humanize(call.disconnectionReason)}</dd>
              <dt>Sentiment</dt>
              <dd>{call.sentiment ?? '—'}</dd>
              <dt>Successful</dt>
              <dd>{call.successful === null ? '—' : call.successful ? 'yes' : 'no'}</dd>
              {call.candidateId && (
                <>
                  <dt>Candidate</dt>
                  <dd>
                    <Link to={`/candidates/${call.candidateId}`}>open candidate</Link>
                  </dd>
                </>
              )}
            </dl>
            {call.recordingUrl && (
              <figure>
                <figcaption>Recording</figcaption>
                <audio controls preload="none" src={call.recordingUrl} />
              </figure>
            )}
            <h2>Summary</h2>
            <p>{call.summary ?? <span className="muted">No summary (yet).</span>}</p>
            {call.customAnalysis && Object.keys(call.customAnalysis).length > 0 && (
              <>
                <h2>Custom analysis</h2>
                <dl className="facts">
                  {Object.entries(call.customAnalysis).map(([k, v]) => (
                    <div key={k} className="pair">
                      <dt>{humanize(k)}</dt>
                      <dd>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
                    </div>
                  ))}
                </dl>
              </>
            )}
            <LiveTranscriptCard call={call} />
            <h2>Transcript</h2>
            <Transcript call={call} />
            <ToolCallsCard callId={call.id} />
            <h2>Deliveries</h2>
            <Deliveries callId={call.id} />
          </>
        )}
      </QueryState>
    </section>
  );
}
