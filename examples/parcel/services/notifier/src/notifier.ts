/** The polling loop: fetch events, log each new one once, write a heartbeat after each loop. */
import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Config } from './config';

export interface TrackingEvent {
  id: number;
  time: string;
  status: string;
  location: string;
}

export type Log = (line: Record<string, unknown>) => void;

export const jsonLog: Log = (line) => {
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), ...line }) + '\n');
};

export class Notifier {
  private readonly seen = new Set<number>();

  constructor(
    private readonly cfg: Config,
    private readonly log: Log = jsonLog,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  /** One poll: never throws; a down or broken tracking service is logged and retried next loop. */
  async pollOnce(): Promise<number> {
    const timeoutMs = Math.min(this.cfg.pollIntervalSeconds, 10) * 1000;
    try {
      const res = await this.fetchFn(this.cfg.trackingUrl, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) {
        this.log({ level: 'warn', msg: 'tracking answered an error', status: res.status });
        return 0;
      }
      const body = (await res.json()) as { parcel?: string; events?: TrackingEvent[] };
      let sent = 0;
      for (const event of body.events ?? []) {
        if (this.seen.has(event.id)) continue;
        this.seen.add(event.id);
        this.log({ level: 'info', msg: 'notification', parcel: body.parcel, event: event.status, location: event.location, at: event.time });
        sent++;
      }
      return sent;
    } catch (err) {
      const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      this.log({ level: 'warn', msg: 'tracking unreachable', reason });
      return 0;
    }
  }

  /** Polls until the signal aborts; the poll in progress is finished first. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.pollOnce();
      await writeFile(this.cfg.heartbeatFile, new Date().toISOString() + '\n');
      try {
        await sleep(this.cfg.pollIntervalSeconds * 1000, undefined, { signal });
      } catch {
        // aborted while sleeping: leave the loop
      }
    }
  }
}
