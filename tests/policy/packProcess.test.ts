import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { repoRoot, runProgram } from "../harness/captureProgram";
import { EngineSide, overGrpc, ProgramResource, programResources } from "./engineSide";

/**
 * The example policy pack in a process of its own, started the way the Pulumi CLI starts a
 * Node.js policy pack (its `pulumi-analyzer-policy` shim runs @pulumi/pulumi's
 * `cmd/run-policy-pack` with the engine's address and `.`, in the pack's directory, with the
 * stack in PULUMI_STACK): the launcher compiles index.ts with ts-node (type-checked), the pack
 * prints its port, and the engine's side talks gRPC to it.
 *
 * `pulumi preview --policy-pack` itself cannot run here: there is no Pulumi CLI on this machine,
 * and the Node.js language host that builds here (sdk v3.68.0) lacks the RunPlugin call today's
 * CLI uses to start a policy pack.
 */
jest.setTimeout(120000);

const PACK_DIR = path.join(repoRoot(), "examples", "policy-pack");
const LAUNCHER = path.join(repoRoot(), "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
const STACK = "prod-eu";

let pack: ChildProcess;
let port: number;
let stderr = "";
let client: AnalyzerClient;
let violating: ProgramResource[];

function startPack(): Promise<number> {
    pack = spawn(process.execPath, [LAUNCHER, "127.0.0.1:0", "."], {
        cwd: PACK_DIR,
        env: { ...process.env, PULUMI_STACK: STACK, PULUMI_NODEJS_STACK: STACK, PULUMI_PROJECT: "mailtrap-test", PULUMI_DRY_RUN: "true" },
        stdio: ["ignore", "pipe", "pipe"],
    });
    pack.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    return new Promise((resolve, reject) => {
        let stdout = "";
        const timer = setTimeout(
            () => reject(new Error(`the policy pack printed no port within 90 s\nstdout: ${stdout}\nstderr: ${stderr}`)),
            90000,
        );
        pack.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
            stdout += chunk;
            const line = /^(\d+)\n/.exec(stdout);
            if (line) {
                clearTimeout(timer);
                resolve(Number(line[1]));
            }
        });
        pack.once("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`the policy pack exited with code ${code}\nstdout: ${stdout}\nstderr: ${stderr}`));
        });
    });
}

beforeAll(async () => {
    const [run, started] = await Promise.all([
        runProgram(path.join(repoRoot(), "bin", "tests", "programs", "policy", "violating.js"), {
            config: { "mailtrap:accountId": "3229" },
        }),
        startPack(),
    ]);
    violating = programResources(run);
    port = started;
    client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

afterAll(() => {
    client?.close();
    pack?.kill();
});

describe("the example policy pack started as the Pulumi CLI starts it", () => {
    it("compiles under Pulumi's policy-pack launcher and prints the port of its gRPC server", () => {
        expect(port).toBeGreaterThan(0);
        expect(pack.exitCode).toBeNull();
    });

    it("answers the engine over gRPC: its policies, and the rules a violating token breaks in a production stack", async () => {
        const engine = new EngineSide(overGrpc(client), STACK);
        await engine.configure({ "mailtrap-token-max-lifetime": { enforcementLevel: "mandatory", maxLifetimeDays: 30 } });
        const info = await engine.analyzerInfo();
        expect(info.getPoliciesList().map((p) => p.getName())).toEqual([
            "mailtrap-token-max-lifetime",
            "mailtrap-token-no-account-admin",
            "mailtrap-admin-token-expires",
            "mailtrap-token-protected-in-production",
        ]);
        const deployer = await engine.analyze(violating.find((r) => r.name === "deployer")!);
        expect(deployer.diagnostics.map((d) => [d.policyName, d.enforcementLevel])).toEqual([
            ["mailtrap-token-no-account-admin", "mandatory"],
            ["mailtrap-admin-token-expires", "mandatory"],
            ["mailtrap-token-protected-in-production", "mandatory"],
        ]);
        expect(deployer.diagnostics[2].message).toContain(
            'ApiToken "deployer" (Mailtrap token "deploy-everything") in production stack "prod-eu" is not protected',
        );
        // rotateAfterDays 30 is within the configured 30 days; 365 is not.
        const slow = await engine.analyze(violating.find((r) => r.name === "slow-rotation")!);
        expect(slow.diagnostics[0].message).toContain("may live longer than the 30-day limit: rotateAfterDays is 365.");
        expect(stderr).toBe("");
    });
});
