/**
 * Minimal declarations for the two CommonJS libraries without types that the data checks use:
 * only the calls made here are declared.
 */
declare module 'radius' {
  type Attribute = [string, string | number | Buffer];
  interface EncodeArgs {
    code: string;
    secret: string;
    identifier?: number;
    attributes?: Attribute[];
    add_message_authenticator?: boolean;
  }
  interface Decoded {
    code: string;
    identifier: number;
    attributes: Record<string, unknown>;
  }
  const radius: {
    encode(args: EncodeArgs): Buffer;
    decode(args: { packet: Buffer; secret: string }): Decoded;
    verify_response(args: { request: Buffer; response: Buffer; secret: string }): boolean;
  };
  export default radius;
}

declare module 'oracledb' {
  interface Connection {
    callTimeout: number;
    execute(sql: string, binds: unknown[], options: { maxRows?: number }): Promise<{ rows?: unknown[]; rowsAffected?: number }>;
    close(): Promise<void>;
  }
  interface ConnectionAttributes {
    user: string;
    password: string;
    connectString: string;
    connectTimeout?: number;
    transportConnectTimeout?: number;
    retryCount?: number;
  }
  const oracledb: {
    getConnection(attrs: ConnectionAttributes): Promise<Connection>;
  };
  export default oracledb;
}
