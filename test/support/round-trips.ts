import net from 'node:net';

const WAITING = Symbol('waiting for an answer');
const HOOKED = Symbol('answers watched');
type Tracked = net.Socket & { [WAITING]?: boolean; [HOOKED]?: boolean };

/**
 * Counts request/response round trips on this process's sockets to some ports (PostgreSQL 5432,
 * Redis 6379): a write on a socket that is not already waiting for an answer starts a round
 * trip; data arriving ends the wait. Writes pipelined before the answer count once.
 */
export class RoundTripCounter {
  private readonly counts = new Map<number, number>();
  private readonly originalWrite = net.Socket.prototype.write;
  private counting = false;

  install(ports: number[]): void {
    for (const p of ports) this.counts.set(p, 0);
    const original = this.originalWrite;
    const seen = (socket: Tracked) => this.seen(socket);
    net.Socket.prototype.write = function (this: Tracked, ...args: unknown[]) {
      seen(this);
      return (original as (...a: unknown[]) => boolean).apply(this, args);
    } as typeof net.Socket.prototype.write;
  }

  /** Counts what `fn` sends on the watched ports. */
  async measure<T>(fn: () => Promise<T>): Promise<{ result: T; trips: Record<number, number> }> {
    for (const k of this.counts.keys()) this.counts.set(k, 0);
    this.counting = true;
    try {
      const result = await fn();
      return { result, trips: Object.fromEntries(this.counts) };
    } finally {
      this.counting = false;
    }
  }

  uninstall(): void {
    net.Socket.prototype.write = this.originalWrite;
  }

  private seen(socket: Tracked): void {
    const port = socket.remotePort;
    if (!this.counting || port === undefined || !this.counts.has(port)) return;
    if (!socket[HOOKED]) {
      socket[HOOKED] = true;
      socket.on('data', () => (socket[WAITING] = false));
    }
    if (socket[WAITING]) return;
    socket[WAITING] = true;
    this.counts.set(port, this.counts.get(port)! + 1);
  }
}
