import { useMe, useSession } from '../session';

/** The header's "who is signed in": the person (name, email) or the API key, the tenant and the role. */
export function WhoAmI() {
  const session = useSession();
  const me = useMe();
  const who = session.user
    ? `${session.user.name} (${session.user.email})`
    : me.data?.apiKey
      ? `API key ${me.data.apiKey.name}${me.data.apiKey.prefix ? ` (${me.data.apiKey.prefix}…)` : ''}`
      : 'API key';
  return (
    <span className="who" aria-label="Signed in as" title={`${who} · ${session.tenant.name} · ${session.role}`}>
      <span>{who}</span> · <span>{session.tenant.name}</span> · <span className="role">{session.role}</span>
    </span>
  );
}
