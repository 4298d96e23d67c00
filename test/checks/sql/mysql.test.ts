import { check } from '../../../src/checks/mysql.js';
import { sqlSuite } from './cases.js';
import { startMariadb } from './servers.js';

sqlSuite({
  title: 'mysql check against mariadb',
  service: 'mysql',
  check,
  host: '127.0.7.4',
  start: startMariadb,
  setup: (db) => db.admin(`CREATE DATABASE ldtest; CREATE TABLE ldtest.ldcheck (id INT); INSERT INTO ldtest.ldcheck VALUES (1),(2),(3);
      CREATE USER 'checker'@'%' IDENTIFIED BY 's3cret'; GRANT SELECT ON ldtest.* TO 'checker'@'%';`),
  badAuth: /ER_ACCESS_DENIED_ERROR/,
  noTable: /ER_NO_SUCH_TABLE/,
  slowRequest: '/SELECT SLEEP(5)',
  slowTitle: 'statement slower than the deadline: down at the deadline',
});
