// A program for tests: one token as examples/basic declares it, with nothing required from config,
// so the host suites can capture the serialized provider with only the config they choose.
import * as pulumi from "@pulumi/pulumi";
import { ApiToken } from "../../provider";

const config = new pulumi.Config();

const sending = new ApiToken("sending-token", {
    name: "ci-sending",
    resources: [{ resourceType: "project", resourceId: 4242, accessLevel: "viewer" }],
    rotate: config.get("rotation") ?? "1",
});

export const tokenId = sending.tokenId;
export const last4Digits = sending.last4Digits;
export const token = sending.token;
