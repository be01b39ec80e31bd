import type * as pulumi from "@pulumi/pulumi";
import * as entry from "./entry";

type Method<K extends keyof pulumi.dynamic.ResourceProvider> = NonNullable<pulumi.dynamic.ResourceProvider[K]>;

/**
 * The object serialized into every resource's state as its `__provider`. Each method forwards its
 * arguments to the installed package's state entry by name and holds nothing else (no
 * configuration, no code of its own), so the stored copy stays small and never goes stale.
 */
export const storedProvider: pulumi.dynamic.ResourceProvider = {
    configure: ((...args) => entry.dispatch("configure", args)) as Method<"configure">,
    check: ((...args) => entry.dispatch("check", args)) as Method<"check">,
    diff: ((...args) => entry.dispatch("diff", args)) as Method<"diff">,
    create: ((...args) => entry.dispatch("create", args)) as Method<"create">,
    read: ((...args) => entry.dispatch("read", args)) as Method<"read">,
    update: ((...args) => entry.dispatch("update", args)) as Method<"update">,
    delete: ((...args) => entry.dispatch("delete", args)) as Method<"delete">,
};
