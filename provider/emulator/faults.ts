/**
 * Injected faults: rules matched against each request in the order they were injected, each
 * taken a limited number of times.
 */
import type { Fault, FaultRule } from "./types";

/** Which requests a fault rule (or a request-log query) is about; both parts optional. */
export interface RequestFilter {
    method?: string;
    /** A string matches as a substring of the path. */
    path?: RegExp | string;
}

export function matchesRequest(filter: RequestFilter, method: string, path: string): boolean {
    if (filter.method && filter.method.toUpperCase() !== method.toUpperCase()) return false;
    if (filter.path === undefined) return true;
    if (typeof filter.path === "string") return path.includes(filter.path);
    filter.path.lastIndex = 0; // a /g or /y regex would otherwise match only every other time
    return filter.path.test(path);
}

export class FaultRules {
    private rules: FaultRule[] = [];

    add(rule: FaultRule): void {
        const times = rule.times ?? 1;
        if (!(times > 0)) throw new Error("fault times must be positive");
        this.rules.push({ ...rule, times });
    }

    clear(): void {
        this.rules = [];
    }

    /** The fault of the first rule matching the request, using up one of its times; undefined when none matches. */
    take(method: string, path: string): Fault | undefined {
        const index = this.rules.findIndex((rule) => matchesRequest(rule, method, path));
        if (index < 0) return undefined;
        const rule = this.rules[index];
        rule.times = (rule.times ?? 1) - 1;
        if (rule.times <= 0) this.rules.splice(index, 1);
        return rule.fault;
    }
}
