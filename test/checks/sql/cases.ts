/** The table both real-server SQL tests run: what the check must say for each situation. */
export interface SqlCase {
  readonly desc: string;
  readonly request: string;
  readonly login?: string;
  readonly passwd?: string;
  readonly database?: string;
  readonly up: boolean;
  readonly message: RegExp;
}

/** sqlCases: `badAuth` and `noTable` are the server's own error texts for those cases. */
export function sqlCases(badAuth: RegExp, noTable: RegExp): SqlCase[] {
  return [
    { desc: 'statement returns rows: up', request: '/SELECT id FROM ldcheck', up: true, message: /^3 rows$/ },
    { desc: 'request without leading slash', request: 'SELECT id FROM ldcheck WHERE id = 2', up: true, message: /^1 row$/ },
    { desc: 'statement returns no rows: down', request: '/SELECT id FROM ldcheck WHERE id < 0', up: false, message: /no rows/ },
    { desc: 'bad password: down', request: '/SELECT id FROM ldcheck', passwd: 'wrong', up: false, message: badAuth },
    { desc: 'unknown table (prepare failure, a crash in the original): down', request: '/SELECT * FROM missing', up: false, message: noTable },
    { desc: 'syntax error: down', request: '/SELEC id FROM ldcheck', up: false, message: /syntax/ },
    { desc: 'unknown database: down', request: '/SELECT 1', database: 'nosuchdb', up: false, message: /nosuchdb/ },
    { desc: 'empty login: down without connecting', request: '/SELECT 1', login: '', up: false, message: /Must specify a login and request/ },
    { desc: 'empty request: down without connecting', request: '/', up: false, message: /Must specify a login and request/ },
  ];
}
