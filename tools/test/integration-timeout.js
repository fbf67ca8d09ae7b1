// Integration and end-to-end tests start processes and wait for brokers; `testTimeout` is a global
// option that multi-project runs ignore, so each such project sets it here.
jest.setTimeout(180_000);
