import { processState } from "../processState";

/**
 * Spreads requests that share one credential so they stay under the API's rate limit (150
 * requests per 10 s per token). All resources of one `pulumi up` run in one provider process, so
 * one pacer per credential in that process sees every request.
 */
export interface RateLimit {
    requests: number;
    windowMs: number;
}

/** Headroom for the time a request takes to reach the server, whose window counts arrivals. */
const WINDOW_MARGIN_MS = 250;
/** Requests that may go at once before the steady pace applies. */
const BURST = 10;

/**
 * Milliseconds on a clock that only moves forward at a steady rate: waits measured on it are not
 * stretched or cut short when the system clock is set (NTP steps, a laptop waking, a VM resumed).
 * Its zero is arbitrary: compare its readings with each other only, never with Date.now().
 */
export function monotonicMs(): number {
    return performance.now();
}

export class RequestPacer {
    private readonly sent: number[] = [];
    private pausedUntil = 0;
    private nextEvenSlot = 0;
    private queue: Promise<void> = Promise.resolve();

    /** `now` is injectable for tests; its readings are only compared with each other. */
    constructor(
        private readonly limit: RateLimit,
        private readonly now: () => number = monotonicMs,
    ) {}

    /** Resolves when a request may be sent; callers are served in the order they asked. */
    acquire(): Promise<void> {
        const turn = this.queue.then(() => this.waitForSlot());
        this.queue = turn.catch(() => undefined);
        return turn;
    }

    /** After a 429, every request on this credential waits together, `ms` from now. */
    pauseFor(ms: number): void {
        this.pauseUntil(this.now() + ms);
    }

    /** Like pauseFor, to an instant on this pacer's own clock. */
    pauseUntil(timeMs: number): void {
        this.pausedUntil = Math.max(this.pausedUntil, timeMs);
    }

    private async waitForSlot(): Promise<void> {
        const windowMs = this.limit.windowMs + WINDOW_MARGIN_MS;
        const spacingMs = this.limit.windowMs / this.limit.requests;
        for (;;) {
            const now = this.now();
            while (this.sent.length > 0 && this.sent[0] <= now - windowMs) {
                this.sent.shift();
            }
            const windowFreeAt = this.sent.length >= this.limit.requests ? this.sent[0] + windowMs : 0;
            const evenFreeAt = this.nextEvenSlot - spacingMs * (BURST - 1);
            const readyAt = Math.max(this.pausedUntil, windowFreeAt, evenFreeAt);
            if (readyAt <= now) {
                this.sent.push(now);
                this.nextEvenSlot = Math.max(this.nextEvenSlot, now) + spacingMs;
                return;
            }
            await new Promise((resolve) => setTimeout(resolve, readyAt - now));
        }
    }
}

/** The process-wide pacer for one credential (keyed by a digest, never by the credential). */
export function pacerFor(credentialDigest: string, limit: RateLimit): RequestPacer {
    const { pacers } = processState();
    const key = `${credentialDigest}:${limit.requests}/${limit.windowMs}`;
    let pacer = pacers.get(key);
    if (!pacer) {
        pacer = new RequestPacer(limit);
        pacers.set(key, pacer);
    }
    return pacer;
}
