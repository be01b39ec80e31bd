#!/usr/bin/env node
/**
 * The entry of `pulumi-resource-mailtrap`: the engine starts it with its own address as the first
 * argument and reads the port from the first line printed.
 */
import { serve } from "./server";

const fatal = (error: unknown) => {
    process.stderr.write(`pulumi-resource-mailtrap: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}\n`);
    process.exit(1);
};
process.on("unhandledRejection", fatal);
process.on("uncaughtException", fatal);

serve(process.argv.slice(2)).catch(fatal);
