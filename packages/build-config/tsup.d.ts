import type { Options } from 'tsup';
export declare function libraryConfig(options: {
  entry: Record<string, string>;
  platform?: 'node' | 'neutral' | 'browser';
}): Options | Options[];
export declare function nodeBinConfig(options: {
  entry: Record<string, string>;
}): Options | Options[];
