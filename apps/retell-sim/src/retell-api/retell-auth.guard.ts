import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { SIM_CONFIG, type SimConfig } from '../config/sim-config';
import { unauthorized } from './retell-errors';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** `Authorization: Bearer <key>` must be the configured RETELL_API_KEY or one of its other keys (docs/retell.md#rest-api), else 401. */
@Injectable()
export class RetellAuthGuard implements CanActivate {
  private readonly expected: Buffer[];

  constructor(@Inject(SIM_CONFIG) config: SimConfig) {
    this.expected = [config.apiKey, ...(config.otherApiKeys ?? []), ...(config.workspaceKeys ?? [])].map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers.authorization;
    const match = typeof header === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
    const sent = match ? digest(match[1]) : undefined;
    if (!sent || !this.expected.some((key) => timingSafeEqual(sent, key))) throw unauthorized();
    return true;
  }
}
