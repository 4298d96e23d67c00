// summarize: the short text `configtest` prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarize } from '../../src/config/index.js';
import { ok } from './helpers.js';

test('summarize lists globals, each virtual with its check settings, reals and fallback', async () => {
  const cfg = await ok([
    'checktimeout=3',
    'execute=mail.cf',
    'virtual=192.0.2.1:80',
    '\treal=192.0.2.2:80 gate 2',
    '\treal=192.0.2.3:80 masq 1 "/c" "OK" l:1 u:9',
    '\tfallback=127.0.0.1',
    '\trequest="/t"',
    '\treceive="Test"',
    '',
    'virtual6=[2001:db8::1]:443',
    '\tchecktype=2',
    '\treal6=[2001:db8::2] gate',
    '',
    'virtual=7',
    '\tchecktype=connect',
  ].join('\n'));
  assert.equal(summarize(cfg), [
    'config /t/test.cf (name test.cf): 3 virtual service(s)',
    'global: checkinterval 10s fork no quiescent no autoreload no logfile /var/log/ldirectord.log',
    'execute: mail.cf',
    'virtual tcp:192.0.2.1:80 scheduler wrr',
    '    service http checktype negotiate checktimeout 3s negotiatetimeout 3s checkinterval 10s failurecount 1',
    '    request "/t" receive "Test"',
    '    real 192.0.2.2:80 gate weight 2',
    '    real 192.0.2.3:80 masq weight 1 request "/c" receive "OK" l:1 u:9',
    '    fallback 127.0.0.1:80 gate',
    'virtual tcp:[2001:db8::1]:443 scheduler wrr',
    '    service https checktype combined(2) checktimeout 3s negotiatetimeout 3s checkinterval 10s failurecount 1',
    '    request "/" receive ""',
    '    real [2001:db8::2]:0 gate weight 1',
    'virtual fwm:7 scheduler wrr',
    '    service none checktype connect checktimeout 3s negotiatetimeout 3s checkinterval 10s failurecount 1',
    '    (no real servers)',
  ].join('\n'));
});
