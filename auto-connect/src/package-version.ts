/**
 * This package's version, compiled in: the demo image's bundle carries no package.json to
 * read it from. A test holds it equal to package.json's.
 */
export const PACKAGE_VERSION = '0.2.0';
