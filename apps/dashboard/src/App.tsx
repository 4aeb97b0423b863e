import { NavLink, Navigate, Route, Routes } from 'react-router-dom';
import { SessionGate, useSession, useSignOut } from './session';
import { useLiveEvents } from './live-events';
import { SignInPage } from './pages/SignInPage';
import { CallsPage } from './pages/CallsPage';
import { CallDetailPage } from './pages/CallDetailPage';
import { SendCallPage } from './pages/SendCallPage';
import { BatchesPage } from './pages/BatchesPage';
import { CandidatesPage } from './pages/CandidatesPage';
import { CandidatePage } from './pages/CandidatePage';
import { InterviewsPage } from './pages/InterviewsPage';
import { AnalyticsPage } from './pages/AnalyticsPage';
import { AgentsPage } from './pages/AgentsPage';
import { DeliveriesPage } from './pages/DeliveriesPage';
import { OperationsPage } from './pages/OperationsPage';

const NAV: [string, string][] = [
  ['/calls', 'Calls'],
  ['/send', 'Send a call'],
  ['/batches', 'Batches'],
  ['/candidates', 'Candidates'],
  ['/interviews', 'Interviews'],
  ['/analytics', 'Analytics'],
  ['/agents', 'Agents'],
  ['/deliveries', 'Deliveries'],
  ['/operations', 'Operations'],
];

function Shell() {
  useLiveEvents();
  const session = useSession();
  const signOut = useSignOut();
  return (
    <div className="shell">
      <header className="top">
        <span className="brand">Retell Ops</span>
        <nav aria-label="Main">
          {NAV.map(([to, label]) => (
            <NavLink key={to} to={to}>
              {label}
            </NavLink>
          ))}
        </nav>
        <span className="who">
          {session.tenant.name} · {session.role}
        </span>
        <button type="button" className="secondary" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
          Sign out
        </button>
      </header>
      <main>
        <Routes>
          <Route path="/" element={<Navigate to="/calls" replace />} />
          <Route path="/calls" element={<CallsPage />} />
          <Route path="/calls/:callId" element={<CallDetailPage />} />
          <Route path="/send" element={<SendCallPage />} />
          <Route path="/batches" element={<BatchesPage />} />
          <Route path="/candidates" element={<CandidatesPage />} />
          <Route path="/candidates/:id" element={<CandidatePage />} />
          <Route path="/interviews" element={<InterviewsPage />} />
          <Route path="/analytics" element={<AnalyticsPage />} />
          <Route path="/agents" element={<AgentsPage />} />
          <Route path="/deliveries" element={<DeliveriesPage />} />
          <Route path="/operations" element={<OperationsPage />} />
          <Route
            path="*"
            element={
              <p className="state">
                No page here. <NavLink to="/calls">Go to calls</NavLink>
              </p>
            }
          />
        </Routes>
      </main>
    </div>
  );
}

export function App() {
  return (
    <SessionGate signIn={<SignInPage />}>
      <Shell />
    </SessionGate>
  );
}
