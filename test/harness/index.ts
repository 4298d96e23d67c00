/**
 * The real-server test harness: temp dirs, free ports, server processes (nginx, tinyproxy) and
 * tiny in-process TCP servers. Every start* returns something with stop()/close(); call it in
 * an `after` hook so servers go away also when a test fails.
 */
export { makeTempDir, type TempDir } from './tmp.js';
export { freePort, freePorts, canConnect, waitForPort, waitForPortClosed } from './ports.js';
export { startProcess, type ServerProcess, type StartOptions } from './proc.js';
export { selfSignedCert, type CertFiles } from './certs.js';
export { startNginx, nginxConfig, type NginxOptions } from './nginx.js';
export { startTinyproxy } from './tinyproxy.js';
export { startTcpServer, startReplyServer, startHungServer, type TestServer } from './tcp.js';
export {
  makeSpec, serviceSpec, specFor, never, CTX, MARGIN_MS, assertTimedOut, timed, assertDownAfterStop,
} from './spec.js';
export { createNetns, type Netns } from './netns.js';
export { pollUntil, waitUntil } from './wait.js';
export { serverFixture } from './fixture.js';
