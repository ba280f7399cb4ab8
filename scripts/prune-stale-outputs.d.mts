/** Deletes the compiled files of `packageDir/dist` whose source in `packageDir/src` is gone; answers their paths. */
export declare function pruneStaleOutputs(packageDir: string): string[];
