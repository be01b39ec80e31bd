// A program for tests: which ApiToken properties are outputs, for a minimal token and for a lookup.
import * as pulumi from "@pulumi/pulumi";
import { ApiToken } from "../../provider";

const minimal = new ApiToken("minimal", { name: "only a name" });
const lookedUp = ApiToken.get("looked-up", "3229/1001");

const outputNames = (token: ApiToken) =>
    Object.entries(token)
        .filter(([, value]) => pulumi.Output.isInstance(value))
        .map(([key]) => key)
        .sort();

export const minimalOutputs = outputNames(minimal);
export const lookedUpOutputs = outputNames(lookedUp);
