/**
 * The API's rate limit: a sliding window of recent requests per credential.
 */
import type { RateLimit } from "./types";

export class RateLimiter {
    private readonly windows = new Map<string, number[]>();

    /** null disables the limit. */
    constructor(
        private limit: RateLimit | null,
        private readonly now: () => number,
    ) {}

    /** A new limit (or none) with every window emptied. */
    set(limit: RateLimit | null): void {
        this.limit = limit;
        this.windows.clear();
    }

    /** Counts a request now: undefined when it may proceed, else the Retry-After seconds. */
    take(credential: string): number | undefined {
        if (!this.limit) return undefined;
        const { requests, windowMs } = this.limit;
        const now = this.now();
        const recent = (this.windows.get(credential) ?? []).filter((at) => at > now - windowMs);
        this.windows.set(credential, recent);
        if (recent.length >= requests) {
            const freesAt = recent[recent.length - requests] + windowMs;
            return Math.max(1, Math.ceil((freesAt - now) / 1000));
        }
        recent.push(now);
        return undefined;
    }
}
