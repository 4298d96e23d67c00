/** Harness re-exports for the http tests. */
export { freePort, makeSpec, startHungServer, startNginx, startTinyproxy, startTcpServer, type TestServer } from '../../harness/index.js';
export { makeTempDir as makeDir } from '../../harness/index.js';
