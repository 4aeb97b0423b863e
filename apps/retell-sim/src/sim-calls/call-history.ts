import { Inject, Injectable } from '@nestjs/common';
import { SIM_CONFIG, type SimConfig } from '../config/sim-config';
import type { PlayedCall } from '../play';

/** The calls played so far, in memory, oldest dropped past the limit. */
@Injectable()
export class CallHistory {
  private readonly calls = new Map<string, PlayedCall>();

  constructor(@Inject(SIM_CONFIG) private readonly config: SimConfig) {}

  add(call: PlayedCall): void {
    this.calls.delete(call.callId); // a replayed id moves to the newest position
    this.calls.set(call.callId, call);
    while (this.calls.size > this.config.historyLimit) this.calls.delete(this.calls.keys().next().value!);
  }

  get(callId: string): PlayedCall | undefined {
    return this.calls.get(callId);
  }

  /** newest first */
  list(): PlayedCall[] {
    return [...this.calls.values()].reverse();
  }
}
