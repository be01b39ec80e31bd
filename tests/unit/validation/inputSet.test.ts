/** checkApiTokenInputs on the input set as a whole: a valid set, inputs it does not know, and values unknown during preview. */
import { UNKNOWN_VALUE } from "../../../provider/lifecycle/validation";
import { VALID, check, withInputs, failuresFor, propertiesOf, reasonFor, permission } from "./support";

describe("checkApiTokenInputs", () => {
    describe("a fully valid input set", () => {
        it("gives no failures", () => {
            expect(check(VALID).failures).toEqual([]);
        });

        it("records the inputs as given", () => {
            expect(check(VALID).inputs).toEqual(VALID);
        });

        it("accepts only the required name and accountId", () => {
            expect(check({ name: "ci-token", accountId: 42 }).failures).toEqual([]);
        });

        it("does not modify the inputs object it was given", () => {
            const news = { name: "ci-token" };
            check(news, { defaultAccountId: 42 });
            expect(news).toEqual({ name: "ci-token" });
        });
    });

    describe("unknown inputs", () => {
        it("reports a typo such as rotation by name, listing the real inputs", () => {
            const failures = failuresFor({ rotation: "v2" });
            expect(propertiesOf(failures)).toEqual(["rotation"]);
            expect(reasonFor(failures, "rotation")).toMatch(/"rotation" is not an ApiToken input/);
            expect(reasonFor(failures, "rotation")).toMatch(
                /name, accountId, resources, expiresAt, expiresInDays, rotate, rotateAfterDays, adoptTokenId/,
            );
        });

        it("reports each unknown input", () => {
            expect(propertiesOf(failuresFor({ rotation: 1, expiry: "x" }))).toEqual(["rotation", "expiry"]);
        });

        it("reports a key starting with __: what a face's wire adds is that face's to take off", () => {
            expect(propertiesOf(failuresFor({ __provider: "serialized provider" }))).toEqual(["__provider"]);
        });
    });

    describe("values unknown during preview", () => {
        test.each(["name", "accountId", "resources", "expiresAt", "rotate", "rotateAfterDays", "adoptTokenId"])(
            "lets an unknown %s through",
            (input) => {
                const result = check(withInputs({ [input]: UNKNOWN_VALUE }));
                expect(result.failures).toEqual([]);
                expect(result.inputs[input]).toBe(UNKNOWN_VALUE);
            },
        );

        test.each(["resourceType", "resourceId", "accessLevel"])("lets an unknown permission %s through", (field) => {
            expect(failuresFor({ resources: [permission({ [field]: UNKNOWN_VALUE })] })).toEqual([]);
        });

        it("lets an unknown permission item through", () => {
            expect(failuresFor({ resources: [permission(), UNKNOWN_VALUE] })).toEqual([]);
        });
    });
});
