#!/usr/bin/env node
// node scripts/check-plugin-bundle.js METAFILE
// What the self-contained plugin bundles, read from `bun build --metafile`: only what the plugin
// runs. Fails naming each module that is not its job: the emulator, the policy pack, the state
// migration, the dynamic resource class and its invoke, and any of @pulumi/pulumi but its generated
// proto modules (the gRPC messages; the SDK itself pulls in @opentelemetry and the whole runtime).
// Prints one summary line on success.
"use strict";
const fs = require("fs");

const NOT_THE_PLUGINS = [
    [/^provider\/emulator\//, "the emulator"],
    [/^provider\/policy\//, "the policy pack"],
    [/^provider\/(migrate|state)\//, "the state migration"],
    [/^provider\/(apiToken|getApiTokens|index)\.ts$/, "the dynamic resource class and its invoke"],
    [/(^|\/)node_modules\/@pulumi\/pulumi\/(?!proto\/)/, "@pulumi/pulumi beyond its proto modules"],
    [/(^|\/)node_modules\/@opentelemetry\//, "@opentelemetry"],
];

const metafile = process.argv[2];
if (!metafile) {
    console.error("usage: node scripts/check-plugin-bundle.js METAFILE");
    process.exit(2);
}
const inputs = Object.keys(JSON.parse(fs.readFileSync(metafile, "utf8")).inputs);
const refused = inputs.flatMap((input) => {
    const rule = NOT_THE_PLUGINS.find(([pattern]) => pattern.test(input));
    return rule ? [`${input} (${rule[1]})`] : [];
});
if (refused.length > 0) {
    console.error(`check-plugin-bundle: the plugin bundles ${refused.length} module(s) it does not run:\n  ${refused.join("\n  ")}`);
    process.exit(1);
}
const own = inputs.filter((input) => input.startsWith("provider/")).length;
const proto = inputs.filter((input) => /node_modules\/@pulumi\/pulumi\/proto\//.test(input)).length;
console.error(
    `check-plugin-bundle: ${inputs.length} modules: ${own} of provider/, ${proto} proto modules of @pulumi/pulumi, ${inputs.length - own - proto} of other packages`,
);
