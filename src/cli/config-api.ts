/**
 * ConfigApi is the slice of the config loader (src/config/index.ts) the CLI and daemon use,
 * injected so the composition root is the only place that imports the loader itself.
 */
import type { Config, LoadResult } from '../config/model.js';

/** ConfigApi: locate, load (from the file or from its content), summarise. */
export interface ConfigApi {
  resolveConfigPath(arg: string, opts?: { confDirs?: readonly string[]; cwd?: string }): string | undefined;
  loadConfig(file: string, opts?: { name?: string }): Promise<LoadResult>;
  /** loadConfigText loads content already read (the daemon's settled read) as `file`. */
  loadConfigText(text: string, file: string, opts?: { name?: string; readableByOthers?: boolean }): Promise<LoadResult>;
  summarize(config: Config): string;
}
