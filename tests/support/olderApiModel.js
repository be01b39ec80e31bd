/**
 * The `host-older` project's setup file: its suites run under the older API rule, which
 * tests/harness/apiModel.ts reads from MAILTRAP_TEST_API_MODEL (a reset refuses a token with an expiry).
 */
process.env.MAILTRAP_TEST_API_MODEL = "older";
