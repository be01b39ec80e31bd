import { monotonicMs, RateLimit, RequestPacer, pacerFor } from "../../provider/client/pacer";

/** WINDOW_MARGIN_MS in the pacer: headroom for the time a request takes to arrive. */
const MARGIN_MS = 250;
const BURST = 10;
const START = 1_000_000;

/** The fake clock, read explicitly so the pacer never sees the real one. */
const clock = () => Date.now();

beforeEach(() => {
    jest.useFakeTimers({ now: START });
});

afterEach(() => {
    jest.clearAllTimers();
    jest.useRealTimers();
});

interface Tracked {
    /** When each caller (by the order it asked) was let through, relative to START; undefined while waiting. */
    times: Array<number | undefined>;
    /** Callers' indexes in the order they were let through. */
    order: number[];
    done: Promise<void>;
}

/** Asks the pacer `count` times at the current instant and records when each caller gets through. */
function acquireMany(pacer: RequestPacer, count: number): Tracked {
    const times: Array<number | undefined> = new Array(count).fill(undefined);
    const order: number[] = [];
    const all = Array.from({ length: count }, (_, i) =>
        pacer.acquire().then(() => {
            times[i] = Date.now() - START;
            order.push(i);
        }),
    );
    return { times, order, done: Promise.all(all).then(() => undefined) };
}

function passed(tracked: Tracked): number {
    return tracked.times.filter((t) => t !== undefined).length;
}

describe("RequestPacer", () => {
    describe("a burst", () => {
        const limit: RateLimit = { requests: 100, windowMs: 10_000 }; // spacing 100 ms

        it("lets up to 10 requests through at once", async () => {
            const tracked = acquireMany(new RequestPacer(limit, clock), BURST);
            await jest.advanceTimersByTimeAsync(0);
            expect(tracked.times).toEqual(new Array(BURST).fill(0));
        });

        it("holds the 11th request back", async () => {
            const tracked = acquireMany(new RequestPacer(limit, clock), BURST + 1);
            await jest.advanceTimersByTimeAsync(0);
            expect(passed(tracked)).toBe(BURST);
            expect(tracked.times[BURST]).toBeUndefined();
        });

        it("lets fewer than 10 requests through at once too", async () => {
            const tracked = acquireMany(new RequestPacer(limit, clock), 3);
            await jest.advanceTimersByTimeAsync(0);
            expect(tracked.times).toEqual([0, 0, 0]);
        });
    });

    describe("the steady pace", () => {
        it("spaces requests after the burst windowMs/requests apart", async () => {
            const pacer = new RequestPacer({ requests: 100, windowMs: 10_000 }, clock);
            const tracked = acquireMany(pacer, BURST + 5);
            await jest.advanceTimersByTimeAsync(1_000);
            await tracked.done;
            expect(tracked.times.slice(BURST)).toEqual([100, 200, 300, 400, 500]);
        });

        it("lets a request through at once after a quiet spell", async () => {
            const pacer = new RequestPacer({ requests: 100, windowMs: 10_000 }, clock);
            await acquireMany(pacer, 1).done;
            await jest.advanceTimersByTimeAsync(5_000);
            const later = acquireMany(pacer, 1);
            await jest.advanceTimersByTimeAsync(0);
            expect(later.times).toEqual([5_000]);
        });

        it("refills the burst after a quiet spell", async () => {
            const pacer = new RequestPacer({ requests: 100, windowMs: 10_000 }, clock);
            const first = acquireMany(pacer, BURST);
            await jest.advanceTimersByTimeAsync(0);
            await first.done;
            await jest.advanceTimersByTimeAsync(2_000);
            const second = acquireMany(pacer, BURST);
            await jest.advanceTimersByTimeAsync(0);
            expect(passed(second)).toBe(BURST);
        });
    });

    describe("the window", () => {
        test.each([
            [{ requests: 20, windowMs: 1_000 }, 70],
            [{ requests: 5, windowMs: 1_000 }, 23],
            [{ requests: 12, windowMs: 600 }, 50],
            [{ requests: 150, windowMs: 10_000 }, 320],
        ])("never lets more than requests through in any window plus margin (%p)", async (limit, count) => {
            const pacer = new RequestPacer(limit, clock);
            const tracked = acquireMany(pacer, count);
            await jest.advanceTimersByTimeAsync(60_000);
            await tracked.done;
            const times = tracked.times as number[];
            for (let i = 0; i + limit.requests < times.length; i++) {
                expect(times[i + limit.requests] - times[i]).toBeGreaterThanOrEqual(limit.windowMs + MARGIN_MS);
            }
        });

        it("holds the request over the limit until the first one leaves the window plus margin", async () => {
            const pacer = new RequestPacer({ requests: 5, windowMs: 1_000 }, clock);
            const tracked = acquireMany(pacer, 6);
            await jest.advanceTimersByTimeAsync(1_000 + MARGIN_MS - 1);
            expect(passed(tracked)).toBe(5);
            await jest.advanceTimersByTimeAsync(1);
            expect(tracked.times[5]).toBe(1_000 + MARGIN_MS);
        });

        it("does not wait longer than needed", async () => {
            const pacer = new RequestPacer({ requests: 20, windowMs: 1_000 }, clock);
            const tracked = acquireMany(pacer, 40);
            await jest.advanceTimersByTimeAsync(60_000);
            await tracked.done;
            // 10 at once, then 10 spaced 50 ms, then the window (1250 ms) frees the first 10 together.
            expect(tracked.times[19]).toBe(500);
            expect(tracked.times[20]).toBe(1_250);
            expect(tracked.times[39]).toBeLessThanOrEqual(2 * (1_000 + MARGIN_MS));
        });
    });

    describe("pauseUntil", () => {
        it("makes every waiting caller wait until the given time", async () => {
            const pacer = new RequestPacer({ requests: 100, windowMs: 10_000 }, clock);
            pacer.pauseUntil(START + 3_000);
            const tracked = acquireMany(pacer, 3);
            await jest.advanceTimersByTimeAsync(2_999);
            expect(passed(tracked)).toBe(0);
            await jest.advanceTimersByTimeAsync(1);
            expect(tracked.times).toEqual([3_000, 3_000, 3_000]);
        });

        it("holds callers already queued when the pause arrives", async () => {
            const pacer = new RequestPacer({ requests: 100, windowMs: 10_000 }, clock);
            const tracked = acquireMany(pacer, BURST + 3);
            await jest.advanceTimersByTimeAsync(0);
            expect(passed(tracked)).toBe(BURST);
            pacer.pauseUntil(START + 2_000);
            await jest.advanceTimersByTimeAsync(1_999);
            expect(passed(tracked)).toBe(BURST);
            await jest.advanceTimersByTimeAsync(1_000);
            await tracked.done;
            expect(Math.min(...(tracked.times.slice(BURST) as number[]))).toBeGreaterThanOrEqual(2_000);
        });

        it("is not shortened by a later, earlier pause", async () => {
            const pacer = new RequestPacer({ requests: 100, windowMs: 10_000 }, clock);
            pacer.pauseUntil(START + 3_000);
            pacer.pauseUntil(START + 1_000);
            const tracked = acquireMany(pacer, 1);
            await jest.advanceTimersByTimeAsync(2_999);
            expect(passed(tracked)).toBe(0);
            await jest.advanceTimersByTimeAsync(1);
            expect(tracked.times).toEqual([3_000]);
        });

        it("has no effect once the time has passed", async () => {
            const pacer = new RequestPacer({ requests: 100, windowMs: 10_000 }, clock);
            pacer.pauseUntil(START - 1);
            const tracked = acquireMany(pacer, 1);
            await jest.advanceTimersByTimeAsync(0);
            expect(tracked.times).toEqual([0]);
        });
    });

    describe("order", () => {
        it("serves callers in the order they asked", async () => {
            const pacer = new RequestPacer({ requests: 20, windowMs: 1_000 }, clock);
            const tracked = acquireMany(pacer, 30);
            await jest.advanceTimersByTimeAsync(10_000);
            await tracked.done;
            expect(tracked.order).toEqual(Array.from({ length: 30 }, (_, i) => i));
        });

        it("lets no later caller overtake one already waiting", async () => {
            const pacer = new RequestPacer({ requests: 100, windowMs: 10_000 }, clock);
            const early = acquireMany(pacer, BURST + 2);
            await jest.advanceTimersByTimeAsync(50);
            const late = acquireMany(pacer, 1);
            await jest.advanceTimersByTimeAsync(1_000);
            await Promise.all([early.done, late.done]);
            expect(late.times[0]!).toBeGreaterThan(early.times[BURST + 1]!);
        });
    });

    describe("pauseFor", () => {
        it("pauses for the given time on the pacer's own clock", async () => {
            let manual = 5;
            const pacer = new RequestPacer({ requests: 100, windowMs: 10_000 }, () => manual);
            pacer.pauseFor(3_000);
            const tracked = acquireMany(pacer, 1);
            await jest.advanceTimersByTimeAsync(2_999);
            manual += 2_999;
            await jest.advanceTimersByTimeAsync(1);
            expect(passed(tracked)).toBe(0);
            manual += 1;
            await jest.advanceTimersByTimeAsync(1);
            expect(passed(tracked)).toBe(1);
        });

        it("is not shortened by a later, shorter pause", async () => {
            const pacer = new RequestPacer({ requests: 100, windowMs: 10_000 }, clock);
            pacer.pauseFor(3_000);
            pacer.pauseFor(1_000);
            const tracked = acquireMany(pacer, 1);
            await jest.advanceTimersByTimeAsync(2_999);
            expect(passed(tracked)).toBe(0);
            await jest.advanceTimersByTimeAsync(1);
            expect(tracked.times).toEqual([3_000]);
        });
    });

    describe("the clock", () => {
        it("reads time from the injected clock, not Date.now", async () => {
            let manual = START;
            const pacer = new RequestPacer({ requests: 1, windowMs: 1_000 }, () => manual);
            await pacer.acquire();
            const tracked = acquireMany(pacer, 1);
            // Timers fire, but the injected clock has not moved: the slot stays taken.
            await jest.advanceTimersByTimeAsync(5_000);
            expect(passed(tracked)).toBe(0);
            manual = START + 1_000 + MARGIN_MS;
            await jest.advanceTimersByTimeAsync(1_000 + MARGIN_MS);
            expect(passed(tracked)).toBe(1);
        });
    });
});

describe("the default clock", () => {
    beforeEach(() => {
        jest.useFakeTimers({ now: START });
    });

    afterEach(() => {
        jest.clearAllTimers();
        jest.useRealTimers();
    });

    it("is monotonic: the wall clock set forward does not free a slot early", async () => {
        const pacer = new RequestPacer({ requests: 1, windowMs: 1_000 });
        await pacer.acquire();
        const tracked = acquireMany(pacer, 1);
        jest.setSystemTime(START + 3_600_000);
        await jest.advanceTimersByTimeAsync(1_000);
        expect(passed(tracked)).toBe(0);
        await jest.advanceTimersByTimeAsync(MARGIN_MS);
        expect(passed(tracked)).toBe(1);
    });

    it("is monotonic: the wall clock set back does not hold callers until it catches up", async () => {
        const pacer = new RequestPacer({ requests: 1, windowMs: 1_000 });
        await pacer.acquire();
        const tracked = acquireMany(pacer, 1);
        jest.setSystemTime(START - 3_600_000);
        await jest.advanceTimersByTimeAsync(1_000 + MARGIN_MS);
        expect(passed(tracked)).toBe(1);
    });

    it("measures a pause, not a wall-clock instant", async () => {
        const pacer = new RequestPacer({ requests: 100, windowMs: 10_000 });
        pacer.pauseFor(2_000);
        const tracked = acquireMany(pacer, 1);
        jest.setSystemTime(START + 3_600_000);
        await jest.advanceTimersByTimeAsync(1_999);
        expect(passed(tracked)).toBe(0);
        await jest.advanceTimersByTimeAsync(1);
        expect(passed(tracked)).toBe(1);
    });
});

describe("monotonicMs", () => {
    it("never goes back", () => {
        let last = monotonicMs();
        for (let i = 0; i < 1_000; i++) {
            const next = monotonicMs();
            expect(next).toBeGreaterThanOrEqual(last);
            last = next;
        }
    });
});

describe("pacerFor", () => {
    it("gives one pacer per credential and limit", () => {
        const limit = { requests: 150, windowMs: 10_000 };
        expect(pacerFor("digest-a", limit)).toBe(pacerFor("digest-a", limit));
    });

    it("gives different credentials different pacers", () => {
        const limit = { requests: 150, windowMs: 10_000 };
        expect(pacerFor("digest-b", limit)).not.toBe(pacerFor("digest-c", limit));
    });

    it("gives different limits different pacers", () => {
        expect(pacerFor("digest-d", { requests: 150, windowMs: 10_000 })).not.toBe(
            pacerFor("digest-d", { requests: 10, windowMs: 10_000 }),
        );
    });
});
