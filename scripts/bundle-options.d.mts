import type { BuildOptions } from 'esbuild';

export declare const NODE_BUNDLE: Readonly<Pick<BuildOptions, 'bundle' | 'platform' | 'target' | 'format' | 'logLevel' | 'banner'>>;
export declare const NODE_PROGRAM: Readonly<Pick<BuildOptions, 'bundle' | 'platform' | 'target' | 'format' | 'logLevel'>>;
