import * as grpc from "@grpc/grpc-js";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { FailedAfterIssue, TokenService } from "../../provider/lifecycle/service";
import { ApiTokenState } from "../../provider/types";
import { call, checkAndCreate, checkChanged, NativeProvider, plain, SECRET, SIG, startNativeProvider, urnOf } from "./nativeService";

/**
 * A create or update that issued a token and then failed: the token service fails with the
 * resource's id and outputs (FailedAfterIssue, provider/lifecycle/service.ts). The native provider
 * hands them to the engine as the engine keeps them: a `pulumirpc.ErrorResourceInitFailed` in the
 * status details.
 */
const ISSUED_VALUE = "issued-token-value-7f3a";

/** The failure the token service reports after it issued token 777 and a later step failed (a stray internal key in its outputs). */
function failureAfterIssue(): FailedAfterIssue {
    const outputs = { name: "issued", tokenId: 777, token: ISSUED_VALUE, last4Digits: "7f3a", __provider: "serialized-provider" };
    return new FailedAfterIssue(
        `mailtrap: deleting old token 5 failed (503) after issuing ${ISSUED_VALUE}\n    at rotate.ts:1`,
        "777",
        outputs as Partial<ApiTokenState> as ApiTokenState,
    );
}

/** What the engine reads from a failed call's `grpc-status-details-bin` trailer. */
function initFailureOf(error: grpc.ServiceError) {
    const [bytes] = error.metadata?.get("grpc-status-details-bin") ?? [];
    if (bytes === undefined) return undefined;
    const status = statusproto.Status.deserializeBinary(new Uint8Array(bytes as Buffer));
    const [detail] = status.getDetailsList();
    const failure = detail.unpack(provproto.ErrorResourceInitFailed.deserializeBinary, "pulumirpc.ErrorResourceInitFailed");
    return failure && { status, id: failure.getId(), properties: plain(failure.getProperties()), reasons: failure.getReasonsList() };
}

async function failedCall(work: Promise<unknown>): Promise<grpc.ServiceError> {
    const error = await work.then(
        () => undefined,
        (e: grpc.ServiceError) => e,
    );
    if (!error) throw new Error("the call succeeded");
    return error;
}

describe("a native create or update that fails after it issued a token", () => {
    let provider: NativeProvider;

    beforeAll(async () => {
        provider = await startNativeProvider();
    });

    afterAll(async () => {
        await provider.stop();
    });

    afterEach(() => {
        jest.restoreAllMocks();
    });

    it("fails Create with ErrorResourceInitFailed holding the id and outputs, token secret, no __provider", async () => {
        jest.spyOn(TokenService.prototype, "create").mockRejectedValueOnce(failureAfterIssue());

        const error = await failedCall(checkAndCreate(provider.client, urnOf("init-failed-create"), { name: "issued" }));

        const failure = initFailureOf(error);
        expect(failure).toMatchObject({ id: "777", properties: { name: "issued", tokenId: 777, last4Digits: "7f3a" } });
        expect(failure!.properties.token).toEqual({ [SIG]: SECRET, value: ISSUED_VALUE });
        expect(failure!.properties.__provider).toBeUndefined();
    });

    it("fails Update with ErrorResourceInitFailed holding the id and outputs, token secret", async () => {
        const urn = urnOf("init-failed-update");
        const { created } = await checkAndCreate(provider.client, urn, { name: "issued", rotate: "v1" });
        const olds = created.getProperties()!;
        const news = await checkChanged(provider.client, urn, olds, { name: "issued", rotate: "v2" });
        jest.spyOn(TokenService.prototype, "update").mockRejectedValueOnce(failureAfterIssue());

        const error = await failedCall(
            call(provider.client, "update", new provproto.UpdateRequest().setUrn(urn).setId(created.getId()).setOlds(olds).setNews(news)),
        );

        const failure = initFailureOf(error);
        expect(failure).toMatchObject({ id: "777", properties: { tokenId: 777 } });
        expect(failure!.properties.token).toEqual({ [SIG]: SECRET, value: ISSUED_VALUE });
    });

    it("says why in one line, without the issued value, as the status message and the one reason", async () => {
        jest.spyOn(TokenService.prototype, "create").mockRejectedValueOnce(failureAfterIssue());

        const error = await failedCall(checkAndCreate(provider.client, urnOf("init-failed-line"), { name: "issued" }));

        const line = "mailtrap: deleting old token 5 failed (503) after issuing [secret]";
        expect(error.details).toBe(line);
        expect(initFailureOf(error)!.reasons).toEqual([line]);
        expect(initFailureOf(error)!.status.getMessage()).toBe(line);
    });

    it("carries no resource when the failure issued nothing", async () => {
        jest.spyOn(TokenService.prototype, "create").mockRejectedValueOnce(new Error("mailtrap: the API refused the token (422)"));

        const error = await failedCall(checkAndCreate(provider.client, urnOf("failed-without-issue"), { name: "issued" }));

        expect(error.details).toBe("mailtrap: the API refused the token (422)");
        expect(initFailureOf(error)).toBeUndefined();
    });
});
