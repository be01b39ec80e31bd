import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
// In your own project: import { ApiToken } from "pulumi-mailtrap-tokens";
import { ApiToken } from "../../provider";

const config = new pulumi.Config();
// The Mailtrap project the token may read. Required: no made-up default id.
const projectId = config.requireNumber("projectId");

/**
 * The token. It rotates (one reset of the token, in an update) when either
 * - the schedule is due: its current value is older than `rotateAfterDays` at a `pulumi up`
 *   (`pulumi preview` prints why, e.g. `... will rotate: its value is 91.2 days old and rotateAfterDays is 90`), or
 * - the trigger changes: `pulumi config set rotation 2026-12 && pulumi up` rotates it now.
 * After a rotation, `previousTokenId` keeps working until `previousTokenExpiresAt` (the grace
 * period), so anything still holding the old value has time to pick up the new one.
 */
const token = new ApiToken(
    "sending-token",
    {
        name: config.get("tokenName") ?? "ci-sending",
        resources: [{ resourceType: "project", resourceId: projectId, accessLevel: "viewer" }],
        rotateAfterDays: config.getNumber("rotateAfterDays") ?? 90,
        rotate: config.get("rotation") ?? "1",
    },
    {
        // For a production token, guard it against an accidental `pulumi destroy` or a refactor
        // that drops it from the program:
        //   protect: true,        // Pulumi refuses to delete it until you unprotect it. Note that this
        //                         // also blocks replacements (a change of name, permissions or account).
        //   retainOnDelete: true, // when it leaves the program or the stack is destroyed, Pulumi forgets
        //                         // it but leaves the token working in Mailtrap.
    },
);

/** Where the consumer keeps the value, and the value itself (the provider receives plain strings). */
interface StoredSecretState {
    path: string;
    value: string;
}

/** Writes `value` to `file` readable by its owner only (0600), atomically: readers see the old or the new value. */
function writeSecretFile(file: string, value: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, value ?? "", { mode: 0o600 });
    fs.chmodSync(temporary, 0o600);
    fs.renameSync(temporary, file);
}

/**
 * The consumer's provider. It is serialized into the stack like ApiToken's, so it is
 * self-contained: no module-level state, and nothing from the program's config captured.
 */
const storedSecretProvider: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: StoredSecretState, news: StoredSecretState): Promise<pulumi.dynamic.DiffResult> {
        const moved = olds.path !== news.path;
        return { changes: moved || olds.value !== news.value, replaces: moved ? ["path"] : [], deleteBeforeReplace: false };
    },
    async create(inputs: StoredSecretState): Promise<pulumi.dynamic.CreateResult> {
        writeSecretFile(inputs.path, inputs.value);
        return { id: inputs.path, outs: { path: inputs.path, value: inputs.value } };
    },
    async update(_id: string, _olds: StoredSecretState, news: StoredSecretState): Promise<pulumi.dynamic.UpdateResult> {
        writeSecretFile(news.path, news.value);
        return { outs: { path: news.path, value: news.value } };
    },
    async delete(_id: string, props: StoredSecretState): Promise<void> {
        fs.rmSync(props.path, { force: true });
    },
};

interface StoredSecretArgs {
    /** Absolute path of the file that holds the secret. */
    path: pulumi.Input<string>;
    /** The secret value. */
    value: pulumi.Input<string>;
}

/**
 * A secret stored elsewhere; here a file with mode 0600, standing in for a CI variable, a vault
 * entry or a Kubernetes secret. It consumes `token.token`, so a rotation updates it in the same
 * `pulumi up`, right after the token.
 */
class StoredSecret extends pulumi.dynamic.Resource {
    public readonly path!: pulumi.Output<string>;
    public readonly value!: pulumi.Output<string>;

    constructor(name: string, args: StoredSecretArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            storedSecretProvider,
            name,
            { path: args.path, value: pulumi.secret(args.value) },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["value"] }),
            "example",
            "StoredSecret",
        );
    }
}

// Resolved here, in the program, so the provider receives an absolute path.
const secretPath = path.resolve(config.get("secretPath") ?? path.join(".secrets", "mailtrap-api-token"));

const stored = new StoredSecret("sending-token-file", { path: secretPath, value: token.token });

export const tokenId = token.tokenId;
export const issuedAt = token.issuedAt;
export const previousTokenId = token.previousTokenId;
export const previousTokenExpiresAt = token.previousTokenExpiresAt;
export const storedAt = stored.path;
