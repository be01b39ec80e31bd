/**
 * A resource's `ignoreChanges`, as Diff receives it: Pulumi property paths ("name",
 * `["name"]`, "resources[0].accessLevel"). The engine applies them to the new inputs against the
 * old inputs before Check, but the lifecycle compares the new inputs with the old outputs, which
 * a refresh may have moved (a token renamed in Mailtrap): so each ignored property of the new
 * inputs takes the old outputs' value here too, before the lifecycle's diff runs.
 */
import { Props } from "./wire";

type Segment = string | number;

/**
 * The path's segments: keys and list indices. Undefined for a path this provider does not follow
 * (a wildcard, `[*]`, or a malformed path): the engine's own handling of the inputs still applies.
 */
export function parsePropertyPath(path: string): Segment[] | undefined {
    const segments: Segment[] = [];
    let rest = path;
    while (rest.length > 0) {
        const quoted = /^\["((?:[^"\\]|\\.)*)"\]/.exec(rest);
        const index = /^\[(\d+)\]/.exec(rest);
        const key = (segments.length === 0 ? /^([^.[\]]+)/ : /^\.([^.[\]]+)/).exec(rest);
        if (quoted) segments.push(quoted[1].replace(/\\(.)/g, "$1"));
        else if (index) segments.push(Number(index[1]));
        else if (key && key[1] !== "*") segments.push(key[1]);
        else return undefined;
        rest = rest.slice((quoted ?? index ?? key)![0].length);
    }
    return segments.length > 0 ? segments : undefined;
}

/** `news` with the value at each followed path taken from `olds` (or removed where `olds` has none). */
export function withIgnoredChanges(news: Props, olds: Props, paths: readonly string[]): Props {
    let result: unknown = news;
    for (const path of paths) {
        const segments = parsePropertyPath(path);
        if (segments) result = takeOld(result, olds, segments);
    }
    return result as Props;
}

function takeOld(news: unknown, olds: unknown, [head, ...rest]: Segment[]): unknown {
    const container = typeof head === "number" ? Array.isArray(news) : isObject(news);
    // Nothing to replace under a value that is not a container of the right kind.
    if (!container) return news;
    const old = childOf(olds, head);
    const copy = (Array.isArray(news) ? [...news] : { ...(news as Props) }) as Record<Segment, unknown>;
    if (rest.length > 0) copy[head] = takeOld(copy[head], old, rest);
    else if (old !== undefined) copy[head] = old;
    // A list element cannot be removed without moving the ones after it: it stays.
    else if (!Array.isArray(copy)) delete copy[head];
    return copy;
}

function childOf(value: unknown, segment: Segment): unknown {
    if (typeof segment === "number") return Array.isArray(value) ? value[segment] : undefined;
    return isObject(value) ? value[segment] : undefined;
}

function isObject(value: unknown): value is Props {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}
