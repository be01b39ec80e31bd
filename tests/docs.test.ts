import * as fs from "fs";
import * as path from "path";
import { DOCS_DIR, README, docsPages, strayFigures } from "./readme/blocks";

/**
 * The README is a front page, and figures cannot go stale: a figure (a number with a unit of time
 * or size, or a test count) stands only inside a `<!-- figures:NAME -->…<!-- /figures -->` section
 * that a measuring script rewrites (`npm run bench`: docs/benchmarks.md).
 */
describe("the README and docs/", () => {
    it("the README has at most 250 lines", () => {
        const lines = fs.readFileSync(README, "utf8").replace(/\n$/, "").split("\n").length;
        expect(lines).toBeLessThanOrEqual(250);
    });

    it.each(["README.md", ...docsPages().map((page) => `docs/${page}`)])("%s quotes figures only in measured sections", (name) => {
        const file = name === "README.md" ? README : path.join(DOCS_DIR, path.basename(name));
        expect(strayFigures(fs.readFileSync(file, "utf8"))).toEqual([]);
    });

    it("the figures strayFigures refuses and the ones it lets through", () => {
        expect(strayFigures("takes about 25 s\n97 tests\n13 MB archive\n8 minutes")).toHaveLength(4);
        expect(
            strayFigures("<!-- figures:bench -->\n9.92 ms\n<!-- /figures -->\n12 hours of grace, 90 days, v3.274.1, 150 requests"),
        ).toEqual([]);
    });
});
