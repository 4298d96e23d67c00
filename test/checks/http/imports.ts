/** Harness re-exports for the http tests. */
export { assertDownAfterStop, freePort, makeSpec, startHungServer, startNginx, startTinyproxy, startTcpServer, type TestServer } from '../../harness/index.js';
export { makeTempDir as makeDir } from '../../harness/index.js';
