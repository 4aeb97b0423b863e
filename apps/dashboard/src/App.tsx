import { NavLink, Navigate, Route, Routes } from 'react-router-dom';
import { SessionGate, useCan, useSession, useSignOut } from './session';
import type { Permission } from './types';
import { WhoAmI } from './components/WhoAmI';
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
import { UsersPage } from './pages/UsersPage';
import { AcceptInvitePage } from './pages/AcceptInvitePage';
import { AuditPage } from './pages/AuditPage';
import { SettingsPage } from './pages/SettingsPage';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { DeliveriesPage } from './pages/DeliveriesPage';
import { OperationsPage } from './pages/OperationsPage';

/** Each page's link, shown when the session's role holds the permission its page reads with. */
const NAV: [string, string, Permission][] = [
  ['/calls', 'Calls', 'calls:read'],
  ['/send', 'Send a call', 'calls:read'],
  ['/batches', 'Batches', 'batches:read'],
  ['/candidates', 'Candidates', 'candidates:read'],
  ['/interviews', 'Interviews', 'interviews:read'],
  ['/analytics', 'Analytics', 'stats:read'],
  ['/agents', 'Agents', 'agents:read'],
  ['/users', 'Users', 'users:manage'],
  ['/audit', 'Audit log', 'audit:read'],
  ['/settings', 'Settings', 'tenant:read'],
  ['/api-keys', 'API keys', 'api-keys:manage'],
  ['/deliveries', 'Deliveries', 'deliveries:read'],
  ['/operations', 'Operations', 'operations:read'],
];

function Shell() {
  useLiveEvents();
  const session = useSession();
  const signOut = useSignOut();
  const canManageUsers = useCan('users:manage');
  return (
    <div className="shell">
      <header className="top">
        <span className="brand">Retell Ops</span>
        <nav aria-label="Main">
          {NAV.filter(([, , permission]) => session.permissions.includes(permission)).map(([to, label]) => (
            <NavLink key={to} to={to}>
              {label}
            </NavLink>
          ))}
        </nav>
        <WhoAmI />
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
          {canManageUsers && <Route path="/users" element={<UsersPage />} />}
          <Route path="/audit" element={<AuditPage />} />
          <Route path="/settings" element={<SettingsPage />} />
          <Route path="/api-keys" element={<ApiKeysPage />} />
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
    <Routes>
      <Route path="/invite/:token" element={<AcceptInvitePage />} />
      <Route
        path="*"
        element={
          <SessionGate signIn={<SignInPage />}>
            <Shell />
          </SessionGate>
        }
      />
    </Routes>
  );
}
