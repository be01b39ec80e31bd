/**
 * A workspace whose CLI gets the plugin as a user's does: not installed, no plugin on PATH,
 * downloaded from the repository's release (./releaseServer, serving the built archives) into the
 * workspace's fresh PULUMI_HOME. With `path`, also a machine without Node.js: PATH is a folder of
 * links to those executables, then `wholeDirs` (./noNodePath), and the variables naming Node.js are
 * left out of the CLI's environment.
 */
import * as path from "path";
import { e2eContext } from "./context";
import { noNodePath } from "./noNodePath";
import { E2EWorkspace } from "./pulumi";
import { ReleaseServer } from "./releaseServer";

export interface DownloadingWorkspace {
    ws: E2EWorkspace;
    server: ReleaseServer;
    /** The environment of every command; a scenario may add to it (PYTHONPATH, say) before its commands run. */
    env: Record<string, string>;
}

/** Call inside a describe block: registers its beforeAll (server, then emulator) and afterAll. */
export function downloadingWorkspace(
    name: string,
    options: { path?: { executables: string[]; wholeDirs?: string[] } } = {},
): DownloadingWorkspace {
    const env: Record<string, string> = {};
    const ws = new E2EWorkspace(name, { env, withoutNode: Boolean(options.path) });
    const server = ReleaseServer.ofBuiltPlugins(e2eContext());

    beforeAll(async () => {
        await server.start();
        Object.assign(env, server.downloadEnv);
        if (options.path) env.PATH = noNodePath(path.join(ws.dir, "path"), options.path.executables, options.path.wholeDirs);
        await ws.start();
    });

    afterAll(async () => {
        await server.stop();
        await ws.stop();
    });

    return { ws, server, env };
}
