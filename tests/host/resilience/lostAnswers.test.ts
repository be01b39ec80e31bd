/**
 * Fault injection through Pulumi's dynamic-provider host, changes applied whose answer was lost: an
 * ambiguous create leaves the token it made in place and names it; an ambiguous reset resets the successor
 * to obtain a value, so the state names a live token and no value is lost.
 */
import { Fault } from "../../../provider/emulator/server";
import {
    ACCOUNT,
    COLLECTION,
    RESET,
    stack,
    useFaultStack,
    measure,
    printed,
    record,
    uniqueName,
    inputsFor,
    created,
    inject,
    expectRotated,
    expectLeftoverNamed,
    accountTokenIds,
    rotate,
} from "./support";

describe("fault injection through the dynamic-provider host", () => {
    useFaultStack();

    describe("ambiguous create: applied, answer lost", () => {
        it.each([
            ["apply-then-drop", { kind: "apply-then-drop" } as Fault, "0"],
            ["apply-then-status 502", { kind: "apply-then-status", status: 502 } as Fault, "502"],
        ])("%s: the token it made is left in place and named, the create is made once more", async (label, fault, status) => {
            const name = uniqueName(`ambiguous-create-${label.split(" ")[0]}`);
            const before = accountTokenIds();
            inject("POST", COLLECTION, fault);
            const m = await measure(() => stack.engine.register(name, inputsFor(name)));
            record(label, "create", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual([`POST /api_tokens ${status}`, "POST /api_tokens 200", "GET /api_tokens 200"]);
            // Nothing was deleted: the token the lost create made may be another stack's, as far as anything shows.
            expect(m.entries.filter((e) => e.method === "DELETE")).toEqual([]);
            await expectLeftoverNamed(name, before, m);
        });
    });

    describe("ambiguous reset: applied, answer lost", () => {
        it.each([
            ["apply-then-drop", { kind: "apply-then-drop" } as Fault, "0"],
            ["apply-then-status 502", { kind: "apply-then-status", status: 502 } as Fault, "502"],
        ])("%s: the successor is reset to obtain a value; state names a live token, no value lost", async (label, fault, status) => {
            const resource = await created(`ambiguous-reset-${label.split(" ")[0]}`);
            const before = new Set(stack.emulator.listTokens(ACCOUNT).map((t) => t.id));
            inject("POST", RESET, fault);
            const m = await measure(() => rotate(resource));
            record(label, "rotate", m);
            expect(m.error).toBeUndefined();
            const successors = stack.emulator
                .listTokens(ACCOUNT)
                .filter((t) => !before.has(t.id))
                .sort((a, b) => a.id - b.id);
            // The lost reset made one successor; resetting it made the one in state.
            expect(successors).toHaveLength(2);
            const [lost, kept] = successors;
            expect(m.trace).toEqual([
                `POST /api_tokens/${resource.id}/reset ${status}`,
                `GET /api_tokens/${resource.id} 200`,
                "GET /api_tokens 200",
                `POST /api_tokens/${lost.id}/reset 200`,
            ]);
            const after = m.result!.resource!;
            expectRotated(resource, after);
            expect(after.outputs.tokenId).toBe(kept.id);
            expect(after.outputs.token).toBe(kept.token);
            // The value nobody received stops working after its grace period; only the value in state lives on.
            expect(lost.expires_at).not.toBeNull();
            expect(lost.reset_to).toBe(kept.id);
            const successorReset = `token ${resource.id} had been reset by this update, so its successor ${lost.id} is reset to obtain a value`;
            expect(await printed(m, successorReset)).toContain(successorReset);
        });
    });
});
