/**
 * A stand-in for the repository's GitHub releases, on 127.0.0.1: it serves the plugin archives
 * scripts/build-plugins.sh built at `/<owner>/<repository>/releases/download/v<version>/<asset>`
 * (GitHub's own layout) and logs every request. The CLI is pointed at it with
 * `PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES` ({@link ReleaseServer.overrides}): a `pluginDownloadURL`
 * of `github://api.github.com/<owner>/<repository>` (provider/native/release.json) is then
 * fetched from here over plain HTTP, as the CLI's http source does: `<url>/pulumi-resource-mailtrap-v<version>-<os>-<arch>.tar.gz`.
 */
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { repoRoot } from "../../harness/captureProgram";
import { E2EContext } from "./context";

/** The GitHub owner and repository releases go to (provider/native/release.json: a release changes it there only). */
export const RELEASE = JSON.parse(fs.readFileSync(path.join(repoRoot(), "provider", "native", "release.json"), "utf8")) as {
    owner: string;
    repository: string;
};
/** The schema's pluginDownloadURL, which the SDKs carry and a YAML program names. */
export const PLUGIN_DOWNLOAD_URL = `github://api.github.com/${RELEASE.owner}/${RELEASE.repository}`;

export class ReleaseServer {
    /** `GET /path` of each request, with the status answered. */
    readonly requests: { path: string; status: number }[] = [];
    private readonly server: http.Server;
    private url?: string;

    /**
     * A release of every archive scripts/build-plugins.sh built (the context's pluginArchivesDir;
     * none when it was not built, so a skipped scenario can still declare its server).
     */
    static ofBuiltPlugins(context: E2EContext): ReleaseServer {
        const dir = context.pluginArchivesDir;
        const archives = dir && fs.existsSync(dir) ? fs.readdirSync(dir).map((file) => path.join(dir, file)) : [];
        return new ReleaseServer(archives);
    }

    /** `assets`: the files a release holds (each served under its base name). */
    constructor(private readonly assets: string[]) {
        this.server = http.createServer((req, res) => this.answer(req, res));
    }

    async start(): Promise<string> {
        await new Promise<void>((resolve, reject) => {
            this.server.once("error", reject);
            this.server.listen(0, "127.0.0.1", () => resolve());
        });
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        return this.url;
    }

    async stop(): Promise<void> {
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    /** Where a release's assets are, with the CLI's `${VERSION}` placeholder (an http plugin source). */
    get downloadUrl(): string {
        if (!this.url) throw new Error("call start() first");
        return `${this.url}/${RELEASE.owner}/${RELEASE.repository}/releases/download/v\${VERSION}`;
    }

    /**
     * `PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES`: `regexp=URL`, the regexp matching the source URL the
     * CLI makes from a pluginDownloadURL. Neither part may hold `,` or `=` (the CLI splits on them).
     */
    get overrides(): string {
        const pattern = `^${PLUGIN_DOWNLOAD_URL.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`;
        const value = `${pattern}=${this.downloadUrl}`;
        if (value.split(",").length !== 1 || value.split("=").length !== 2) {
            throw new Error(`PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES would hold a , or a second =: ${value}`);
        }
        return value;
    }

    /**
     * The environment under which the CLI fetches a missing plugin from here: automatic plugin
     * acquisition on (the workspaces turn it off) and {@link overrides}.
     */
    get downloadEnv(): Record<string, string> {
        return { PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false", PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES: this.overrides };
    }

    /** The requests for plugin archives, by asset name. */
    downloads(): string[] {
        return this.requests.filter((r) => r.status === 200).map((r) => path.posix.basename(r.path));
    }

    private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
        const urlPath = decodeURIComponent(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
        const prefix = `/${RELEASE.owner}/${RELEASE.repository}/releases/download/`;
        const asset = urlPath.startsWith(prefix) ? this.assets.find((file) => urlPath.endsWith(`/${path.basename(file)}`)) : undefined;
        const status = req.method === "GET" && asset ? 200 : 404;
        this.requests.push({ path: urlPath, status });
        if (status !== 200) {
            res.writeHead(status, { "content-type": "text/plain" }).end("Not Found\n");
            return;
        }
        res.writeHead(200, { "content-type": "application/gzip", "content-length": String(fs.statSync(asset!).size) });
        fs.createReadStream(asset!).pipe(res);
    }
}
