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
        ])(
            "%s: the successor, proven the update's own, is deleted and a new token issued; state names a live token, no value lost",
            async (label, fault, status) => {
                const resource = await created(`ambiguous-reset-${label.split(" ")[0]}`);
                const before = new Set(stack.emulator.listTokens(ACCOUNT).map((t) => t.id));
                inject("POST", RESET, fault);
                const m = await measure(() => rotate(resource));
                record(label, "rotate", m);
                expect(m.error).toBeUndefined();
                // The lost reset's successor was deleted (nobody holds its value); the new token is the only one left.
                const lost = stack.emulator.getToken(ACCOUNT, Number(resource.id))!.reset_to!;
                const successors = stack.emulator.listTokens(ACCOUNT).filter((t) => !before.has(t.id));
                expect(successors).toHaveLength(1);
                const [kept] = successors;
                expect(m.trace).toEqual([
                    `POST /api_tokens/${resource.id}/reset ${status}`,
                    `GET /api_tokens/${resource.id} 200`,
                    "GET /api_tokens 200",
                    `DELETE /api_tokens/${lost} 204`,
                    "POST /api_tokens 200",
                ]);
                const after = m.result!.resource!;
                expectRotated(resource, after);
                expect(after.outputs.tokenId).toBe(kept.id);
                expect(after.outputs.token).toBe(kept.token);
                const successorDeleted = `token ${resource.id} was reset by this update (its expiry moved to the end of this request's grace), so its successor ${lost}, whose value was lost, is deleted`;
                expect(await printed(m, successorDeleted)).toContain(successorDeleted);
            },
        );
    });
});
