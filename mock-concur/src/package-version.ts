/**
 * This package's version, compiled in: the bundle and the container image carry no
 * package.json to read it from. A test holds it equal to package.json's.
 */
export const PACKAGE_VERSION = '0.2.0';
