/** The token every benchmark step declares, and the rate limit of the burst in full mode. */
import { PropertyMap } from "../harness/providerHost";

export const RATE_LIMIT = { requests: 150, windowMs: 10_000 };
export const TOKEN_INPUTS: PropertyMap = {
    name: "bench",
    resources: [{ resourceType: "project", resourceId: 1, accessLevel: "viewer" }],
    rotate: "1",
};
