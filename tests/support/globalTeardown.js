/** After `npm test`'s files ran: removes the packed install globalSetup.js made for them. */
const fs = require("fs");

module.exports = async function globalTeardown() {
    const dir = process.env.MAILTRAP_PACKED_PROJECT_MADE_BY_JEST;
    if (!dir) return;
    fs.rmSync(dir, { recursive: true, force: true });
    delete process.env.MAILTRAP_PACKED_PROJECT;
    delete process.env.MAILTRAP_PACKED_PROJECT_MADE_BY_JEST;
};
