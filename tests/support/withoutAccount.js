/**
 * The `without-account` project's setup file: its suites run with stacks that configure no account
 * (the API's routes without one) and the emulator answering permissions in the renamed vocabulary,
 * as tests/harness/apiModel.ts reads them, and fewer random histories (MAILTRAP_HISTORIES_RUNS).
 */
process.env.MAILTRAP_TEST_ACCOUNT = "none";
process.env.MAILTRAP_TEST_PERMISSION_ANSWERS = "renamed";
process.env.MAILTRAP_HISTORIES_RUNS = "50";
